"""The failures view: failed, unknown and odd receipts grouped by (ReceiptCode, ReceiptDesc).

One row per group with its count, how many sessions it touched and one example SessionNo,
worst first; Enter opens the phones of that group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from usms_tui.domain.receipts import SessionSummary, Status
from usms_tui.domain.text import safe
from usms_tui.tui.host import host_status
from usms_tui.tui.screens._export_action import ExportsView
from usms_tui.tui.screens._live_view import LiveView
from usms_tui.tui.statuses import status_class, status_label
from usms_tui.tui.text import fit, shorten
from usms_tui.tui.widgets.key_bar import KeyBar
from usms_tui.tui.widgets.keyed_table import KeyedTable
from usms_tui.tui.widgets.status_bar import StatusBar
from usms_tui.tui.widgets.table_base import Cell, Column

#: Receipts that count as failures: a final answer other than delivered.
FAILURE_STATUSES = frozenset({Status.FAILED, Status.UNKNOWN, Status.OTHER})

#: Widths follow the content (there are few groups). The count reads from the left like the
#: rest of the row's start; the sessions count is right-aligned under a left header.
COLUMNS: tuple[Column, ...] = (
    Column("count", "Count"),
    Column("status", "Status"),
    Column("code", "Code"),
    Column("desc", "Description"),
    Column("sessions", "Sess", justify="right", label_justify="left"),
    Column("example", "Example"),
)
DESC_WIDTH = 22
EXAMPLE_WIDTH = 12  # shortened for 80 columns; y copies the whole SessionNo


@dataclass
class FailureGroup:
    """All failed/unknown/other receipts sharing one (ReceiptCode, ReceiptDesc)."""

    code: str
    desc: str
    count: int = 0
    statuses: Counter[Status] = field(default_factory=Counter)  # Status -> phones
    results: dict[Status, str] = field(default_factory=dict)  # Status -> one raw ReceiptResult (for "other")
    sessions: dict[str, int] = field(default_factory=dict)  # SessionNo -> phones, in first-seen order

    @property
    def main_status(self) -> Status:
        return self.statuses.most_common(1)[0][0]

    @property
    def example(self) -> str:
        return next(iter(self.sessions))


def group_failures(summaries: Iterable[SessionSummary]) -> dict[str, FailureGroup]:
    """Groups keyed by ``code + NUL + desc``, in first-seen order."""
    groups: dict[str, FailureGroup] = {}
    for summary in summaries:
        for receipt in summary.phones:
            if receipt.status not in FAILURE_STATUSES:
                continue
            key = f"{receipt.code}\x00{receipt.desc}"
            group = groups.get(key)
            if group is None:
                group = groups[key] = FailureGroup(receipt.code, receipt.desc)
            group.count += 1
            group.statuses[receipt.status] += 1
            group.results.setdefault(receipt.status, receipt.result)
            group.sessions[summary.session_no] = group.sessions.get(summary.session_no, 0) + 1
    return groups


def render_cell(column: str, value: Any) -> Cell:
    """One cell of the failures table from its value (texts are shown literally)."""
    if column == "status":
        status, result, mixed = value
        return status_label(status, result) + (" +" if mixed else ""), status_class(status)
    if column in ("count", "sessions"):
        return f"{value:,}", ""
    if column == "desc":
        text = safe(value)
        return (fit(text, DESC_WIDTH) if cell_len(text) > DESC_WIDTH else text), ""
    if column == "example":
        return shorten(value, EXAMPLE_WIDTH), ""
    return str(value or "-"), ""


class FailuresScreen(LiveView, ExportsView, Screen[None]):
    """Failed and unknown receipts grouped by carrier code and description, biggest first."""

    EXPORT_NAME = "usms-failures.csv"

    HELP_TITLE = "Failures view"

    table: KeyedTable

    BINDINGS = [
        # priority: the table's own Enter (select, hidden) would otherwise hide this key.
        Binding("enter", "open_group", "phones of group", priority=True),
        Binding("y", "copy_example", "copy example SessionNo"),
        Binding("e", "export", "export"),
        Binding("escape", "close", "back"),
        Binding("q", "close", "back", show=False),
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
        self._groups: dict[str, FailureGroup] = {}
        self._sorted_on: list[tuple[int, str, str, str]] | None = None

    def compose(self) -> ComposeResult:
        if host_status(self.app) is not None:
            # The app's status line (API health, countdown, totals) stays in sight here too.
            yield StatusBar()
        yield Static(id="failures-title")
        yield Static("No failed, unknown or other receipts.", id="failures-empty")
        yield self.table
        yield KeyBar()

    def refresh_data(self) -> None:
        """Regroup and diff-update: only changed counts are redrawn, groups come and go by key."""
        app = self.app
        table = self.table
        self._groups = groups = group_failures(app.poller.summaries(app.clock()))
        wanted = {
            key: (
                g.count,
                (g.main_status, g.results[g.main_status], len(g.statuses) > 1),
                g.code,
                g.desc,
                len(g.sessions),
                g.example,
            )
            for key, g in groups.items()
        }
        with app.batch_update():
            first_fill = not table.row_count
            table.update(wanted)
            order = [(-g.count, g.code, g.desc, key) for key, g in groups.items()]
            if order != self._sorted_on:
                rank = {key: position for position, (*_, key) in enumerate(sorted(order))}
                table.order_by(lambda key: rank.get(key, len(rank)))
                self._sorted_on = order
            if first_fill and table.row_count:
                # order_by keeps the cursor on its row, which on a first fill is whichever
                # group was seen first; the view opens on the biggest group, at the top.
                table.move_cursor(row=0, animate=False)
        self.set_class(not groups, "-empty")
        phones = sum(g.count for g in groups.values())
        sessions = len({no for g in groups.values() for no in g.sessions})
        # "not delivered": the count includes undocumented results (• SubmitFail...), not only
        # failed and unknown ones.
        title = f"Failures · {phones:,} phones not delivered · {len(groups):,} groups · {sessions:,} sessions"
        self.query_one("#failures-title", Static).update(Text(title, no_wrap=True, overflow="ellipsis"))

    def _current_group(self) -> FailureGroup | None:
        key = self.table.selected_key
        return self._groups.get(key) if key is not None else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_group()

    def action_open_group(self) -> None:
        """Open the phones view filtered to the group under the cursor."""
        group = self._current_group()
        if group is None:
            return
        from usms_tui.tui.screens.phones import PhonesScreen

        self.app.push_screen(PhonesScreen(set(FAILURE_STATUSES), code_desc=(group.code, group.desc)))

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
        """The groups as shown (biggest first), for export."""
        rows: list[Mapping[str, Any]] = []
        for key in self.table.keys:
            group = self._groups.get(key)
            if group is None:
                continue
            rows.append(
                {
                    "code": group.code,
                    "desc": group.desc,
                    "count": group.count,
                    "statuses": {s.value: n for s, n in group.statuses.items()},
                    "sessions": len(group.sessions),
                    "example_session_no": group.example,
                }
            )
        return rows
