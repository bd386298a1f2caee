"""The main screen: status line, sessions table, advice line, phone pane, keys.

It holds no data of its own: after every refresh (``ReceiptsRefreshed``) it reads the
poller's summaries and diff-updates its widgets. Actions that change the watchlist run the
file work in a thread and then ask the app for a refresh of just that session.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from usms_tui.errors import UserError
from usms_tui.tui.messages import ReceiptsRefreshed, SessionHighlighted
from usms_tui.tui.widgets.advice_line import AdviceLine
from usms_tui.tui.widgets.key_bar import KeyBar
from usms_tui.tui.widgets.phone_pane import PhonePane
from usms_tui.tui.widgets.keyed_table import CHUNK
from usms_tui.tui.widgets.session_table import SORT_MODES, SessionTable
from usms_tui.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from usms_tui.tui.app import UsmsApp

#: Above this many sessions the table is filled in chunks that yield to the event loop.
CHUNKED_OVER = 1000


class MainScreen(Screen):
    """Sessions and the selected session's phones."""

    HELP_TITLE = "Main screen"

    BINDINGS = [
        Binding("a", "add", "add"),
        Binding("d", "delete", "delete"),
        Binding("l", "edit_label", "label"),
        Binding("slash", "filter", "filter", key_display="/"),
        Binding("s", "sort", "sort"),
        Binding("e", "export", "export"),
        Binding("y", "copy", "copy SessionNo"),
        Binding("v", "phones", "phones"),
        Binding("f", "failures", "failures"),
        Binding("escape", "clear_filter", "clear filter", show=False),
    ]

    app: UsmsApp

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Input(placeholder="filter by label or SessionNo (enter: keep, escape: clear)", id="filter")
        yield SessionTable()
        yield AdviceLine()
        yield PhonePane()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(SessionTable).focus()
        self.set_interval(1.0, self.update_status)
        self.update_status()

    # -- data -----------------------------------------------------------------------------

    async def refresh_data(self) -> None:
        """Diff-update everything from the poller (cheap when nothing changed)."""
        app = self.app
        poller = app.poller
        now = app.clock()
        summaries = await self._summaries(now)
        labels = {no: state.entry.label for no, state in poller.states.items()}
        stale = [no for no, state in poller.states.items() if state.last_error is not None]
        table = self.query_one(SessionTable)
        pane = self.query_one(PhonePane)
        pane.masked = app.mask_phones
        pane.warn_after = poller.warn_after
        if len(summaries) > CHUNKED_OVER:
            with app.batch_update():  # one repaint at the end, not one per chunk
                await table.show_chunked(summaries, labels, stale)
            # Tens of thousands of long-lived cells make every full garbage collection walk
            # them all (measured: 250+ ms pauses at 10,000 sessions). Freezing moves what
            # exists now out of the collector's sight; cells replaced later are still freed
            # by reference counting, as they hold no cycles.
            gc.freeze()
        else:
            with app.batch_update():
                table.show(summaries, labels, stale)
        self.show_selected({s.session_no: s for s in summaries})
        app.recount(summaries)
        self.update_status()

    async def _summaries(self, now: float) -> list:
        """The poller's summaries; for big watchlists in chunks, so keys are read in between."""
        poller = self.app.poller
        if len(poller.states) <= CHUNKED_OVER:
            return poller.summaries(now)
        summaries = []
        for count, (session_no, state) in enumerate(list(poller.states.items()), 1):
            if not state.entry.archived:
                summaries.append(poller.summary(session_no, now))
            if count % CHUNK == 0:
                await asyncio.sleep(0)
        return summaries

    def show_selected(self, by_no: dict | None = None) -> None:
        """Fill the advice line and phone pane for the session under the cursor."""
        app = self.app
        session_no = self.query_one(SessionTable).selected_key
        state = app.poller.states.get(session_no) if session_no else None
        summary = None
        if state is not None:
            summary = by_no.get(session_no) if by_no else None
            if summary is None:
                summary = app.poller.summary(session_no, app.clock())
        entry = state.entry if state is not None else None
        error = state.last_error.describe() if state is not None and state.last_error is not None else ""
        hint = "no session matches the filter (escape clears it)" if self.filter_active else "no sessions: press a to add one"
        self.query_one(AdviceLine).show(
            summary,
            label=entry.label if entry else "",
            sent_at=entry.sent_at if entry else None,
            error=error,
            warn_after=app.poller.warn_after,
            empty_hint=hint,
        )
        with app.batch_update():
            self.query_one(PhonePane).show(summary, entry.sent_at if entry else None)

    def update_status(self) -> None:
        """Redraw the status line (every second for the countdown)."""
        self.query_one(StatusBar).state = self.app.bar_state()

    async def on_receipts_refreshed(self, message: ReceiptsRefreshed) -> None:
        await self.refresh_data()

    async def on_screen_resume(self) -> None:
        # Refreshes that happened while another screen was on top were not shown here.
        await self.refresh_data()

    def on_session_highlighted(self, message: SessionHighlighted) -> None:
        self.show_selected()

    @property
    def selected(self) -> str | None:
        """The SessionNo under the cursor."""
        return self.query_one(SessionTable).selected_key

    # -- filter and sort ------------------------------------------------------------------

    @property
    def filter_active(self) -> bool:
        return bool(self.query_one(SessionTable).filter_text)

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-active")
        field.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        table = self.query_one(SessionTable)
        table.filter_text = event.value.strip()
        with self.app.batch_update():
            table.redraw()
        self.show_selected()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        field = self.query_one("#filter", Input)
        field.set_class(bool(field.value.strip()), "-active")
        self.query_one(SessionTable).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""  # posts Input.Changed, which redraws the table
        field.remove_class("-active")
        self.query_one(SessionTable).focus()

    def action_sort(self) -> None:
        table = self.query_one(SessionTable)
        table.sort_mode = SORT_MODES[(SORT_MODES.index(table.sort_mode) + 1) % len(SORT_MODES)]
        with self.app.batch_update():
            table.redraw()
        self.notify(f"sorted by {table.sort_mode}", timeout=2)

    # -- session actions ------------------------------------------------------------------

    def _need_selection(self) -> str | None:
        session_no = self.selected
        if session_no is None:
            self.notify("no session selected", severity="warning", timeout=3)
        return session_no

    def action_copy(self) -> None:
        session_no = self._need_selection()
        if session_no is not None:
            self.app.copy_to_clipboard(session_no)
            self.notify(f"copied SessionNo {session_no}", timeout=3)

    def action_add(self) -> None:
        dialog = self.app.screen_class("AddSessionDialog")
        if dialog is not None:
            self.app.push_screen(dialog(), callback=self._added)

    async def _added(self, entry) -> None:
        if entry is None:
            return
        try:
            report = await asyncio.to_thread(self.app.watchlist.add, [entry])
        except UserError as error:
            self.notify(str(error), severity="error", timeout=8)
            return
        for text, reason in report.refused:
            self.notify(f"not added: {text}: {reason}", severity="error", timeout=8)
        done = report.added or report.updated or report.unchanged
        if done:
            self.app.watchlist_changed()
            await self.refresh_data()
            self.query_one(SessionTable).select_key(done[0])
            self.show_selected()
            self.notify(f"watching {done[0]}", timeout=3)
            self.app.refresh_now(only=done)

    def action_delete(self) -> None:
        session_no = self._need_selection()
        dialog = self.app.screen_class("ConfirmDialog")
        if session_no is None or dialog is None:
            return
        state = self.app.poller.states.get(session_no)
        name = state.entry.display_name if state else session_no
        question = f"Stop watching {name}?" if name == session_no else f"Stop watching {name} ({session_no})?"

        async def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                await asyncio.to_thread(self.app.watchlist.remove, [session_no])
            except UserError as error:
                self.notify(str(error), severity="error", timeout=8)
                return
            self.app.watchlist_changed()
            await self.refresh_data()
            self.notify(f"stopped watching {session_no}", timeout=3)

        self.app.push_screen(dialog(question), callback=confirmed)

    def action_edit_label(self) -> None:
        session_no = self._need_selection()
        dialog = self.app.screen_class("EditLabelDialog")
        if session_no is None or dialog is None:
            return
        state = self.app.poller.states.get(session_no)

        async def edited(label: str | None) -> None:
            if label is None:
                return
            try:
                await asyncio.to_thread(self.app.watchlist.update, session_no, label=label.strip())
            except (UserError, KeyError) as error:
                self.notify(f"label not changed: {error}", severity="error", timeout=8)
                return
            self.app.watchlist_changed()
            await self.refresh_data()

        self.app.push_screen(dialog(session_no, state.entry.label if state else ""), callback=edited)

    def action_export(self) -> None:
        dialog = self.app.screen_class("ExportDialog")
        if dialog is not None:
            self.app.push_screen(dialog(Path.cwd() / "usms-receipts.csv"), callback=self._export)

    async def _export(self, choice) -> None:
        if not choice:
            return
        fmt, path = choice
        table = self.query_one(SessionTable)
        shown = set(table.keys)
        summaries = [s for s in self.app.poller.summaries(self.app.clock()) if s.session_no in shown]
        try:
            count = await asyncio.to_thread(export_rows, summaries, self.app.poller.states, fmt, Path(path))
        except (UserError, OSError) as error:
            self.notify(f"export failed: {error}", severity="error", timeout=8)
            return
        self.notify(f"exported {count} phones to {path}", timeout=5)

    def action_phones(self) -> None:
        screen = self.app.screen_class("PhonesScreen")
        if screen is not None:
            self.app.push_screen(screen())

    def action_failures(self) -> None:
        screen = self.app.screen_class("FailuresScreen")
        if screen is not None:
            self.app.push_screen(screen())


def export_rows(summaries: list, states: dict, fmt: str, path: Path) -> int:
    """Write one row per phone of these sessions (runs in a thread). Returns the row count."""
    try:
        exporting = importlib.import_module("usms_tui.exporting")
    except ImportError:
        raise UserError("export is not available in this build") from None
    rows = exporting.phone_rows(summaries, states)
    exporting.write_rows(rows, fmt, path)
    return len(rows)
