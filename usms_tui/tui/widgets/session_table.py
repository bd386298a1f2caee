"""The sessions table: one row per watched session, keyed by SessionNo, diff-updated.

Columns: name (label or shortened SessionNo, ⚠ when overdue or when its last refresh
failed), age since sent (``!`` when overdue), counts per status, a delivery bar and the cost.
The name column takes whatever width is left, so a wide terminal shows more of each name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from rich.text import Text
from textual import events

from usms_tui.domain.receipts import STATUS_ORDER, SessionSummary, Status
from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_duration
from usms_tui.tui.messages import SessionHighlighted
from usms_tui.tui.statuses import OVERDUE_SYMBOL, STATUS_SYMBOLS, WARNING_MARK, progress_bar
from usms_tui.tui.text import clip, shorten
from usms_tui.tui.widgets.keyed_table import CHUNK, KeyedTable, collector_paused

#: Sort modes cycled by ``s``, in order.
SORT_MODES: tuple[str, ...] = ("added", "age", "failed", "pending", "name")

_FIXED = (
    ("age", "Age", 7),
    *((s.value, STATUS_SYMBOLS[s], 4) for s in STATUS_ORDER),
    ("bar", "Delivered", 11),
    ("cost", "Cost", 4),
)
#: Room taken by everything but the name: fixed widths, 2 cells of padding a column, scrollbar.
_OTHER_WIDTH = sum(w for _, _, w in _FIXED) + 2 * (len(_FIXED) + 1) + 1
MIN_NAME, MAX_NAME = 16, 80
#: Above this many sessions, redraws after a resize, filter or sort yield to the event loop.
BIG = 1000


def matches(summary: SessionSummary, label: str, needle: str) -> bool:
    """The filter: a case-insensitive substring of the label or the SessionNo."""
    if not needle:
        return True
    needle = needle.casefold()
    return needle in summary.session_no.casefold() or needle in label.casefold()


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


class SessionTable(KeyedTable):
    """Sessions keyed by SessionNo. Call :meth:`show` with the poller's summaries."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.filter_text = ""
        self.sort_mode = "added"
        self._name_width = MIN_NAME
        self._order_dirty = False
        self._last: tuple[Sequence[SessionSummary], Mapping[str, str], frozenset[str]] | None = None

    def on_mount(self) -> None:
        self.add_column("Session", key="name", width=self._name_width)
        for key, label, width in _FIXED:
            # Numbers are right-aligned, so are their headers.
            header = Text(label, justify="right" if key not in ("age", "bar") else "left")
            self.add_column(header, key=key, width=width)

    # -- cells ----------------------------------------------------------------------------

    def cells(self, s: SessionSummary, label: str, stale: bool) -> list[object]:
        """The row for one session."""
        mark = WARNING_MARK if (s.overdue or stale) else " "
        name_width = self._name_width - 2
        if label and name_width >= 40:
            no_width = min(len(s.session_no), name_width - 14)
            name = f"{clip(label, name_width - 2 - no_width)}  {shorten(s.session_no, no_width)}"
        else:
            # Labels are cut at the end, SessionNos keep their head and tail.
            name = clip(label, name_width) if label else shorten(s.session_no, name_width)
        name_class = "-overdue" if s.overdue else "-warning" if stale else ""
        row: list[object] = [self.key_cell(f"{mark} {name}", s.session_no, name_class)]
        age = format_duration(s.age_seconds)
        row.append(self.styled(f"{OVERDUE_SYMBOL}{age}" if s.overdue else age, "-overdue" if s.overdue else ""))
        for status in STATUS_ORDER:
            count = s.counts.get(status, 0)
            css = (
                "-dim" if not count else ("-overdue" if status is Status.PENDING and s.overdue else f"-{status.value}")
            )
            cell = self.styled(str(count), css)
            cell.justify = "right"
            row.append(cell)
        bar_class = "-delivered" if s.settled and s.delivered_ratio == 1.0 else ""
        row.append(self.styled(progress_bar(s.delivered_ratio) if s.total else "   no phones", bar_class))
        cost = self.styled(str(s.cost_count))
        cost.justify = "right"
        row.append(cost)
        return row

    # -- data -----------------------------------------------------------------------------

    def signature(self, s: SessionSummary, label: str, stale: bool) -> tuple:
        """Everything a row's cells are built from: equal signature, nothing to rebuild."""
        counts = tuple(s.counts.values())
        return (
            label,
            stale,
            s.overdue,
            s.settled,
            counts,
            s.cost_count,
            format_duration(s.age_seconds),
            self._name_width,
        )

    def _apply(
        self, summaries: Sequence[SessionSummary], labels: Mapping[str, str], stale: Iterable[str]
    ) -> Iterator[None]:
        """The diff-update, as a generator that pauses after every chunk of rows."""
        stale_set = frozenset(stale)
        self._last = (summaries, labels, stale_set)
        wanted = {}
        for summary in summaries:
            label = labels.get(summary.session_no, "")
            if matches(summary, label, self.filter_text):
                wanted[summary.session_no] = (summary, label)
        selected = self.selected_key
        removed = self.remove_missing(wanted)
        added = changed = 0
        for count, (session_no, (summary, label)) in enumerate(wanted.items(), 1):
            is_stale = session_no in stale_set
            signature = self.signature(summary, label, is_stale)
            if not self.unchanged(session_no, signature):
                added += self.put(session_no, self.cells(summary, label, is_stale), signature)
                changed += 1
            if count % CHUNK == 0:
                yield
        if changed or removed or self._order_dirty:
            self._reorder(summaries, labels, force=bool(added or removed))
        self._after_change(selected)

    def show(self, summaries: Sequence[SessionSummary], labels: Mapping[str, str], stale: Iterable[str] = ()) -> None:
        """Diff-update to these sessions (filtered and sorted as set on the table)."""
        for _ in self._apply(summaries, labels, stale):
            pass

    async def show_chunked(
        self, summaries: Sequence[SessionSummary], labels: Mapping[str, str], stale: Iterable[str] = ()
    ) -> None:
        """:meth:`show` for big watchlists: yields to the event loop between chunks of rows."""
        with collector_paused():
            for _ in self._apply(summaries, labels, stale):
                await asyncio.sleep(0)

    def _update_header(self) -> None:
        # The name column's header says how the rows are sorted and filtered, so the state
        # of `s` and `/` stays visible after their notification is gone.
        column = self.columns.get(self.column_key("name"))
        if column is None:
            return
        label = "Session"
        if self.sort_mode != "added":
            label += f" ↓{self.sort_mode}"
        if self.filter_text:
            label += f" /{safe(self.filter_text)}"
        if column.label.plain != label:
            column.label = Text(label, no_wrap=True)  # literal: the filter is typed text
            self._update_count += 1  # DataTable's render caches are keyed on it
            self.refresh()

    def redraw(self) -> None:
        """Rebuild cells from the last data (after a resize, a filter or a sort change)."""
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

    def _reorder(self, summaries: Sequence[SessionSummary], labels: Mapping[str, str], force: bool) -> None:
        if force or self._order_dirty or self.sort_mode != "added":
            self.order_by(sort_rank(self.sort_mode, summaries, labels))
        self._order_dirty = False

    def _after_change(self, selected: str | None) -> None:
        if selected is not None and self.has_key(selected):
            self.select_key(selected)
        now = self.selected_key
        if now != selected:
            self.post_message(SessionHighlighted(now))

    # -- events ---------------------------------------------------------------------------

    async def on_resize(self, event: events.Resize) -> None:
        width = max(MIN_NAME, min(MAX_NAME, event.size.width - _OTHER_WIDTH))
        if width != self._name_width and self.columns:
            self._name_width = width
            self.columns[self.column_key("name")].width = width
            self._require_update_dimensions = True
            self.refresh(layout=True)
            await self.redraw_chunked()  # every name is rebuilt at the new width

    def on_data_table_row_highlighted(self, event: KeyedTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(SessionHighlighted(event.row_key.value))
