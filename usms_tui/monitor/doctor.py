"""Does this account get through? One GetUSMSSendReceipt for a SessionNo nobody sent.

With every session settled nothing is due, so a wrong key, a revoked login or a missing
permission would go unnoticed until the next send. :func:`check_account` asks once anyway,
for a dummy SessionNo (the answer is an empty receipt set; the gateway checks the caller
before the service looks at the SessionNo), and says whether the account works, how long the
round trip took and how far this machine's clock is from the server's. ``usms-tui doctor``
prints it; the UI runs the same check at start-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from usms_tui.api.batching import http_date
from usms_tui.api.client import ReceiptClient
from usms_tui.api.errors import ApiError
from usms_tui.domain.errors import EXIT_FATAL_API, EXIT_OK, EXIT_OTHER_API, EXIT_TRANSIENT_API
from usms_tui.domain.failures import BatchError, ErrorKind

#: Shaped like a real SessionNo (a UUID) so no gateway refuses it as malformed, and never sent.
DUMMY_SESSION_NO = "00000000-0000-4000-8000-000000000000"
#: A clock this far off makes OAuth tokens look fresh or expired when they are not (the CLI
#: refreshes 5 minutes early, so more than that defeats the margin).
SKEW_WARNING = 300.0

OK = "ok"
_VERDICTS = {
    ErrorKind.FATAL: ("fatal", EXIT_FATAL_API),
    ErrorKind.TRANSIENT: ("transient", EXIT_TRANSIENT_API),
    ErrorKind.THROTTLED: ("transient", EXIT_TRANSIENT_API),
    ErrorKind.OTHER: ("other", EXIT_OTHER_API),
}


@dataclass(frozen=True)
class AccountCheck:
    """What one probe found. ``verdict``: ``ok``, ``fatal``, ``transient`` or ``other``."""

    verdict: str
    exit_code: int
    error: BatchError | None = None
    request_id: str | None = None
    round_trip: float | None = None  #: seconds, request sent to answer read
    clock_skew: float | None = None  #: server clock minus ours, seconds (from its ``Date`` header)

    @property
    def ok(self) -> bool:
        return self.verdict == OK

    @property
    def skew_warning(self) -> str | None:
        """A sentence when the clocks disagree by more than the OAuth refresh margin."""
        if self.clock_skew is None or abs(self.clock_skew) <= SKEW_WARNING:
            return None
        side = "behind" if self.clock_skew > 0 else "ahead of"
        return (
            f"this machine's clock is {abs(self.clock_skew):.0f}s {side} the server's: OAuth tokens may be "
            "refreshed too late or too often; fix the system clock (NTP)"
        )


async def check_account(
    client: ReceiptClient, *, project_id: str | None = None, clock: Callable[[], float] = time.time
) -> AccountCheck:
    """Probe the account with one request (no retries); never raises for API or network failures."""
    try:
        answer = await client.probe(DUMMY_SESSION_NO, project_id=project_id)
    except ApiError as failed:
        error = failed.error
        verdict, code = _VERDICTS[error.kind]
        return AccountCheck(verdict, code, error, error.request_id)
    local = clock() - answer.round_trip / 2  # the server stamped Date about half-way
    server = http_date(answer.date)
    skew = None if server is None else server - local
    return AccountCheck(OK, EXIT_OK, None, answer.request_id, answer.round_trip, skew)
