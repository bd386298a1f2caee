"""Words for what went wrong or changed: the status line's state and short error, alert
texts and the notification each of the refresh controller's notices deserves.

Pure functions over the poller's events, errors and the controller's state and notices (no
widgets), so they are easy to test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from textual.notifications import SeverityLevel

from usms_tui.domain.events import Event, PhoneFailed, SessionOverdue
from usms_tui.domain.failures import BatchError
from usms_tui.domain.text import safe
from usms_tui.domain.thresholds import FAIL_ABOVE, Alert
from usms_tui.monitor.controller import RefreshController
from usms_tui.monitor.hooks import HookResult
from usms_tui.monitor.notices import (
    AlertingTrouble,
    ApiFailing,
    ApiRecovered,
    CycleCrashed,
    FirstLook,
    HooksFailed,
    News,
    Notice,
    PollingStopped,
    WatchlistBroken,
    WatchlistFixed,
)
from usms_tui.tui.text import shorten
from usms_tui.tui.widgets.status_bar import BarState

#: More alerts than this of one kind in one cycle are summed up in one line.
MAX_ALERTS = 4


def short_error(error: BatchError) -> str:
    """``RetCode 171 · req 5f3a…`` for the status line (the full text goes to a notification)."""
    if error.ret_code is not None:
        head = f"RetCode {error.ret_code}"
    elif error.http_status is not None:
        head = f"HTTP {error.http_status}"
    else:
        head = safe(error.message)[:40]
    # The request id is shortened here (the status line is narrow); notifications and the
    # advice line above the phones carry it whole, for a support ticket.
    return f"{head} · req {shorten(error.request_id, 13)}" if error.request_id else head


def bar_state(controller: RefreshController, account: str, keys: tuple[str, str] = ("r", "p")) -> BarState:
    """What the status line shows of the controller's state now."""
    c = controller
    return BarState(
        account=account,
        last_refresh=c.last_refresh,
        next_in=c.next_in(),
        refreshing=c.refreshing,
        paused=c.paused,
        interval=c.interval,
        stopped=c.stopped is not None,
        error=short_error(c.last_error) if c.last_error is not None else "",
        watchlist_error=c.watchlist_problem or "",
        failures=c.failures,
        stale=c.stale,
        totals=c.totals,
        overdue=c.overdue,
        alert=alert_text(c.alerts),
        hook_error=hook_text(c.alerting.hooks.results if c.alerting and c.alerting.hooks else ()),
        sessions=len(c.poller.states),
        loading=not c.loaded,
        delivery=c.delivery,
        keys=keys,
    )


def alert_text(alerts: Iterable[Alert]) -> str:
    """``⚑ 12.5% undelivered > 10%`` for the status line: the crossed thresholds, shortest first."""
    parts = []
    for alert in alerts:
        if alert.rule == FAIL_ABOVE:
            parts.append(f"{alert.value:g}% undelivered > {alert.threshold:g}%")
        else:
            parts.append(f"{alert.value:g} overdue > {alert.threshold:g}")
    return "⚑ " + " · ".join(parts) if parts else ""


def hook_text(results: Sequence[HookResult]) -> str:
    """``hook ✗ exit 3`` while the last hook run failed, hung or was skipped ("" when it ran)."""
    if not results or results[-1].ok:
        return ""
    last = results[-1]
    if last.skipped:
        return "hook ✗ skipped"
    if last.timed_out:
        return "hook ✗ timed out"
    return f"hook ✗ exit {last.exit_code}" if last.exit_code is not None else "hook ✗ not run"


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
        parts.append(f"request id {safe(error.request_id)}")
    parts.append(f"{safe(error.message)}: {error.advice}")
    return " · ".join(parts)


def alert_lines(
    events: Iterable[Event],
    name_of: Callable[[str], str],
    phone_of: Callable[[str], str],
    limit: int = MAX_ALERTS,
) -> list[str]:
    """One line per new failure (``PhoneFailed``) and per newly overdue session, capped."""
    events = list(events)
    failed = [e for e in events if isinstance(e, PhoneFailed)]
    overdue = [e for e in events if isinstance(e, SessionOverdue)]
    lines: list[str] = []
    for event in failed[:limit]:
        receipt = event.receipt
        lines.append(f"{receipt.status.value}: {safe(phone_of(receipt.phone))} in {safe(name_of(event.session_no))}")
    if len(failed) > limit:
        lines.append(f"… and {len(failed) - limit} more phones failed")
    lines.extend(
        f"overdue: {safe(name_of(event.session_no))} has no final receipt after the warning age"
        for event in overdue[:limit]
    )
    if len(overdue) > limit:
        lines.append(f"… and {len(overdue) - limit} more sessions overdue")
    return lines


@dataclass(frozen=True)
class Said:
    """A notification's text and look (always shown with ``markup=False``: it quotes data)."""

    message: str
    severity: SeverityLevel = "information"
    timeout: float = 4
    title: str = ""


def say(notice: Notice, name_of: Callable[[str], str], phone_of: Callable[[str], str], refresh_key: str = "r") -> Said:
    """The notification for one of the refresh controller's notices (``refresh_key``: as
    config.toml's [keys] has it)."""
    match notice:
        case PollingStopped(error):
            return Said(f"polling stopped: {safe(error.describe())}; fix it, then press {refresh_key}", "error", 30)
        case ApiFailing(error):
            return Said(f"refresh failed: {safe(error.describe())}", "warning", 10)
        case ApiRecovered():
            return Said("the API answers again")
        case WatchlistBroken(error):
            return Said(f"{safe(error)}; the data shown is kept, the file is read again every cycle", "error", 15)
        case WatchlistFixed():
            return Said("the watchlist reads again")
        case CycleCrashed(error):
            return Said(f"refresh crashed: {safe(repr(error))}", "error", 15)
        case FirstLook(failed):
            # The state found at start is on screen already: only later changes are alerted.
            return Said(f"first refresh: {failed} phones already failed or unknown; you will be alerted to new ones")
        case News(events):
            return Said("\n".join(alert_lines(events, name_of, phone_of)), "warning", 10, title="receipts")
        case HooksFailed(results):
            more = f"\n… and {len(results) - 1} more" if len(results) > 1 else ""
            return Said(f"{safe(results[-1].describe())}{more}", "warning", 10, title="event hook")
        case AlertingTrouble(message):
            return Said(safe(message), "warning", 10)
