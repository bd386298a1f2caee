"""Failures grouped by cause, then by code, with counts and every phone in them.

Pure. Every phone with a final answer other than delivered is explained once; the groups
keep the phones so a view can list a group's phones without explaining them again. The
failures view counts the same groups from the sessions' tallies instead (see
``cause_counts.py``, held to this phone-by-phone form by a property test): it needs no phone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from usms_tui.domain.causes import Cause
from usms_tui.domain.explain import EXPLAINED_STATUSES, Explanation, explain
from usms_tui.domain.receipt_codes import CodeTable
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import SessionSummary

_CAUSE_ORDER = {cause: n for n, cause in enumerate(Cause)}


@dataclass
class CodeGroup:
    """The phones of one cause that share a raw ReceiptCode."""

    code: str
    phones: list[tuple[str, Receipt, Explanation]] = field(default_factory=list)  # (SessionNo, ...)
    meanings: Counter[str] = field(default_factory=Counter)  # published meaning -> phones

    @property
    def count(self) -> int:
        return len(self.phones)

    @property
    def meaning(self) -> str | None:
        """The meaning most of its phones got (carriers may word one code differently)."""
        return self.meanings.most_common(1)[0][0] if self.meanings else None

    @property
    def sessions(self) -> int:
        return len({session_no for session_no, _, _ in self.phones})


@dataclass
class CauseGroup:
    """Every failed phone of one cause, by code."""

    cause: Cause
    codes: dict[str, CodeGroup] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(group.count for group in self.codes.values())

    def by_size(self) -> list[CodeGroup]:
        """Its code groups, biggest first (ties in code order)."""
        return sorted(self.codes.values(), key=lambda g: (-g.count, g.code))


def group_by_cause(summaries: Iterable[SessionSummary], table: CodeTable | None = None) -> list[CauseGroup]:
    """Phones not delivered (failed, unknown, other) by cause, biggest cause first (ties in
    the order of :class:`Cause`)."""
    groups: dict[Cause, CauseGroup] = {}
    for summary in summaries:
        for receipt in summary.phones:
            if receipt.status not in EXPLAINED_STATUSES:
                continue
            explained = explain(receipt, table)
            cause = explained.cause or Cause.NOT_IN_TABLE
            group = groups.setdefault(cause, CauseGroup(cause))
            codes = group.codes.setdefault(receipt.code, CodeGroup(receipt.code))
            codes.phones.append((summary.session_no, receipt, explained))
            if explained.meaning:
                codes.meanings[explained.meaning] += 1
    return sorted(groups.values(), key=lambda g: (-g.count, _CAUSE_ORDER[g.cause]))


def phones_with_cause(summaries: Iterable[SessionSummary], causes: Iterable[Cause]) -> list[tuple[str, Receipt]]:
    """(SessionNo, receipt) of every phone whose cause is one of ``causes`` (a phones filter)."""
    wanted = frozenset(causes)
    return [
        (summary.session_no, receipt)
        for summary in summaries
        for receipt in summary.phones
        if explain(receipt).cause in wanted
    ]
