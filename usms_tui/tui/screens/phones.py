"""The phones view: every phone of every watched session, filterable and sortable.

Rows are keyed by (SessionNo, phone). The table is virtual (only visible lines are drawn) and
reads its rows by position from a ``PhoneWindow`` (``_phone_window.py``), which works out a
session's rows only when one of them is drawn: the view opens on 100,000 sessions from their
counts, and a refresh repaints the lines on screen that changed; see bench/bench_phones_view.py.
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

from usms_tui.domain.cause_counts import count_by_cause
from usms_tui.domain.causes import Cause
from usms_tui.domain.receipts import DEFAULT_WARN_AFTER, Status
from usms_tui.domain.text import safe
from usms_tui.store.exporting import phone_row
from usms_tui.tui.host import host_status
from usms_tui.tui.screens._export_action import ExportsView
from usms_tui.tui.screens._live_view import LiveView
from usms_tui.tui.screens._phone_rows import COLUMNS, SORTS, PhoneFilter, cell_text, filters_for, row_key
from usms_tui.tui.screens._phone_window import CountedWindow, PhoneWindow, changes_between, window_for
from usms_tui.tui.screens._typing import field_key, open_field
from usms_tui.tui.widgets.advice_line import AdviceLine
from usms_tui.tui.widgets.key_bar import KeyBar
from usms_tui.tui.widgets.status_bar import StatusBar
from usms_tui.tui.widgets.table_base import Changes
from usms_tui.tui.widgets.virtual_table import VirtualTable


class _Options(NamedTuple):
    """What the rows depend on besides the data, read on the loop."""

    phone_filter: PhoneFilter
    sort_mode: str
    shown: PhoneWindow | None  # the rows on screen now (what the next ones are compared with)


class _Computed(NamedTuple):
    window: PhoneWindow
    changes: Changes


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
        self._window: PhoneWindow = CountedWindow([], {}, self._filters[0])
        self._shown_once = False  # the first rows are not news (no changes counted against none)
        self.last_changes = Changes(0, 0, 0)
        self._mask = True
        self._search = ""
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
        return _Options(self.phone_filter, self.sort_mode, self._window if self._shown_once else None)

    def compute_rows(self, summaries: list[Any], entries: Mapping[str, Any], options: Any) -> _Computed:
        """The rows for the filter and sort, and what changed against the shown ones: plain
        values only, so a big view can work them out in a thread. Sorted by session and
        filtered by status, this reads counts only; see ``_phone_window``."""
        window = window_for(summaries, entries, options.phone_filter, options.sort_mode)
        return _Computed(window, changes_between(options.shown, window))

    def show_rows(self, computed: _Computed) -> None:
        """Show the rows from :meth:`compute_rows`: the cursor stays on its row, and only the
        lines on screen that now read otherwise are repainted."""
        app = self.app
        mask = getattr(app, "mask_phones", True)
        self._window = computed.window
        self._shown_once = True
        with app.batch_update():
            if mask != self._mask:
                self._mask = mask
                self.table.render_afresh()
            self.table.show_source(computed.window)
            self.last_changes = computed.changes
        if self._to_top:
            self._to_top = False
            self.table.action_jump(0)
        self.set_class(not len(self._window), "-empty")
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
        window = self._window
        at = window.session_index.get(session_no)
        summary = window.summaries[at] if at is not None else None
        state = self.app.poller.states.get(session_no)
        entry = getattr(state, "entry", None)
        error = getattr(state, "last_error", None)
        values = window.values_of(key) if key else None
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

    def _update_title(self) -> None:
        parts = [
            "Phones",
            f"filter: {self.phone_filter.name}",
            *([f"cause: {self._cause.label}"] if self._cause is not None else []),
            *([f"search: {safe(self._search)}"] if self._search else []),
            f"sort: {self.sort_mode}",
            f"{len(self._window):,} of {self._window.total:,}",
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
        # From the sessions' failure tallies: explaining every phone held the keys for
        # seconds at 100,000 sessions.
        present = [group.cause for group in count_by_cause(app.poller.summaries(app.clock()))]
        cycle: list[Cause | None] = [None, *present]
        position = cycle.index(self._cause) if self._cause in cycle else 0
        self._cause = cycle[(position + 1) % len(cycle)]
        self._to_top = True  # a new set of rows: start at its top (once they are shown)
        self.refresh_data()

    def action_cycle_sort(self) -> None:
        """Next sort order: session → status → receipt time → latency → phone."""
        self._sort_index = (self._sort_index + 1) % len(SORTS)
        # Worked out with the next rows (in the background for a big view: a sort other than
        # by session looks at every phone); the cursor follows its row.
        self.refresh_data()
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
        keys = self.table.keys
        wanted = set(keys)
        by_key: dict[str, Mapping[str, Any]] = {}
        for summary in app.poller.summaries(app.clock()):
            entry = getattr(app.poller.states.get(summary.session_no), "entry", None)
            for receipt in summary.phones:
                key = row_key(summary.session_no, receipt.phone)
                if key in wanted:
                    by_key[key] = phone_row(summary, receipt, entry)
        return [by_key[key] for key in keys if key in by_key]
