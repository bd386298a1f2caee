"""The phones view: every phone of every watched session, filterable and sortable.

Rows are keyed by (SessionNo, phone). The table is virtual (only visible lines are drawn), so
a refresh is a comparison of plain values and 100,000 phones open at once instead of filling
for a minute; see ``widgets/virtual_table.py`` and bench/bench_phones_view.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from usms_tui.domain.cause_groups import group_by_cause
from usms_tui.domain.causes import Cause
from usms_tui.domain.receipts import DEFAULT_WARN_AFTER, Status
from usms_tui.domain.text import safe
from usms_tui.store.exporting import phone_row
from usms_tui.tui.host import host_status
from usms_tui.tui.screens._export_action import ExportsView
from usms_tui.tui.screens._live_view import LiveView
from usms_tui.tui.screens._phone_rows import (
    COLUMNS,
    SORTS,
    PhoneFilter,
    PhoneRows,
    RowBuilder,
    cell_text,
    filters_for,
    row_key,
    sort_key,
)
from usms_tui.tui.screens._typing import field_key, open_field
from usms_tui.tui.widgets.advice_line import AdviceLine
from usms_tui.tui.widgets.key_bar import KeyBar
from usms_tui.tui.widgets.status_bar import StatusBar
from usms_tui.tui.widgets.table_base import Changes, Prepared
from usms_tui.tui.widgets.virtual_table import VirtualTable

#: Above this many rows a new sort is worked out in the background.
BIG_ROWS = 10_000


class _Options(NamedTuple):
    """What the rows depend on besides the data, read on the loop."""

    phone_filter: PhoneFilter
    sort_mode: str
    sessions: tuple[str, ...]  # the sessions (in order) the shown rows were built from
    force_order: bool


class _Computed(NamedTuple):
    rows: PhoneRows
    prepared: Prepared
    order: list[str] | None
    positions: dict[str, int] | None
    sessions: tuple[str, ...]
    summaries: list[Any]


class PhonesScreen(LiveView, ExportsView, Screen[None]):
    """All phones across sessions (``status_filter`` picks the first filter shown)."""

    HELP_TITLE = "Phones view"
    EXPORT_NAME = "usms-phones.csv"

    table: VirtualTable

    BINDINGS = [
        Binding("f", "cycle_filter", "filter", id="status_filter"),
        Binding("c", "cycle_cause", "cause", id="cause"),
        field_key("search", "search"),
        Binding("s", "cycle_sort", "sort", id="sort"),
        Binding("y", "copy_session", "copy SessionNo", id="copy"),
        Binding("e", "export", "export", id="export"),
        Binding("escape", "close", "back"),
        Binding("q", "close", "back", show=False, id="back"),
    ]

    DEFAULT_CSS = """
    PhonesScreen #phones-title { height: 1; text-wrap: nowrap; text-overflow: ellipsis; padding: 0 1; background: $panel; color: $text; }
    PhonesScreen #phones-search { height: 1; border: none; padding: 0 1; background: $boost; display: none; }
    PhonesScreen #phones-search.-active { display: block; }
    PhonesScreen #phones-empty { padding: 0 1; color: $text-muted; display: none; }
    PhonesScreen.-empty #phones-empty { display: block; }
    """

    def __init__(
        self,
        status_filter: set[Status] | None = None,
        *,
        code_desc: tuple[str, str] | None = None,
        cause: Cause | None = None,
        code: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self._filters = filters_for(status_filter, code_desc, cause=cause, code=code)
        self._cause: Cause | None = None  # what c picked, on top of the f filter
        self._filter_index = 0
        self._sort_index = 0
        self._rows = PhoneRows({}, {}, 0)
        self._sessions: tuple[str, ...] = ()
        self.last_changes = Changes(0, 0, 0)
        self._mask = True
        self._search = ""
        self._summaries: dict[str, Any] = {}
        self._builder = RowBuilder()
        self._force_order = False  # the next rows are sorted even if nothing moved (a new sort)
        self._to_top = False  # the cursor goes to the first row once the next rows are shown
        # Session and phone stay in place when left/right scroll to the receipt time and cost.
        self.table = VirtualTable(COLUMNS, self._cell_text, fixed=2, id="phones-table")

    def _cell_text(self, column: str, value: Any) -> tuple[str, str]:
        return cell_text(column, value, self._mask)

    @property
    def phone_filter(self) -> PhoneFilter:
        """The filter in use (the ``f`` choice plus the ``/`` search)."""
        chosen = self._filters[self._filter_index]
        if self._cause is not None:
            chosen = replace(chosen, cause=self._cause)
        return replace(chosen, text=self._search) if self._search else chosen

    @property
    def sort_mode(self) -> str:
        return SORTS[self._sort_index]

    def compose(self) -> ComposeResult:
        if host_status(self.app) is not None:
            # The app's status line (API health, countdown, totals) stays in sight here too.
            yield StatusBar()
        yield Static(id="phones-title")
        yield Input(placeholder="search phone, code or description (enter: keep, esc: clear)", id="phones-search")
        yield Static("No phones match: f changes the filter, / the search.", id="phones-empty")
        yield self.table
        yield AdviceLine()
        yield KeyBar()

    def view_options(self) -> _Options:
        force, self._force_order = self._force_order, False
        return _Options(self.phone_filter, self.sort_mode, self._sessions, force)

    def compute_rows(self, summaries: list[Any], entries: dict[str, Any], options: Any) -> _Computed:
        """Rows, their diff against the table and, when it moved, their order: plain values
        only, so a big view can work them out in a thread."""
        rows = self._builder.build(summaries, entries, options.phone_filter)
        prepared = self.table.prepare(rows.values)
        sessions = tuple(summary.session_no for summary in summaries)
        diff = prepared.diff
        # Session and phone order only move when rows or sessions come, go or reorder;
        # the other sorts also when any row's values changed.
        moved = diff.new or diff.gone or sessions != options.sessions or options.force_order
        order = index = None
        if moved or (diff.changed and options.sort_mode in ("status", "time", "latency")):
            data, mode = rows.sort_data, options.sort_mode
            order = sorted(data, key=lambda key: sort_key(mode, data[key]))
            index = {key: position for position, key in enumerate(order)}
        return _Computed(rows, prepared, order, index, sessions, summaries)

    def show_rows(self, computed: _Computed) -> None:
        """Diff-update the table from :meth:`compute_rows` (changed rows redrawn if visible,
        rows come and go by key)."""
        app = self.app
        mask = getattr(app, "mask_phones", True)
        self._rows = computed.rows
        with app.batch_update():
            if mask != self._mask:
                self._mask = mask
                self.table.render_afresh()
            was_empty = self.table.row_count == 0
            self.last_changes = self.table.apply(
                computed.prepared, computed.order, computed.positions, keep_cursor=not was_empty
            )
        if self._to_top:
            self._to_top = False
            self.table.action_jump(0)
        self._sessions = computed.sessions
        self._summaries = {summary.session_no: summary for summary in computed.summaries}
        self.set_class(not self._rows.values, "-empty")
        self._update_title()
        self._show_advice()

    def on_virtual_table_row_selected(self, message: VirtualTable.RowSelected) -> None:
        """Enter on a phone: back to the main screen, on that phone's session."""
        message.stop()
        session_no = message.key.partition("\x00")[0]
        # The main screen, under this view and maybe the failures view (found by what it can
        # do, so this view needs no import of it).
        target = next((s for s in reversed(self.app.screen_stack) if hasattr(s, "select_session")), None)
        if target is None:
            return
        while self.app.screen is not target:
            self.app.pop_screen()
        target.select_session(session_no)  # type: ignore[attr-defined]

    def on_virtual_table_row_highlighted(self, message: VirtualTable.RowHighlighted) -> None:
        self._show_advice()

    def _show_advice(self) -> None:
        """The line under the table: for the row under the cursor, its session's last refresh
        error, UCloud's advice when the session is overdue, else the phone's full description
        or the session's full SessionNo (the table shortens both)."""
        key = self.table.selected_key
        session_no, _, phone = (key or "").partition("\x00")
        summary = self._summaries.get(session_no)
        state = self.app.poller.states.get(session_no)
        entry = getattr(state, "entry", None)
        error = getattr(state, "last_error", None)
        values = self._rows.values.get(key) if key else None
        detail = ""
        if values is not None and summary is not None and not summary.overdue and error is None:
            code, desc = values[3], values[4]
            if desc:
                # The whole description: it is what the table cuts short.
                detail = f"{self._cell_text('phone', phone)[0]}: {code} {desc}".strip()
        self.query_one(AdviceLine).show(
            summary,
            label=getattr(entry, "label", ""),
            sent_at=getattr(entry, "sent_at", None),
            error=error.describe() if error is not None else "",
            warn_after=getattr(self.app.poller, "warn_after", DEFAULT_WARN_AFTER),
            empty_hint="no phone selected",
            detail=detail,
        )

    def _resort(self) -> None:
        """Order every row by the current sort (about 0.2 s for 100,000 rows, so a big view
        sorts in the background with its next rows); the cursor follows its row."""
        if self.table.row_count > BIG_ROWS:
            self._force_order = True
            self.refresh_data()
            return
        data = self._rows.sort_data
        mode = self.sort_mode
        self.table.set_order(sorted(data, key=lambda key: sort_key(mode, data[key])))

    def _update_title(self) -> None:
        parts = [
            "Phones",
            f"filter: {self.phone_filter.name}",
            *([f"cause: {self._cause.label}"] if self._cause is not None else []),
            *([f"search: {safe(self._search)}"] if self._search else []),
            f"sort: {self.sort_mode}",
            f"{len(self._rows.values):,} of {self._rows.total:,}",
        ]
        self.query_one("#phones-title", Static).update(Text(" · ".join(parts), no_wrap=True, overflow="ellipsis"))

    def action_cycle_filter(self) -> None:
        """Next filter: all → failed → unknown → pending → overdue → other."""
        self._filter_index = (self._filter_index + 1) % len(self._filters)
        self._to_top = True  # a new set of rows: start at its top (once they are shown)
        self.refresh_data()  # a new set of rows: start at its top

    def action_cycle_cause(self) -> None:
        """Next cause among the phones not delivered now (biggest first), then every cause."""
        app = self.app
        present = [group.cause for group in group_by_cause(app.poller.summaries(app.clock()))]
        cycle: list[Cause | None] = [None, *present]
        position = cycle.index(self._cause) if self._cause in cycle else 0
        self._cause = cycle[(position + 1) % len(cycle)]
        self._to_top = True  # a new set of rows: start at its top (once they are shown)
        self.refresh_data()

    def action_cycle_sort(self) -> None:
        """Next sort order: session → status → receipt time → latency → phone."""
        self._sort_index = (self._sort_index + 1) % len(SORTS)
        self._resort()
        self._update_title()

    def action_copy_session(self) -> None:
        """Copy the SessionNo of the row under the cursor (OSC 52: works over SSH)."""
        key = self.table.selected_key
        if key is None:
            return
        session_no = key.split("\x00", 1)[0]
        self.app.copy_to_clipboard(session_no)
        self.notify(f"copied SessionNo {session_no}", timeout=3, markup=False)

    def action_search(self) -> None:
        """Show the search line and type into it."""
        open_field(self, self.query_one("#phones-search", Input))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search = event.value.strip().casefold()
        self.refresh_data()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter keeps the search and goes back to the rows.
        event.stop()
        if not event.value.strip():
            event.input.remove_class("-active")
        self.table.focus()

    def action_close(self) -> None:
        """Esc: clear an active search first, then leave the view."""
        search = self.query_one("#phones-search", Input)
        if search.has_class("-active"):
            search.value = ""
            search.remove_class("-active")
            self._search = ""
            self.refresh_data()
            self.table.focus()
            return
        self.dismiss(None)

    def export_rows(self) -> list[Mapping[str, Any]]:
        """The current view in display order (filter and sort applied, full text, phones
        unmasked: an export is the user's own data), as ``usms_tui.exporting`` rows."""
        app = self.app
        by_key: dict[str, Mapping[str, Any]] = {}
        for summary in app.poller.summaries(app.clock()):
            entry = getattr(app.poller.states.get(summary.session_no), "entry", None)
            for receipt in summary.phones:
                key = row_key(summary.session_no, receipt.phone)
                if key in self._rows.values:
                    by_key[key] = phone_row(summary, receipt, entry)
        return [by_key[key] for key in self.table.keys if key in by_key]
