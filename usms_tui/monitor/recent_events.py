"""The recent events the UI lists on its events screen: a bounded log of the controller's
notices, each turned into the monitor's own :class:`~usms_tui.monitor.alert_events.AlertEvent`
(the model hooks and the headless monitor's log use), so there is one event model.

Kinds beyond the alerting ones (a failing streak, a broken watchlist, a crash, a hook) are
kept as events too: a toast is gone after seconds, the events screen keeps what it said.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

from usms_tui.domain.events import PhoneFailed, SessionOverdue
from usms_tui.domain.failures import BatchError
from usms_tui.monitor import alert_events as ae
from usms_tui.monitor.alert_events import AlertEvent
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

#: Kinds only the UI's log has (the alerting ones are in ``alert_events.EVENT_KINDS``).
API_FAILING = "api_failing"
WATCHLIST_BROKEN = "watchlist_broken"
WATCHLIST_FIXED = "watchlist_fixed"
CYCLE_CRASHED = "cycle_crashed"
HOOK_FAILED = "hook_failed"
ALERTING_TROUBLE = "alerting_trouble"
FIRST_LOOK = "first_look"

#: How many events the log keeps (the oldest go first): enough for a shift, bounded memory.
LIMIT = 500


def _error_event(kind: str, error: BatchError, at: float) -> AlertEvent:
    return AlertEvent(
        kind,
        at,
        extra={
            "ret_code": error.ret_code,
            "request_id": error.request_id,
            "sessions": list(error.session_nos),
            "message": error.describe(),
        },
    )


def events_of(notice: Notice, at: float, label_of: Callable[[str], str]) -> list[AlertEvent]:
    """The events one notice stands for (``label_of``: a session's label, or "")."""
    match notice:
        case PollingStopped(error):
            fatal = ae.api_fatal(error, at)
            return [AlertEvent(fatal.kind, at, extra={**fatal.extra, "sessions": list(error.session_nos)})]
        case ApiFailing(error):
            return [_error_event(API_FAILING, error, at)]
        case ApiRecovered():
            return [ae.api_recovered(at)]
        case WatchlistBroken(error):
            return [AlertEvent(WATCHLIST_BROKEN, at, extra={"message": str(error)})]
        case WatchlistFixed():
            return [AlertEvent(WATCHLIST_FIXED, at, extra={"message": "the watchlist reads again"})]
        case CycleCrashed(error):
            return [AlertEvent(CYCLE_CRASHED, at, extra={"message": repr(error)})]
        case FirstLook(failed):
            return [AlertEvent(FIRST_LOOK, at, extra={"message": f"first refresh: {failed} phones failed or unknown"})]
        case News(found):
            out = []
            for event in found:
                if isinstance(event, PhoneFailed):
                    out.append(ae.phone_failed(event.session_no, label_of(event.session_no), event.receipt, at))
                elif isinstance(event, SessionOverdue):
                    label = label_of(event.session_no)
                    out.append(AlertEvent(ae.SESSION_OVERDUE, at, session_no=event.session_no, label=label))
            return out
        case HooksFailed(results):
            return [AlertEvent(HOOK_FAILED, at, extra={"message": result.describe()}) for result in results]
        case AlertingTrouble(message):
            return [AlertEvent(ALERTING_TROUBLE, at, extra={"message": message})]


class RecentEvents:
    """The last :data:`LIMIT` events, oldest first; ``version`` moves with every addition."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._events: deque[AlertEvent] = deque(maxlen=limit)
        self.version = 0

    def add(self, event: AlertEvent) -> None:
        self._events.append(event)
        self.version += 1

    def record(self, notices: tuple[Notice, ...], at: float, label_of: Callable[[str], str]) -> None:
        for notice in notices:
            for event in events_of(notice, at, label_of):
                self.add(event)

    def __iter__(self) -> Iterator[AlertEvent]:
        return iter(tuple(self._events))

    def __len__(self) -> int:
        return len(self._events)


def sessions_of(event: AlertEvent) -> list[str]:
    """The SessionNos an event is about (one, several for a failed batch, or none)."""
    if event.session_no:
        return [event.session_no]
    found = event.extra.get("sessions") or ()
    return [str(no) for no in found]


__all__ = ["LIMIT", "RecentEvents", "events_of", "sessions_of"]
