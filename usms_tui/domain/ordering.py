"""The orders sessions can be shown and exported in, shared by the UI's ``s`` key and
``usms-tui export --sort``, so a file lists the sessions as the screen did. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from usms_tui.domain.receipts import Status
from usms_tui.domain.summary import SessionSummary

#: Sort modes, in the order the UI cycles them; "added" is the watchlist's own order.
SORT_MODES: tuple[str, ...] = ("added", "age", "failed", "pending", "name")


def sort_rank(mode: str, summaries: Sequence[SessionSummary], labels: Mapping[str, str]) -> Callable[[str], Any]:
    """A key function over SessionNos for a sort mode; ties keep the watchlist order."""
    position = {s.session_no: i for i, s in enumerate(summaries)}
    by_no = {s.session_no: s for s in summaries}

    def rank(session_no: str) -> Any:
        s = by_no.get(session_no)
        pos = position.get(session_no, len(position))
        if s is None or mode == "added":
            return (pos,)
        if mode == "age":
            return (-s.age_seconds, pos)  # oldest first: they are the ones to worry about
        if mode == "failed":
            return (-(s.counts.get(Status.FAILED, 0) + s.counts.get(Status.UNKNOWN, 0)), pos)
        if mode == "pending":
            return (not s.overdue, -s.counts.get(Status.PENDING, 0), pos)
        return ((labels.get(session_no) or session_no).casefold(), pos)

    return rank
