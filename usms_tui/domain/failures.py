"""Every way a receipt query can fail, sorted by what a monitor should do about it.

* transient: try again soon (network faults, timeouts, HTTP 5xx/429, gateway RetCodes,
  USMS's "API or service exception" 18004/18007)
* throttled: the gateway said slow down (RetCode 153): wait longer, then try again
* fatal: credentials, permissions or project are wrong: stop, a retry cannot help
* other: a bug or bad input (missing/invalid parameter, USMS 18xxx, malformed body)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class ErrorKind(enum.StrEnum):
    TRANSIENT = "transient"
    THROTTLED = "throttled"
    FATAL = "fatal"
    OTHER = "other"


_TRANSIENT_CODES = frozenset({110, 130, 150, 151, 200, 18004, 18007})
_THROTTLED_CODES = frozenset({153})
_FATAL_CODES = frozenset({160, 161, 170, 171, 172, 173, 174, *range(290, 300)})

#: What each RetCode means and what the user can do, for messages and the status line.
RET_CODE_ADVICE: dict[int, str] = {
    110: "the gateway timed out waiting for the service; retrying",
    130: "the service is temporarily unavailable; retrying",
    150: "the service is temporarily unavailable; retrying",
    151: "the service is temporarily unavailable; retrying",
    153: "requests are being throttled; backing off",
    160: "the request had no Action (a bug in usms-tui: please report it)",
    161: "the gateway does not know this Action (wrong base URL?)",
    170: "the request had no signature (a bug in usms-tui: please report it)",
    171: "the signature was rejected: check the private key for this public key",
    172: "no user has this public key: check UCLOUD_PUBLIC_KEY / your profile",
    173: "the account is restricted: contact UCloud",
    174: (
        "the token was not accepted: an expired or revoked OAuth login (run `ucloud auth login`), "
        "or a channel_key that does not match the account (check channel_key in the profile, "
        "UCLOUD_CHANNEL_KEY or --channel-key)"
    ),
    200: "the service is temporarily unavailable; retrying",
    220: "a parameter is missing (a bug in usms-tui: please report it)",
    230: "a parameter is invalid: check the SessionNos you are watching",
    290: "the project is not authorised: check UCLOUD_PROJECT_ID",
    291: "this key may not call GetUSMSSendReceipt: grant the USMS permission",
    292: "the project does not exist: check UCLOUD_PROJECT_ID",
    293: "no permission in this zone",
    294: "this source IP is not allowed for the key: add it to the key's IP whitelist",
    295: "the account is under a security lock: contact UCloud",
    299: "the IAM permission check failed: grant the USMS permission to this key",
    18003: "USMS says a parameter is invalid",
    18004: "USMS reported an API or service exception; retrying",
    18007: "USMS reported an API or service exception; retrying",
    18013: "the USMS balance is exhausted",
}


def classify_ret_code(ret_code: int) -> ErrorKind:
    """Sort a non-zero RetCode into the kind of failure it is."""
    if ret_code in _TRANSIENT_CODES:
        return ErrorKind.TRANSIENT
    if ret_code in _THROTTLED_CODES:
        return ErrorKind.THROTTLED
    if ret_code in _FATAL_CODES:
        return ErrorKind.FATAL
    return ErrorKind.OTHER


def classify_http_status(status_code: int) -> ErrorKind:
    """HTTP statuses: 429 and 5xx are worth retrying; the rest are not."""
    if status_code == 429 or 500 <= status_code < 600:
        return ErrorKind.TRANSIENT
    return ErrorKind.OTHER


@dataclass(frozen=True)
class BatchError:
    """One batch that failed (after any retries): enough to tell the user what and why."""

    kind: ErrorKind
    message: str
    session_nos: tuple[str, ...] = ()
    ret_code: int | None = None
    request_id: str | None = None
    http_status: int | None = None
    attempts: int = 1
    #: What to do, when the failure knows better than its RetCode (a refused OAuth refresh).
    hint: str | None = None
    #: Seconds the server asked us to wait (``Retry-After``), if it said.
    retry_after: float | None = None

    @property
    def advice(self) -> str:
        """What the user can do about it."""
        if self.hint:
            return self.hint
        if self.ret_code is not None and self.ret_code in RET_CODE_ADVICE:
            return RET_CODE_ADVICE[self.ret_code]
        if self.kind is ErrorKind.FATAL:
            return "check your credentials, project and permissions, then refresh"
        if self.kind is ErrorKind.TRANSIENT:
            return "the network or the service is failing; will retry"
        if self.kind is ErrorKind.THROTTLED:
            return "requests are being throttled; backing off"
        return "see the message; if it persists, report it"

    def describe(self, *, retrying: bool = True) -> str:
        """One line: what failed, the RetCode, the request id, and what to do.

        ``retrying=False`` is for a command that has given up (``check``, ``wait``, ``list``
        showing an old error): a transient or throttled failure then says how often it was
        tried instead of promising a retry that will not happen.
        """
        advice = self.advice
        if not retrying and self.kind in (ErrorKind.TRANSIENT, ErrorKind.THROTTLED):
            tries = f" after {self.attempts} attempt{'s' if self.attempts != 1 else ''}" if self.attempts > 0 else ""
            advice = f"gave up{tries}; try again later"
        parts = [self.message]
        if self.ret_code is not None:
            parts.insert(0, f"RetCode {self.ret_code}:")
        elif self.http_status is not None and f"HTTP {self.http_status}" not in self.message:
            # The client's own message already says "HTTP 503 Service Unavailable": once is enough.
            parts.insert(0, f"HTTP {self.http_status}:")
        text = " ".join(parts)
        if self.request_id:
            text += f" (request id {self.request_id})"
        return f"{text}: {advice}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape used by ``check --json``."""
        return {
            "kind": self.kind.value,
            "message": self.message,
            "ret_code": self.ret_code,
            "request_id": self.request_id,
            "session_nos": list(self.session_nos),
        }
