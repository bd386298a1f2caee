"""What one refresh cycle did (:class:`RefreshReport`), and how a batch's answer is merged
into the sessions' states (:func:`merge_answers`): the poller's cycle without its fetching,
storing and scheduling. Also the cycle's requests by outcome (:func:`request_outcomes`), which
every cycle counts: here, not with the metrics, a command that exposes none never imports
prometheus_client (20 ms)."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field

from usms_tui.domain.events import Event, PhoneFailed
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt, Status, merge_phones
from usms_tui.monitor.session_state import SessionState
from usms_tui.store.api_stats import OUTCOMES

#: Receipts worth an alert when they arrive.
_ALERT_STATUSES = frozenset({Status.FAILED, Status.UNKNOWN})
_PHONE, _STATUS = operator.itemgetter(0), operator.itemgetter(2)
#: ``usms_api_last_retcode`` when the last request got no RetCode (HTTP error, network).
NO_RETCODE = -1


@dataclass
class RefreshReport:
    """What one cycle did."""

    checked: list[str] = field(default_factory=list)  # fetched successfully
    changed: set[str] = field(default_factory=set)  # receipts differ from before
    errors: list[BatchError] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    requests: int = 0
    watchlist_changed: bool = False

    @property
    def fatal(self) -> BatchError | None:
        return next((e for e in self.errors if e.kind is ErrorKind.FATAL), None)


def merge_answers(
    states: Mapping[str, SessionState], fetched: dict[str, list[Receipt]], now: float, report: RefreshReport
) -> None:
    """Merge one batch's receipts into the states of its sessions; what changed, and the
    failures that arrived, go into ``report``."""
    for session_no, receipts in fetched.items():
        state = states.get(session_no)
        if state is None:  # removed from the watchlist while the request was in flight
            continue
        report.checked.append(session_no)
        state.last_checked = now
        state.last_error = None
        # Receipts never disappear; a phone missing from this answer (a partial Data or
        # ReceiptSet) keeps what we knew rather than going back to pending. Several
        # receipts for one phone (a long message reported per part) collapse by the
        # model's rule, so the poller, summaries and the cache agree on which one counts.
        receipts = merge_phones(receipts)
        if not state.receipts:  # the first answer for this session (every one, cold): all news
            if receipts:
                report.changed.add(session_no)
                state.first_seen.update(dict.fromkeys(map(_PHONE, receipts), now))
                if not _ALERT_STATUSES.isdisjoint(map(_STATUS, receipts)):  # most have no alert
                    report.events += [PhoneFailed(session_no, r) for r in receipts if r[2] in _ALERT_STATUSES]
                state.set_receipts(receipts, merged=True)
            continue
        before = {r.phone: r for r in state.receipts}
        merged = dict(before)
        merged.update((r.phone, r) for r in receipts)
        if list(merged.values()) == state.receipts:
            continue
        report.changed.add(session_no)
        for receipt in receipts:
            old = before.get(receipt.phone)
            if old is None or old.status is not receipt.status:
                state.first_seen[receipt.phone] = now
                if receipt.status in _ALERT_STATUSES and (old is None or not old.status.is_final):
                    report.events.append(PhoneFailed(session_no, receipt))
        state.set_receipts(list(merged.values()))


def request_outcomes(report: RefreshReport) -> tuple[dict[str, int], int | None]:
    """Requests per outcome and the last RetCode of one cycle, from its report.

    A failed batch made ``attempts`` requests, all failed the same way; every other request
    got an answer. (A batch that failed and then succeeded on a retry counts as answered
    throughout: the report keeps no trace of the failed try.)
    """
    outcomes = dict.fromkeys(OUTCOMES, 0)
    failed = 0
    for error in report.errors:
        outcomes[error.kind.value] += error.attempts
        failed += error.attempts
    outcomes["ok"] = max(0, report.requests - failed)
    if not report.requests:
        return outcomes, None
    worst = report.fatal or (report.errors[-1] if report.errors else None)
    if worst is None:
        return outcomes, 0
    return outcomes, worst.ret_code if worst.ret_code is not None else NO_RETCODE
