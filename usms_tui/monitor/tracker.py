"""Which events are news after a refresh cycle: facts in the data not reported before.

Events come from the state, not from what one cycle saw change: a failure first fetched by
a ``check`` (which runs no hooks) is still told by the next ``monitor``, and one already told
is not told again after a restart. The first look scans every session; later cycles only
the sessions that changed, plus the overdue check and the thresholds, which are cheap.

Thresholds and the API's fatal state are episodes: a crossing is told once, and told again
only after the figure went back under (the key is forgotten then). ``api_recovered`` is told
by whoever removes the ``api_fatal`` key, so two processes do not both say it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from usms_tui.domain.explain import cause_id
from usms_tui.domain.receipts import Status
from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.thresholds import FAIL_ABOVE, OVERDUE_ABOVE, Alert, Thresholds, crossed
from usms_tui.monitor import alert_events as ev
from usms_tui.store.reported import ReportedEvents, ReportKey

if TYPE_CHECKING:
    from usms_tui.domain.receipts import Receipt
    from usms_tui.monitor.poller import Poller, RefreshReport

#: Final receipts that are not a delivery: what ``phone_failed`` is about.
NOT_DELIVERED = frozenset({Status.FAILED, Status.UNKNOWN, Status.OTHER})
_RULES = (FAIL_ABOVE, OVERDUE_ABOVE)


class EventTracker:
    """Turns the poller's state into news, remembering what was told in ``reported``.

    ``reported`` may be ``None`` (no usable store): then events are remembered only for the
    life of this process, and a restart tells them again.
    """

    def __init__(
        self,
        reported: ReportedEvents | None,
        thresholds: Thresholds,
        *,
        cause_of: Callable[[Receipt], str | None] = cause_id,
    ) -> None:
        self.reported = reported
        self.thresholds = thresholds
        self.cause_of = cause_of
        self.alerts: list[Alert] = []  #: the rules crossed after the last cycle
        self._known: set[ReportKey] = set()  # told, by us or found told in the store
        self._scanned = False
        self._api_unknown = True  # whether the store holds an api_fatal from before we started

    def after_cycle(
        self, poller: Poller, report: RefreshReport | None, summaries: Sequence[SessionSummary], now: float
    ) -> list[ev.AlertEvent]:
        """The news after a cycle (``report`` None: just loaded, nothing fetched yet).

        ``summaries`` are the current ones of the non-archived sessions (the caller builds
        them anyway for its screen or metrics). Marks what it returns as reported.
        """
        candidates: list[ev.AlertEvent] = []
        by_no = {s.session_no: s for s in summaries}
        scan: Iterable[str] = by_no if not self._scanned or report is None else report.changed
        for session_no in scan:
            summary = by_no.get(session_no)
            if summary is not None:
                candidates.extend(self._failed_phones(poller, summary, now))
        candidates.extend(
            ev.session_overdue(
                summary.session_no,
                self._label(poller, summary.session_no),
                now,
                age_seconds=summary.age_seconds,
                pending=summary.counts.get(Status.PENDING, 0),
            )
            for summary in summaries
            if summary.overdue
        )
        self.alerts = crossed(summaries, self.thresholds)
        candidates.extend(ev.threshold_crossed(alert, now) for alert in self.alerts)
        back_under = [ReportKey(ev.THRESHOLD_CROSSED, "", rule) for rule in _RULES]
        back_under = [key for key in back_under if key.subject not in {a.rule for a in self.alerts}]
        if not self._scanned:
            self._forget(back_under)  # the store may hold a crossing from before a restart
        else:
            self._forget([key for key in back_under if key in self._known])
        news = self._api(report, now)
        if report is not None and report.fatal is not None:
            candidates.append(ev.api_fatal(report.fatal, now))
        self._scanned = True
        return news + self._claim(candidates, now)

    def _failed_phones(self, poller: Poller, summary: SessionSummary, now: float) -> list[ev.AlertEvent]:
        label = self._label(poller, summary.session_no)
        return [
            ev.phone_failed(summary.session_no, label, receipt, now, cause=self.cause_of(receipt))
            for receipt in summary.phones
            if receipt.status in NOT_DELIVERED
        ]

    @staticmethod
    def _label(poller: Poller, session_no: str) -> str:
        state = poller.states.get(session_no)
        return state.entry.label if state is not None else ""

    def _api(self, report: RefreshReport | None, now: float) -> list[ev.AlertEvent]:
        """``api_recovered`` when a cycle got every answer after an ``api_fatal`` was told."""
        if report is None or report.errors or not report.checked:
            return []
        if not (self._api_unknown or ev.API_FATAL_KEY in self._known):
            return []  # nothing to end: no write per cycle
        was_known = ev.API_FATAL_KEY in self._known
        self._known.discard(ev.API_FATAL_KEY)
        self._api_unknown = False
        if self.reported is None:
            return [ev.api_recovered(now)] if was_known else []
        return [ev.api_recovered(now)] if self.reported.forget([ev.API_FATAL_KEY]) else []

    def _forget(self, keys: list[ReportKey]) -> None:
        if not keys:
            return
        self._known.difference_update(keys)
        if self.reported is not None:
            self.reported.forget(keys)

    def _claim(self, candidates: list[ev.AlertEvent], now: float) -> list[ev.AlertEvent]:
        """Those of ``candidates`` nobody reported yet, now marked as reported (one transaction)."""
        fresh = [event for event in candidates if event.key not in self._known]
        if not fresh:
            return []
        keys = [event.key for event in fresh]
        claimed = set(keys) if self.reported is None else set(self.reported.claim(keys, now))
        self._known.update(keys)
        seen: set[ReportKey] = set()
        news = []
        for event in fresh:
            if event.key in claimed and event.key not in seen:
                seen.add(event.key)
                news.append(event)
        return news
