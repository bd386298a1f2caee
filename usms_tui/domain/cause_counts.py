"""Failures counted by cause, then by code, from each session's failure tallies: what the
failures view lists, with no receipt read.

Pure. The same counts, sessions (in first-seen order), most common meaning and first
description per code as :func:`~usms_tui.domain.cause_groups.group_by_cause` gives, from a
few tallies per session (see :mod:`~usms_tui.domain.failure_tally`) instead of every phone.
A :class:`CauseCounter` keeps what each set of tallies was explained to, so a count after a
refresh explains only the sessions whose tallies changed; the rest is a sum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from usms_tui.domain.carriers import carrier_of_prefix
from usms_tui.domain.causes import Cause
from usms_tui.domain.explain import explain_code
from usms_tui.domain.failure_tally import FailureTally
from usms_tui.domain.receipt_codes import CodeTable
from usms_tui.domain.summary import SessionSummary

_CAUSE_ORDER = {cause: n for n, cause in enumerate(Cause)}

#: What one session's tallies add to the groups: (cause, code, meaning, desc, count) each.
Contribution = tuple[tuple[Cause, str, str | None, str, int], ...]


@dataclass
class CodeCount:
    """The phones of one cause that share a raw ReceiptCode, counted."""

    code: str
    desc: str  # the ReceiptDesc of its first phone
    count: int = 0
    sessions: dict[str, None] = field(default_factory=dict)  # SessionNos in first-seen order
    meanings: Counter[str] = field(default_factory=Counter)  # published meaning -> phones

    @property
    def meaning(self) -> str | None:
        """The meaning most of its phones got (ties: the first seen)."""
        return self.meanings.most_common(1)[0][0] if self.meanings else None


@dataclass
class CauseCount:
    """Every phone not delivered of one cause, by code."""

    cause: Cause
    codes: dict[str, CodeCount] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(code.count for code in self.codes.values())

    def by_size(self) -> list[CodeCount]:
        """Its codes, biggest first (ties in code order)."""
        return sorted(self.codes.values(), key=lambda c: (-c.count, c.code))


class CauseCounter:
    """Counts by cause over sessions' summaries, keeping each set of tallies' explanation
    from one count to the next. One count at a time per counter is not required: each
    count reads the last one's explanations and leaves its own."""

    def __init__(self, table: CodeTable | None = None) -> None:
        self._table = table
        self._explained: dict[tuple[FailureTally, ...], Contribution] = {}

    def count(self, summaries: Iterable[SessionSummary]) -> list[CauseCount]:
        """Phones failed, unknown or other by cause, biggest cause first (ties in the order
        of :class:`Cause`)."""
        before = self._explained
        now: dict[tuple[FailureTally, ...], Contribution] = {}
        groups: dict[Cause, CauseCount] = {}
        for summary in summaries:
            tallies = summary.failures
            if not tallies:  # most sessions
                continue
            parts = now.get(tallies)
            if parts is None:
                parts = before.get(tallies)
                if parts is None:
                    parts = self._explain(tallies)
                now[tallies] = parts
            session_no = summary.session_no
            for cause, code, meaning, desc, count in parts:
                group = groups.get(cause)
                if group is None:
                    group = groups[cause] = CauseCount(cause)
                counted = group.codes.get(code)
                if counted is None:
                    counted = group.codes[code] = CodeCount(code, desc)
                counted.count += count
                counted.sessions[session_no] = None
                if meaning:
                    counted.meanings[meaning] += count
        self._explained = now  # only the tallies of sessions as they are: no pile of old ones
        return sorted(groups.values(), key=lambda g: (-g.count, _CAUSE_ORDER[g.cause]))

    def _explain(self, tallies: tuple[FailureTally, ...]) -> Contribution:
        table = self._table
        parts = []
        for prefix, code, desc, count in tallies:
            explained = explain_code(carrier_of_prefix(prefix), code, table)
            parts.append((explained.cause or Cause.NOT_IN_TABLE, code, explained.meaning, desc, count))
        return tuple(parts)


def count_by_cause(summaries: Iterable[SessionSummary], table: CodeTable | None = None) -> list[CauseCount]:
    """:meth:`CauseCounter.count` once (nothing kept for a next count)."""
    return CauseCounter(table).count(summaries)
