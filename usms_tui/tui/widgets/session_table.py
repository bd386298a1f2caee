"""The sessions table: one row per watched session, keyed by SessionNo, diff-updated.

Columns: name (label or shortened SessionNo, ⚠ when overdue or when its last refresh
failed), age since sent (``!`` when overdue), counts per status, a delivery bar, the cost and,
from 100 columns, the median delivery time of its delivered phones.
The name column takes whatever width is left, so a wide terminal shows more of each name.
Each row's values are what its cells are made of, so a refresh renders only what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from textual import events

from usms_tui.domain.delivery import median_delay
from usms_tui.domain.ordering import SORT_MODES as SORT_MODES  # the modes `s` cycles (main screen)
from usms_tui.domain.ordering import sort_key
from usms_tui.domain.receipts import STATUS_ORDER, Status
from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_duration
from usms_tui.tui.messages import SessionHighlighted
from usms_tui.tui.statuses import OVERDUE_SYMBOL, STATUS_SYMBOLS, WARNING_MARK, progress_bar
from usms_tui.tui.text import clip, shorten
from usms_tui.tui.widgets.table_base import Cell, Changes, Column, RowFilter, Values, in_chunks
from usms_tui.tui.widgets.virtual_table import VirtualTable

#: What each sort mode puts first, short for the name column's header (the symbols are the
#: count columns' headers) and in words for the notice after ``s``.
SORT_HEADERS: dict[str, str] = {
    "added": "(as added)",
    "age": "↓oldest",
    "failed": f"↓{STATUS_SYMBOLS[Status.FAILED]}+{STATUS_SYMBOLS[Status.UNKNOWN]}",
    "pending": f"↓overdue,{STATUS_SYMBOLS[Status.PENDING]}",
    "name": "A→Z",
}
SORT_WORDS: dict[str, str] = {
    "added": "the order they were added",
    "age": "age, oldest first",
    "failed": "failed + unknown phones, most first",
    "pending": "overdue first, then most pending",
    "name": "name, A to Z",
}

#: The name column's width: at least MIN_NAME, at most MAX_NAME (a label and a whole
#: SessionNo), so at 200 columns the room goes to the delivery column, not to blanks in names.
MIN_NAME, MAX_NAME = 12, 60
_FIXED = (
    Column("age", "Age", 7),
    *(Column(s.value, STATUS_SYMBOLS[s], 4, "right") for s in STATUS_ORDER),
    Column("bar", "Delivered", 11),
    Column("cost", "Cost", 4, "right"),
    Column("p50", "p50", 6, "right"),
)
#: Columns shown only from a terminal width on (below it their width is 0): the delivery
#: time's median needs room; the bar and cost give way so that 60 columns fit without a
#: sideways scrollbar.
SHOWN_FROM = {"p50": 100, "bar": 72, "cost": 72}


def column_widths(width: int) -> dict[str, int]:
    """Every column's width in a table ``width`` cells wide. The name takes what is left of
    the shown columns and their 2 cells of padding each, and of the scrollbar."""
    widths = {c.key: (c.width or 0) if width >= SHOWN_FROM.get(c.key, 0) else 0 for c in _FIXED}
    room = width - 1 - sum(cells + 2 for cells in widths.values() if cells) - 2
    widths["name"] = max(MIN_NAME, min(MAX_NAME, room))
    return widths


#: Above this many sessions, redraws after a resize, filter or sort yield to the event loop.
BIG = 1000


def matches(session_no: str, label: str, needle: str) -> bool:
    """The filter: a case-insensitive substring of the label or the SessionNo."""
    if not needle:
        return True
    needle = needle.casefold()
    return needle in session_no.casefold() or needle in label.casefold()


def _name_cell(value: Any, width: int) -> Cell:
    label, session_no, overdue, stale = value
    mark = WARNING_MARK if (overdue or stale) else " "
    name_width = width - 2
    if label and name_width >= 40:
        no_width = min(len(session_no), name_width - 14)
        name = f"{clip(label, name_width - 2 - no_width)}  {shorten(session_no, no_width)}"
    else:
        # Labels are cut at the end, SessionNos keep their head and tail.
        name = clip(label, name_width) if label else shorten(session_no, name_width)
    return f"{mark} {name}", "-overdue" if overdue else "-warning" if stale else ""


def _age_cell(value: Any) -> Cell:
    age, overdue = value
    return (f"{OVERDUE_SYMBOL}{age}", "-overdue") if overdue else (age, "")


def _p50_cell(value: Any) -> Cell:
    return ("-", "-dim") if value is None else (format_duration(value), "")


def _bar_cell(value: Any) -> Cell:
    delivered, total, settled = value
    if not total:
        return "   no phones", ""
    return progress_bar(delivered / total), "-delivered" if settled and delivered == total else ""


def _count_cell(status: Status) -> Callable[[Any], Cell]:
    css = f"-{status.value}"
    if status is Status.PENDING:

        def pending(value: Any) -> Cell:
            count, overdue = value  # pending past the warning age is overdue
            return str(count), "-dim" if not count else "-overdue" if overdue else css

        return pending
    return lambda count: (str(count), css if count else "-dim")


#: Every column's cell but the name's, whose width is the table's (see SessionTable).
_CELLS: dict[str, Callable[[Any], Cell]] = {
    "age": _age_cell,
    **{status.value: _count_cell(status) for status in STATUS_ORDER},
    "bar": _bar_cell,
    "cost": lambda cost: (str(cost), ""),
    "p50": _p50_cell,
}
_PENDING = 2 + STATUS_ORDER.index(Status.PENDING)


#: Equal small values shared between rows: a day's sessions repeat the same ages, pending
#: counts and bars, so 100,000 rows hold a few thousand of them instead of 300,000 (about
#: 20 MB). Bounded: emptied when full, which only costs sharing.
_SHARED: dict[Any, Any] = {}
_SHARED_MOST = 65_536


def _shared(value: Any) -> Any:
    found = _SHARED.get(value)
    if found is not None:
        return found
    if len(_SHARED) >= _SHARED_MOST:
        _SHARED.clear()
    _SHARED[value] = value
    return value


def render_cell(column: str, value: Any, name_width: int = MIN_NAME) -> Cell:
    """One cell from its value (see :meth:`SessionTable.row_values`), the name at this width."""
    return _name_cell(value, name_width) if column == "name" else _CELLS[column](value)


class SessionTable(VirtualTable):
    """Sessions keyed by SessionNo. Call :meth:`show` with the poller's summaries.

    A virtual table (only the lines on screen are rendered), so 100,000 sessions cost their
    values and keys, not a widget row each; the name stays in place when the rest scrolls."""

    def __init__(self, **kwargs: Any) -> None:
        columns = [Column("name", f"Session {SORT_HEADERS['added']}", MIN_NAME), *_FIXED]
        super().__init__(columns, self._render_cell, fixed=1, **kwargs)
        self.filter_text = ""
        self.sort_mode = "added"
        self._name_width = MIN_NAME
        self._order_dirty = False
        self._last: tuple[Sequence[SessionSummary], Mapping[str, str], frozenset[str]] | None = None

    def _render_cell(self, column: str, value: Any) -> Cell:
        # The name's width is the table's, not a row's: a resize renders the lines on
        # screen anew at the new width instead of rebuilding 100,000 rows' values.
        return render_cell(column, value, self._name_width)

    def row_values(self, s: SessionSummary, label: str, stale: bool) -> Values:
        """Everything a row's cells are made of: equal values, nothing to redraw."""
        counts = s.counts
        overdue = s.overdue
        row: list[Any] = [
            (label, s.session_no, overdue, stale),
            _shared((format_duration(s.age_seconds), overdue)),
        ]
        row += [counts.get(status, 0) for status in STATUS_ORDER]
        row[_PENDING] = _shared((row[_PENDING], overdue))
        row += [_shared((counts.get(Status.DELIVERED, 0), sum(counts.values()), s.settled)), s.cost_count]
        row.append(median_delay(s))
        return tuple(row)

    # -- data -----------------------------------------------------------------------------

    def show(self, summaries: Sequence[SessionSummary], labels: Mapping[str, str], stale: Iterable[str] = ()) -> None:
        """Diff-update to these sessions (filtered and sorted as set on the table)."""
        selected = self.selected_key
        stale_set = self._remember(summaries, labels, stale)
        values: dict[str, Values] = {}
        ranks: dict[str, Any] = {}
        for s in summaries:
            self._add_row(s, labels, stale_set, values, ranks)
        self._after_change(selected, self.update(values), ranks)

    async def show_chunked(
        self, summaries: Sequence[SessionSummary], labels: Mapping[str, str], stale: Iterable[str] = ()
    ) -> None:
        """:meth:`show` for big watchlists: yields to the event loop between chunks of rows."""
        selected = self.selected_key
        stale_set = self._remember(summaries, labels, stale)
        values: dict[str, Values] = {}
        ranks: dict[str, Any] = {}
        async for s in in_chunks(summaries):
            self._add_row(s, labels, stale_set, values, ranks)
        self._after_change(selected, await self.update_chunked(values), ranks)

    def _add_row(
        self,
        s: SessionSummary,
        labels: Mapping[str, str],
        stale: frozenset[str],
        values: dict[str, Values],
        ranks: dict[str, Any],
    ) -> None:
        """One session's row values, and what it sorts on unless the order is the watchlist's."""
        no = s.session_no
        label = labels.get(no, "")
        values[no] = self.row_values(s, label, no in stale)
        if self.sort_mode != "added":
            ranks[no] = sort_key(self.sort_mode, s, label)

    def _remember(
        self, summaries: Sequence[SessionSummary], labels: Mapping[str, str], stale: Iterable[str]
    ) -> frozenset[str]:
        """Keep what the rows are made of (for redraws) and set the filter for the update."""
        stale_set = frozenset(stale)
        self._last = (summaries, labels, stale_set)
        self.where = self._filter()
        return stale_set

    def _filter(self) -> RowFilter | None:
        needle = self.filter_text
        if not needle:
            return None

        def accept(session_no: str, values: Values) -> bool:
            name = values[0]
            return matches(session_no, str(name[0]) if isinstance(name, tuple) else "", needle)

        return accept

    def _after_change(self, selected: str | None, changes: Changes, ranks: Mapping[str, Any]) -> None:
        added, removed, changed = changes
        # New rows come last, where the "added" order may not put them (a filter cleared);
        # changed rows may move in any other order.
        if added or removed or self._order_dirty or (changed and self.sort_mode != "added"):
            self.set_order(self._ordered(ranks))
        self._order_dirty = False
        if selected is not None and self.has_key(selected):
            self.select_key(selected)

    def _ordered(self, ranks: Mapping[str, Any]) -> list[str]:
        """The shown rows in the sort mode's order. They are held in the watchlist's order, so
        that order is a copy, and a stable sort on ``ranks`` keeps it for ties."""
        shown = self._model.shown
        return sorted(shown, key=ranks.__getitem__) if self.sort_mode != "added" else list(shown)

    def _update_header(self) -> None:
        # The name column's header says how the rows are sorted and filtered, so the state
        # of `s` and `/` stays visible after their notification is gone.
        label = f"Session {SORT_HEADERS[self.sort_mode]}"
        if self.filter_text:
            label += f" /{safe(self.filter_text)}"  # literal: the filter is typed text
        self.set_header("name", label)

    def redraw(self) -> None:
        """Rebuild rows from the last data (after a resize, a filter or a sort change)."""
        self._update_header()
        if self._last is not None:
            summaries, labels, stale = self._last
            self._order_dirty = True  # the sort mode or the filter may have changed
            self.show(summaries, labels, stale)

    async def redraw_chunked(self) -> None:
        """:meth:`redraw`, yielding to the event loop between chunks when the table is big."""
        if self._last is None or len(self._last[0]) <= BIG:
            self.redraw()
            return
        self._update_header()
        summaries, labels, stale = self._last
        self._order_dirty = True
        await self.show_chunked(summaries, labels, stale)

    # -- events ---------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        widths = column_widths(event.size.width)
        self._name_width = widths["name"]
        self.set_widths(widths)  # any new width renders the lines on screen anew

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(SessionHighlighted(event.key))
