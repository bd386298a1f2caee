"""The phones view's rows by position, for its VirtualTable (a ``RowSource``): what the view
holds is a session's summary and its count of rows, never one object per phone.

Sorted by session and filtered by status only (the view as it opens), a session's number of
rows is in its summary's counts, so the rows are placed by a running sum of those counts, and
a session's receipts are read (from the store, for a session loaded from it) only when one of
its rows is drawn: at 100,000 sessions an open costs the counts, not half a million rows.
Any other sort, or a filter by code, cause or text, needs every phone once: a scan (in a
thread, for a big view) keeps each row's key in display order, and the rest as above.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Any

from usms_tui.domain.receipts import Status
from usms_tui.domain.summary import SessionSummary
from usms_tui.tui.screens._phone_rows import PhoneFilter, session_rows, sort_key
from usms_tui.tui.widgets.table_base import Changes, Values

#: Sessions whose rows are kept once worked out (what a few screens of rows need; a jump to
#: the other end of the view starts again). A session's rows are a few hundred bytes a phone.
KEPT = 512

#: One session's rows that pass the filter: their keys ordered by phone, and values by key.
SessionRows = tuple[list[str], dict[str, Values]]


def by_counts(phone_filter: PhoneFilter, sort_mode: str) -> bool:
    """The rows can be placed from the sessions' counts alone (see the module's docstring)."""
    f = phone_filter
    return sort_mode == "session" and f.code_desc is None and f.cause is None and f.code is None and not f.text


def counted_rows(summary: SessionSummary, phone_filter: PhoneFilter) -> int:
    """How many of the session's phones pass a filter by status, from its counts alone (what
    :meth:`PhoneFilter.matches` says, phone by phone, for such a filter)."""
    counts, statuses = summary.counts, phone_filter.statuses
    if phone_filter.overdue:  # only pending phones, of a session past the warning age
        wanted = summary.overdue and (statuses is None or Status.PENDING in statuses)
        return counts.get(Status.PENDING, 0) if wanted else 0
    if statuses is None:
        return sum(counts.values())
    return sum(counts.get(status, 0) for status in statuses)


class PhoneWindow:
    """The rows of the view over these sessions (in watchlist order) and filter."""

    def __init__(
        self, summaries: Sequence[SessionSummary], entries: Mapping[str, Any], phone_filter: PhoneFilter
    ) -> None:
        self.summaries = summaries
        self.entries = entries
        self.phone_filter = phone_filter
        self.session_nos = tuple(summary.session_no for summary in summaries)
        self.session_index = {no: index for index, no in enumerate(self.session_nos)}
        self._rows: dict[int, SessionRows] = {}  # by session index, the last KEPT worked out
        self.counts: list[int] = []  # rows per session, by session index
        self.total = sum(sum(summary.counts.values()) for summary in summaries)  # before filtering

    def __len__(self) -> int:
        raise NotImplementedError

    def key_at(self, index: int) -> str:
        raise NotImplementedError

    def index_of(self, key: str) -> int | None:
        raise NotImplementedError

    def values_at(self, index: int) -> Values:
        found = self.values_of(self.key_at(index))
        assert found is not None  # every key shown is a row of its session
        return found

    def values_of(self, key: str) -> Values | None:
        """The cell values of the row ``key``, None when it is not among the rows."""
        index = self.session_index.get(key.partition("\x00")[0])
        return None if index is None else self.session_rows(index)[1].get(key)

    def session_rows(self, index: int) -> SessionRows:
        """The rows of the session at ``index`` that pass the filter, worked out when first asked for."""
        rows = self._rows.get(index)
        if rows is None:
            if len(self._rows) >= KEPT:
                self._rows.clear()
            summary = self.summaries[index]
            built = session_rows(index, summary, self.entries.get(summary.session_no), self.phone_filter)
            built.sort(key=lambda row: row[0])  # the same session: by key is by phone
            rows = self._rows[index] = ([row[0] for row in built], {row[0]: row[1] for row in built})
        return rows

    def decoded(self) -> dict[int, SessionRows]:
        """The sessions whose rows were worked out (a copy: the loop may add to them meanwhile)."""
        return dict(self._rows)


class CountedWindow(PhoneWindow):
    """Sorted by session, filtered by status: rows placed by the sessions' counts."""

    def __init__(
        self, summaries: Sequence[SessionSummary], entries: Mapping[str, Any], phone_filter: PhoneFilter
    ) -> None:
        super().__init__(summaries, entries, phone_filter)
        self.counts = [counted_rows(summary, phone_filter) for summary in summaries]
        # The first row of each session, then the end: machine integers (a list held an int
        # object per session past 256 rows, 4 MB at 100,000 sessions).
        self._starts = array("q", accumulate(self.counts, initial=0))

    def __len__(self) -> int:
        return self._starts[-1]

    def _locate(self, index: int) -> tuple[int, int]:
        """(session index, row within it) of the row at ``index``."""
        session = bisect_right(self._starts, index) - 1
        keys = self.session_rows(session)[0]
        if len(keys) != self.counts[session]:
            # Its counts said otherwise than its phones (a summary out of step with them): the
            # phones are right, and the rows after it move.
            self.counts[session] = len(keys)
            self._starts = array("q", accumulate(self.counts, initial=0))
            session = bisect_right(self._starts, min(index, len(self) - 1)) - 1
        return session, index - self._starts[session]

    def key_at(self, index: int) -> str:
        session, offset = self._locate(index)
        return self.session_rows(session)[0][offset]

    def index_of(self, key: str) -> int | None:
        session = self.session_index.get(key.partition("\x00")[0])
        if session is None:
            return None
        keys, values = self.session_rows(session)
        return self._starts[session] + keys.index(key) if key in values else None


class ScannedWindow(PhoneWindow):
    """Any sort or filter: every phone looked at once, each row's key kept in display order."""

    def __init__(
        self,
        summaries: Sequence[SessionSummary],
        entries: Mapping[str, Any],
        phone_filter: PhoneFilter,
        sort_mode: str,
    ) -> None:
        super().__init__(summaries, entries, phone_filter)
        ranked: list[tuple[tuple[Any, ...], str]] = []
        counts = self.counts
        for index, summary in enumerate(summaries):
            rows = session_rows(index, summary, entries.get(summary.session_no), phone_filter)
            counts.append(len(rows))
            ranked += [(sort_key(sort_mode, data), key) for key, _values, data in rows]
        ranked.sort()
        self._keys = [key for _rank, key in ranked]

    def __len__(self) -> int:
        return len(self._keys)

    def key_at(self, index: int) -> str:
        return self._keys[index]

    def index_of(self, key: str) -> int | None:
        # A search of the list (C speed, milliseconds at 500,000 rows) where a map of every
        # key to its place would hold tens of MB for the occasional cursor move.
        try:
            return self._keys.index(key)
        except ValueError:
            return None


def window_for(
    summaries: Sequence[SessionSummary], entries: Mapping[str, Any], phone_filter: PhoneFilter, sort_mode: str
) -> PhoneWindow:
    """The rows of the view for this filter and sort."""
    if by_counts(phone_filter, sort_mode):
        return CountedWindow(summaries, entries, phone_filter)
    return ScannedWindow(summaries, entries, phone_filter, sort_mode)


def changes_between(old: PhoneWindow | None, new: PhoneWindow) -> Changes:
    """Rows added, removed and changed from ``old`` to ``new``: row by row for the sessions
    whose rows ``old`` worked out (the ones that were drawn), by their counts for the others
    (their rows were never drawn, so a change in them repaints nothing)."""
    if old is None:
        return Changes(len(new), 0, 0)
    added = removed = changed = 0
    decoded = old.decoded()
    same = old.session_nos == new.session_nos
    for index, session_no in enumerate(new.session_nos):
        before = index if same else old.session_index.get(session_no)
        if before is None:
            added += new.counts[index]
            continue
        seen = decoded.get(before)
        if seen is None:
            delta = new.counts[index] - old.counts[before]
            added, removed = added + max(delta, 0), removed + max(-delta, 0)
            continue
        was, now = seen[1], new.session_rows(index)[1]
        added += sum(key not in was for key in now)
        removed += sum(key not in now for key in was)
        changed += sum(1 for key, values in now.items() if key in was and was[key] != values)
    if not same:
        removed += sum(old.counts[index] for no, index in old.session_index.items() if no not in new.session_index)
    return Changes(added, removed, changed)
