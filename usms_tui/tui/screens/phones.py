"""The phones view: every phone of every watched session, filterable and sortable.

Rows are keyed by (SessionNo, phone) and diff-updated after each refresh; a view of
100,000 phones fills in chunks so the UI keeps answering keys while it loads.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from usms_tui.exporting import phone_row
from usms_tui.model import Status
from usms_tui.tui.messages import ReceiptsRefreshed
from usms_tui.tui.screens._export_action import ExportsView
from usms_tui.tui.screens._view_table import CHUNK, ViewTable
from usms_tui.tui.screens._phone_rows import (
    COLUMNS,
    SORTS,
    PhoneRows,
    build_rows,
    filters_for,
    render_cell,
    row_key,
    sort_key,
)
from usms_tui.tui.widgets.key_bar import KeyBar


class PhonesScreen(ExportsView, Screen):
    """All phones across sessions (``status_filter`` picks the first filter shown)."""

    EXPORT_NAME = "usms-phones.csv"

    HELP_TITLE = "Phones view"

    BINDINGS = [
        Binding("f", "cycle_filter", "filter"),
        Binding("s", "cycle_sort", "sort"),
        Binding("y", "copy_session", "copy SessionNo"),
        Binding("e", "export", "export"),
        Binding("escape", "close", "back"),
        Binding("q", "close", "back", show=False),
    ]

    DEFAULT_CSS = """
    PhonesScreen #phones-title { height: 1; padding: 0 1; background: $panel; color: $text; }
    PhonesScreen ViewTable { height: 1fr; }
    """

    def __init__(
        self,
        status_filter: set[Status] | None = None,
        *,
        code_desc: tuple[str, str] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self._filters = filters_for(status_filter, code_desc)
        self._filter_index = 0
        self._sort_index = 0
        self._rows = PhoneRows({}, {}, 0)
        self._sorted_on: dict[str, tuple] | None = None
        self._loading = False
        self._generation = 0

    @property
    def phone_filter(self):
        """The filter in use (see ``_phone_rows.PhoneFilter``)."""
        return self._filters[self._filter_index]

    @property
    def sort_mode(self) -> str:
        return SORTS[self._sort_index]

    def compose(self) -> ComposeResult:
        yield Static(id="phones-title")
        yield ViewTable(COLUMNS, self._render_cell, id="phones-table")
        yield KeyBar()

    def _render_cell(self, column: str, value: Any) -> Text:
        return render_cell(column, value, self.table.styled)

    @property
    def table(self) -> ViewTable:
        return self.query_one(ViewTable)

    def on_mount(self) -> None:
        self.refresh_data()
        self.table.focus()

    def on_screen_resume(self) -> None:
        # Data may have moved on while a dialog or help was on top.
        if self.is_mounted:
            self.refresh_data()

    def on_receipts_refreshed(self, message: ReceiptsRefreshed) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        """Diff-update the table from the poller: changed cells only, rows added/removed as needed."""
        app = self.app
        # A fill still running would add stale rows: it stops at its next chunk (no
        # cancellation, so wait_for_complete() in tests never sees a cancelled worker).
        self._generation += 1
        self._loading = False
        table = self.table
        summaries = app.poller.summaries(app.clock())
        self._rows = build_rows(summaries, app.poller.states, self.phone_filter, mask=getattr(app, "mask_phones", True))
        values = self._rows.values
        with app.batch_update():
            to_add = table.apply(values)
            if len(to_add) <= CHUNK:
                table.add(to_add, values)
                self._resort()
        if len(to_add) > CHUNK:
            self._loading = True
            self._fill(to_add, values, self._generation)
        self._update_title()

    @work(group="phones-fill")
    async def _fill(self, keys: list[str], values: dict[str, tuple], generation: int) -> None:
        """Add many rows CHUNK at a time, yielding to the loop so keys are never dropped."""
        table = self.table
        for start in range(0, len(keys), CHUNK):
            if generation != self._generation:
                return  # a newer refresh took over
            with self.app.batch_update():
                table.add(keys[start : start + CHUNK], values)
            self._update_title()
            await asyncio.sleep(0)
        if generation != self._generation:
            return
        self._loading = False
        with self.app.batch_update():
            self._resort(force=True)
        self._update_title()

    def _resort(self, force: bool = False) -> None:
        """Re-apply the sort only when rows or their sort keys changed (sorting 100k rows ~0.3 s)."""
        data = self._rows.sort_data
        if not force and self._sorted_on == data:
            return
        mode = self.sort_mode
        self.table.order_by(lambda key: sort_key(mode, data.get(key, (0, "", 9, None, None))))
        self._sorted_on = data

    def _update_title(self) -> None:
        table = self.table
        shown = len(self._rows.values)
        parts = [
            "Phones",
            f"filter: {self.phone_filter.name}",
            f"sort: {self.sort_mode}",
            f"{shown:,} of {self._rows.total:,}",
        ]
        if self._loading:
            parts.append(f"loading {table.row_count:,}/{shown:,}…")
        self.query_one("#phones-title", Static).update(Text(" · ".join(parts), no_wrap=True, overflow="ellipsis"))

    def action_cycle_filter(self) -> None:
        """Next filter: all → failed → unknown → pending → overdue → other."""
        self._filter_index = (self._filter_index + 1) % len(self._filters)
        self.refresh_data()

    def action_cycle_sort(self) -> None:
        """Next sort order: session → status → receipt time → latency → phone."""
        self._sort_index = (self._sort_index + 1) % len(SORTS)
        self._resort(force=True)
        self._update_title()

    def action_copy_session(self) -> None:
        """Copy the SessionNo of the row under the cursor (OSC 52: works over SSH)."""
        key = self.table.selected_key
        if key is None:
            return
        session_no = key.split("\x00", 1)[0]
        self.app.copy_to_clipboard(session_no)
        self.notify(Text(f"Copied {session_no}"), title="SessionNo")

    def action_close(self) -> None:
        self.dismiss(None)

    def export_rows(self) -> list[dict[str, Any]]:
        """The current view in table order (filter and sort applied, full text, phones
        unmasked: an export is the user's own data), as ``usms_tui.exporting`` rows."""
        app = self.app
        by_key: dict[str, dict[str, Any]] = {}
        for summary in app.poller.summaries(app.clock()):
            entry = getattr(app.poller.states.get(summary.session_no), "entry", None)
            for receipt in summary.phones:
                key = row_key(summary.session_no, receipt.phone)
                if key in self._rows.values:
                    by_key[key] = phone_row(summary, receipt, entry)
        return [by_key[row.key.value] for row in self.table.ordered_rows if row.key.value in by_key]
