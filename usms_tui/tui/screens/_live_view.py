"""What the phones and failures views share: fill on mount, keep the app's status line
ticking, and refresh their table after every cycle and whenever they come back on top.

Over a big watchlist the rows are worked out off the event loop: the summaries are built on
the loop in chunks that yield (see ``tui/summaries.py``), the rows, their diff and their order
in a thread (plain values in, plain values out), and the table is updated on the loop when
they are ready. 100,000 phones built in one go would hold the keys for seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from textual import work
from textual.widget import Widget

from usms_tui.monitor.heap import give_back_free_memory, long_lived
from usms_tui.tui.host import host_status
from usms_tui.tui.screens._app_screen import AppScreen
from usms_tui.tui.summaries import WatchedEntries, summaries_in_chunks
from usms_tui.tui.widgets.status_bar import StatusBar

#: Above this many sessions a view's rows are worked out in the background (see above).
BIG_VIEW = 1000


class LiveView(AppScreen):
    """Mixin for a Screen with a focusable ``table``; subclasses say how rows are computed
    (:meth:`compute_rows`, thread-safe: no widget, no poller) and shown (:meth:`show_rows`)."""

    _resumed = False
    table: Widget

    def view_options(self) -> Any:
        """What the rows depend on besides the data (filter, sort...), read on the loop."""
        return None

    def compute_rows(self, summaries: list[Any], entries: Mapping[str, Any], options: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    def show_rows(self, computed: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def refresh_data(self) -> None:
        """Recompute the view from the poller: at once for a small watchlist, in the
        background for a big one (the table keeps its rows until the new ones are ready)."""
        app: Any = self.app
        poller = app.poller
        if len(poller.states) > BIG_VIEW:
            self._refresh_in_background()
            return
        summaries = poller.summaries(app.clock())
        self.show_rows(self.compute_rows(summaries, WatchedEntries(poller), self.view_options()))

    @work(exclusive=True, group="view-rows", exit_on_error=False)
    async def _refresh_in_background(self) -> None:
        # A newer refresh (a key, the next cycle) cancels this one; a thread already running
        # finishes on its own and its result is dropped with the worker.
        options = self.view_options()
        app: Any = self.app
        entries = WatchedEntries(app.poller)
        # No age is shown here: no new copy of each session's summary made for the age.
        summaries = await summaries_in_chunks(app.poller, app.clock(), with_age=False)
        # No collection while the thread allocates a view's rows: a full one would walk them
        # all (100 ms and more at 100,000 phones) holding the interpreter, so the loop too.
        with long_lived():
            computed = await asyncio.to_thread(self.compute_rows, summaries, entries, options)
        self.show_rows(computed)
        give_back_free_memory()  # what working out 100,000 sessions' rows freed

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
