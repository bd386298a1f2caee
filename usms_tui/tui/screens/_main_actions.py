"""What the main screen's keys do to sessions: add, delete, label, copy, export, open views.

A mixin of :class:`~usms_tui.tui.screens.main.MainScreen`, kept apart so each file stays
small. File work (the watchlist, exports) runs in a thread; dialogs are imported when first
used (``UsmsApp.screen_class``).
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usms_tui.domain.errors import UserError
from usms_tui.domain.sessions import MAX_LABEL_LENGTH, WatchedSession
from usms_tui.domain.summary import SessionSummary
from usms_tui.tui.screens._app_screen import AppScreen
from usms_tui.tui.text import clip
from usms_tui.tui.widgets.session_table import SessionTable


class SessionActions(AppScreen):
    """``action_*`` methods for the session under the cursor (mixed into MainScreen)."""

    if TYPE_CHECKING:  # MainScreen's own, used here

        @property
        def selected(self) -> str | None: ...

        async def refresh_data(self) -> None: ...

        def show_selected(self) -> None: ...

    #: The keys that change the watchlist: absent with ``--read-only`` (a shared screen).
    EDITING = frozenset({"add", "delete", "edit_label"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the binding from the footer, help and palette, and its key does nothing.
        return not (action in self.EDITING and self.app.settings.read_only)

    def _need_selection(self) -> str | None:
        session_no = self.selected
        if session_no is None:
            self.notify("no session selected", severity="warning", timeout=3)
        return session_no

    def action_copy(self) -> None:
        session_no = self._need_selection()
        if session_no is not None:
            self.app.copy_to_clipboard(session_no)
            self.notify(f"copied SessionNo {session_no}", timeout=3, markup=False)

    def action_add(self) -> None:
        dialog = self.app.screen_class("AddSessionDialog")
        if dialog is not None:
            self.app.push_screen(dialog(), callback=self._added)

    async def _added(self, entry: WatchedSession | None) -> None:
        if entry is None:
            return
        try:
            report = await asyncio.to_thread(self.app.watchlist.add, [entry])
        except UserError as error:
            self.notify(str(error), severity="error", timeout=8, markup=False)
            return
        for text, reason in report.refused:
            self.notify(f"not added: {text}: {reason}", severity="error", timeout=8, markup=False)
        done = report.added or report.updated or report.unchanged
        if done:
            self.app.watchlist_changed()
            await self.refresh_data()
            self.query_one(SessionTable).select_key(done[0])
            self.show_selected()
            self.notify(f"watching {done[0]}", timeout=3, markup=False)
            self.app.refresh_now(only=done)

    def action_delete(self) -> None:
        session_no = self._need_selection()
        dialog = self.app.screen_class("ConfirmDialog")
        if session_no is None or dialog is None:
            return
        state = self.app.poller.states.get(session_no)
        name = state.entry.display_name if state else session_no
        # A label from a hand-edited watchlist file may be longer than the dialogs accept: cut
        # to that limit, so the question stays a few lines and the SessionNo stays whole.
        name = clip(name, MAX_LABEL_LENGTH) if name != session_no else name
        question = f"Stop watching {name}?" if name == session_no else f"Stop watching {name} ({session_no})?"

        async def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                await asyncio.to_thread(self.app.watchlist.remove, [session_no])
            except UserError as error:
                self.notify(str(error), severity="error", timeout=8, markup=False)
                return
            self.app.watchlist_changed()
            await self.refresh_data()
            self.notify(f"stopped watching {session_no}", timeout=3, markup=False)

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
                self.notify(f"label not changed: {error}", severity="error", timeout=8, markup=False)
                return
            self.app.watchlist_changed()
            await self.refresh_data()

        self.app.push_screen(dialog(session_no, state.entry.label if state else ""), callback=edited)

    def action_export(self) -> None:
        # Imported here, as the phones and failures views do: dialogs load on first use.
        from usms_tui.tui.screens.export_dialog import ExportDialog

        self.app.push_screen(ExportDialog(Path.cwd() / "usms-receipts.csv"), callback=self._export)

    async def _export(self, choice: tuple[str, Path] | None) -> None:
        if not choice:
            return
        fmt, path = choice
        table = self.query_one(SessionTable)
        shown = set(table.keys)
        summaries = [s for s in self.app.poller.summaries(self.app.clock()) if s.session_no in shown]
        try:
            count = await asyncio.to_thread(export_rows, summaries, self.app.poller.states, fmt, Path(path))
        except (UserError, OSError) as error:
            self.notify(f"export failed: {error}", severity="error", timeout=8, markup=False)
            return
        self.notify(f"exported {count} phones to {path}", timeout=5, markup=False)

    def action_open_session(self) -> None:
        """Enter: the selected session in full (every phone, its refresh history)."""
        session_no = self._need_selection()
        screen = self.app.screen_class("SessionDetailScreen")
        if session_no is not None and screen is not None:
            self.app.push_screen(screen(session_no))

    def action_phones(self) -> None:
        screen = self.app.screen_class("PhonesScreen")
        if screen is not None:
            self.app.push_screen(screen())

    def action_failures(self) -> None:
        screen = self.app.screen_class("FailuresScreen")
        if screen is not None:
            self.app.push_screen(screen())


def export_rows(summaries: Iterable[SessionSummary], states: Mapping[str, Any], fmt: str, path: Path) -> int:
    """Write one row per phone of these sessions (runs in a thread). Returns the row count."""
    try:
        exporting = importlib.import_module("usms_tui.store.exporting")
    except ImportError:
        raise UserError("export is not available in this build") from None
    rows = exporting.phone_rows(summaries, states)
    exporting.write_rows(rows, fmt, path)
    return len(rows)
