"""What the phones and failures views share: fill on mount, keep the app's status line
ticking, and refresh their table after every cycle and whenever they come back on top."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget

from usms_tui.tui.host import host_status
from usms_tui.tui.screens._app_screen import AppScreen
from usms_tui.tui.widgets.status_bar import StatusBar


class LiveView(AppScreen):
    """Mixin for a Screen with a focusable ``table`` and a diff-updating ``refresh_data()``."""

    _resumed = False
    table: Widget

    def refresh_data(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def on_mount(self) -> None:
        self.refresh_data()
        self.table.focus()
        if host_status(self.app) is not None:  # None in the tests' small host app
            self.update_status()
            self.set_interval(1.0, self.update_status)

    def update_status(self) -> None:
        """Redraw the status line (the app calls this when pause, interval... change)."""
        state = host_status(self.app)
        if state is not None:
            for bar in self.query(StatusBar):
                bar.state = state

    def on_screen_resume(self) -> None:
        # Data may have moved on while a dialog or help was on top. The first resume comes
        # right after on_mount, which has just filled the table.
        if self._resumed:
            self.refresh_data()
        self._resumed = True

    def on_receipts_refreshed(self, message: Any) -> None:
        self.refresh_data()
