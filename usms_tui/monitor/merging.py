"""What one refresh cycle did (:class:`RefreshReport`), and how a batch's answer is merged
into the sessions' states (:func:`merge_answers`): the poller's cycle without its fetching,
storing and scheduling."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field

from usms_tui.domain.events import Event, PhoneFailed
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt, Status, merge_phones
from usms_tui.monitor.session_state import SessionState

#: Receipts worth an alert when they arrive.
_ALERT_STATUSES = frozenset({Status.FAILED, Status.UNKNOWN})
_PHONE, _STATUS = operator.itemgetter(0), operator.itemgetter(2)


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
