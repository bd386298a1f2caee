"""Words for what went wrong or changed: the status line's short error and alert texts.

Pure functions over the poller's events and errors (no widgets), so they are easy to test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from usms_tui.domain.failures import BatchError
from usms_tui.tui.text import safe_str, shorten

#: More alerts than this of one kind in one cycle are summed up in one line.
MAX_ALERTS = 4


def short_error(error: BatchError) -> str:
    """``RetCode 171 · req 5f3a…`` for the status line (the full text goes to a notification)."""
    if error.ret_code is not None:
        head = f"RetCode {error.ret_code}"
    elif error.http_status is not None:
        head = f"HTTP {error.http_status}"
    else:
        head = safe_str(error.message)[:40]
    # The request id is shortened here (the status line is narrow); notifications and the
    # advice line above the phones carry it whole, for a support ticket.
    return f"{head} · req {shorten(error.request_id, 13)}" if error.request_id else head


def error_line(error: BatchError) -> str:
    """One line about a session's failed refresh, most useful part first: what (RetCode or
    HTTP status), the whole request id (for a ticket), then the message and the advice."""
    if error.ret_code is not None:
        head = f"RetCode {error.ret_code}"
    elif error.http_status is not None:
        head = f"HTTP {error.http_status}"
    else:
        head = error.kind.value
    parts = [head]
    if error.request_id:
        parts.append(f"request id {safe_str(error.request_id)}")
    parts.append(f"{safe_str(error.message)}: {error.advice}")
    return " · ".join(parts)


def alert_lines(
    events: Iterable[Any],
    name_of: Callable[[str], str],
    phone_of: Callable[[str], str],
    limit: int = MAX_ALERTS,
) -> list[str]:
    """One line per new failure (``PhoneFailed``) and per newly overdue session, capped."""
    failed = [e for e in events if hasattr(e, "receipt")]
    overdue = [e for e in events if not hasattr(e, "receipt")]
    lines: list[str] = []
    for event in failed[:limit]:
        receipt = event.receipt
        lines.append(
            f"{receipt.status.value}: {safe_str(phone_of(receipt.phone))} in {safe_str(name_of(event.session_no))}"
        )
    if len(failed) > limit:
        lines.append(f"… and {len(failed) - limit} more phones failed")
    lines.extend(
        f"overdue: {safe_str(name_of(event.session_no))} has no final receipt after the warning age"
        for event in overdue[:limit]
    )
    if len(overdue) > limit:
        lines.append(f"… and {len(overdue) - limit} more sessions overdue")
    return lines
