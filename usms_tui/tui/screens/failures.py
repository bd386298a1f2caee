"""The failures view: failed, unknown and odd receipts grouped by cause, then by code.

A row per cause (this project's own, e.g. "account in arrears") and under it a row per raw
ReceiptCode with UCloud's published meaning, each with its count, how many sessions it
touched and one example SessionNo, biggest first; Enter opens the phones of that row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from usms_tui.domain.cause_counts import CauseCount, CauseCounter
from usms_tui.domain.causes import Cause
from usms_tui.domain.explain import EXPLAINED_STATUSES
from usms_tui.tui.host import host_status
from usms_tui.tui.screens._export_action import ExportsView
from usms_tui.tui.screens._live_view import LiveView
from usms_tui.tui.text import clip, shorten
from usms_tui.tui.widgets.key_bar import KeyBar
from usms_tui.tui.widgets.keyed_table import KeyedTable
from usms_tui.tui.widgets.status_bar import StatusBar
from usms_tui.tui.widgets.table_base import Cell, Column, Values

#: Receipts that count as failures: a final answer other than delivered.
FAILURE_STATUSES = EXPLAINED_STATUSES

#: Widths follow the content (there are few groups). A cause's row carries its label in
#: "what"; the code rows under it carry the raw ReceiptCode and UCloud's meaning.
COLUMNS: tuple[Column, ...] = (
    Column("count", "Count"),
    Column("what", "Cause / code"),
    Column("meaning", "Meaning"),
    Column("sessions", "Sess", justify="right", label_justify="left"),
    Column("example", "Example"),
)
WHAT_WIDTH = 32
MEANING_WIDTH = 16
EXAMPLE_WIDTH = 12  # shortened for 80 columns; y copies the whole SessionNo


@dataclass(frozen=True)
class Group:
    """One row: a cause, or one code under it, with the phones it counts."""

    cause: Cause
    code: str | None  # None: the cause's own row
    count: int
    sessions: tuple[str, ...]  # SessionNos in first-seen order
    meaning: str = ""

    @property
    def example(self) -> str:
        return self.sessions[0]


def failure_rows(groups: Iterable[CauseCount]) -> dict[str, Group]:
    """The rows in display order: each cause (biggest first), then its codes (biggest first)."""
    rows: dict[str, Group] = {}
    for group in groups:
        codes = group.by_size()
        every = dict.fromkeys(session_no for code in codes for session_no in code.sessions)
        rows[f"cause\x00{group.cause.value}"] = Group(group.cause, None, group.count, tuple(every))
        for code in codes:
            # The meaning most phones got; the raw description (its first phone's) when the
            # table has none.
            meaning = code.meaning or code.desc
            key = f"code\x00{group.cause.value}\x00{code.code}"
            rows[key] = Group(group.cause, code.code, code.count, tuple(code.sessions), meaning)
    return rows


def render_cell(column: str, value: Any) -> Cell:
    """One cell of the failures table from its value (texts are shown literally)."""
    if column == "what":
        is_cause, text = value
        # Codes sit indented under their cause; a cause reads like a failure (its colour).
        return (clip(text, WHAT_WIDTH), "-failed") if is_cause else ("  " + clip(text or "-", WHAT_WIDTH - 2), "")
    if column in ("count", "sessions"):
        return f"{value:,}", ""
    if column == "meaning":
        return clip(value, MEANING_WIDTH), ""
    if column == "example":
        return shorten(value, EXAMPLE_WIDTH), ""
    return str(value or "-"), ""


class _Computed(NamedTuple):
    groups: dict[str, Group]
    wanted: Mapping[str, Values]
    title: str


def table_of(causes: Sequence[Any], groups: dict[str, Group]) -> _Computed:
    """The view's cell values and title for these causes (each with its ``count`` of phones)
    and their rows."""
    wanted = {
        key: (
            g.count,
            (g.code is None, g.cause.label if g.code is None else g.code),
            g.meaning,
            len(g.sessions),
            g.example,
        )
        for key, g in groups.items()
    }
    phones = sum(cause.count for cause in causes)
    sessions = len({no for g in groups.values() for no in g.sessions})
    # "not delivered": the count includes undocumented results (• SubmitFail...), not only
    # failed and unknown ones.
    title = f"Failures by cause · {phones:,} phones not delivered · {len(causes):,} causes · {sessions:,} sessions"
    return _Computed(groups, wanted, title)


class FailuresScreen(LiveView, ExportsView, Screen[None]):
    """Failed and unknown receipts grouped by cause, then code, biggest first."""

    EXPORT_NAME = "usms-failures.csv"

    HELP_TITLE = "Failures view"

    table: KeyedTable

    BINDINGS = [
        # priority: the table's own Enter (select, hidden) would otherwise hide this key.
        Binding("enter", "open_group", "phones of group", priority=True),
        Binding("y", "copy_example", "copy example SessionNo", id="copy"),
        Binding("e", "export", "export", id="export"),
        Binding("escape", "close", "back"),
        Binding("q", "close", "back", show=False, id="back"),
    ]

    DEFAULT_CSS = """
    FailuresScreen #failures-title { height: 1; text-wrap: nowrap; text-overflow: ellipsis; padding: 0 1; background: $panel; color: $text; }
    FailuresScreen KeyedTable { height: 1fr; }
    FailuresScreen #failures-empty { padding: 1 2; color: $success; display: none; }
    FailuresScreen.-empty #failures-empty { display: block; }
    """

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)
        self.table = KeyedTable(COLUMNS, render_cell, id="failures-table")
        self._groups: dict[str, Group] = {}
        self._sorted_on: list[str] | None = None
        # What each session's failure tallies explain to, kept between refreshes: a cycle
        # explains only the sessions it changed (the rest is a sum, off the loop).
        self._counter = CauseCounter()

    def compose(self) -> ComposeResult:
        if host_status(self.app) is not None:
            # The app's status line (API health, countdown, totals) stays in sight here too.
            yield StatusBar()
        yield Static(id="failures-title")
        yield Static("No failed, unknown or other receipts.", id="failures-empty")
        yield self.table
        yield KeyBar()

    def compute_rows(self, summaries: list[Any], entries: Mapping[str, Any], options: Any) -> _Computed:
        """The groups and their cell values (plain values only: a big view does this in a thread)."""
        causes = self._counter.count(summaries)
        return table_of(causes, failure_rows(causes))

    def show_rows(self, computed: _Computed) -> None:
        """Regroup and diff-update: only changed counts are redrawn, groups come and go by key."""
        app = self.app
        table = self.table
        self._groups = groups = computed.groups
        with app.batch_update():
            first_fill = not table.row_count
            table.update(computed.wanted)
            order = list(groups)
            if order != self._sorted_on:
                rank = {key: position for position, key in enumerate(order)}
                table.order_by(lambda key: rank.get(key, len(rank)))
                self._sorted_on = order
            if first_fill and table.row_count:
                # order_by keeps the cursor on its row, which on a first fill is whichever
                # group was seen first; the view opens on the biggest cause, at the top.
                table.move_cursor(row=0, animate=False)
        self.set_class(not groups, "-empty")
        self.query_one("#failures-title", Static).update(Text(computed.title, no_wrap=True, overflow="ellipsis"))

    def _current_group(self) -> Group | None:
        key = self.table.selected_key
        return self._groups.get(key) if key is not None else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_group()

    def action_open_group(self) -> None:
        """Open the phones view filtered to the cause or code under the cursor."""
        group = self._current_group()
        if group is None:
            return
        from usms_tui.tui.screens.phones import PhonesScreen

        self.app.push_screen(PhonesScreen(set(FAILURE_STATUSES), cause=group.cause, code=group.code))

    def action_copy_example(self) -> None:
        """Copy the example SessionNo of the group (OSC 52) for a support ticket."""
        group = self._current_group()
        if group is None:
            return
        self.app.copy_to_clipboard(group.example)
        self.notify(f"copied SessionNo {group.example}", timeout=3, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

    def export_rows(self) -> list[Mapping[str, Any]]:
        """The code groups as shown (by cause, biggest first), for export."""
        rows: list[Mapping[str, Any]] = []
        for key in self.table.keys:
            group = self._groups.get(key)
            if group is None or group.code is None:  # a cause's row only sums its codes
                continue
            rows.append(
                {
                    "cause": group.cause.value,
                    "code": group.code,
                    "meaning": group.meaning or None,
                    "count": group.count,
                    "sessions": len(group.sessions),
                    "example_session_no": group.example,
                }
            )
        return rows
