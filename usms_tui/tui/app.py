"""The Textual app: runs the refresh worker and its timer, and publishes the controller's state.

Every rule (when the next cycle runs, pause, stop after a fatal error, API health, which news
is an alert) is the :class:`~usms_tui.monitor.controller.RefreshController`'s. The app runs
one cycle at a time, re-arms the timer after each, turns the cycle's notices into
notifications and posts ``ReceiptsRefreshed`` to the screen, which diff-updates from
``app.poller``. The runtime it is given owns (and closes) the HTTP client, cache and watchlist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual import work
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from usms_tui.domain.receipts import mask_phone
from usms_tui.domain.timefmt import format_duration
from usms_tui.monitor.runtime import Runtime
from usms_tui.tui.alerts import bar_state
from usms_tui.tui.host import ShowsStatus
from usms_tui.tui.keymap import KeyedApp, textual_keymap
from usms_tui.tui.messages import FirstRowsRead, ReceiptsRefreshed
from usms_tui.tui.navigation import load_screen
from usms_tui.tui.screens.main import MainScreen
from usms_tui.tui.summaries import after_cycle
from usms_tui.tui.themes import open_themes
from usms_tui.tui.toasts import ToastingApp, Toasts
from usms_tui.tui.widgets.status_bar import BarState, account_label


class UsmsApp(ToastingApp, KeyedApp):
    """usms-tui: watch SMS delivery receipts."""

    CSS_PATH = "app.tcss"
    TITLE = "usms-tui"

    BINDINGS = [  # an id is the key's name in config.toml's [keys] (config/keys.py)
        Binding("r", "refresh_now", "refresh", id="refresh"),
        Binding("p", "toggle_pause", "pause", id="pause"),
        Binding("plus", "interval(1)", "interval", id="longer_interval"),
        Binding("minus", "interval(-1)", "shorter interval", show=False, id="shorter_interval"),
        Binding("m", "toggle_mask", "mask", id="mask"),
        Binding("E", "events", "events", id="events"),
        Binding("question_mark", "help", "help", id="help"),
        # Where a screen has no Esc of its own (on the main screen Esc does this as well).
        Binding("escape", "dismiss_toasts", "dismiss toasts", show=False),
        Binding("q", "quit", "quit", id="quit"),
    ]

    def __init__(self, runtime: Runtime, environ: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.environ = environ  # where the terminal's colour depth is read (None: os.environ)
        self.runtime = runtime
        self.settings = runtime.settings
        self.controller = runtime.controller
        self.poller = runtime.poller
        self.watchlist = runtime.watchlist
        self.clock = runtime.clock
        self.mask_phones = runtime.settings.mask_phones
        self.startup_notes: list[str] = list(runtime.notes)  # printed before the screen took over
        self._timer: Timer | None = None
        self._account = account_label(runtime.settings)
        self.toasts = Toasts(self)
        self.set_keymap(textual_keymap(runtime.settings.key_map))

    def on_mount(self) -> None:
        self.themes = open_themes(self, self.settings.theme, self.settings.state_path, self.environ)
        for note in self.startup_notes:
            # Printed to stderr before start, then hidden by the app's screen: shown again.
            self.notify(note, severity="warning", timeout=15, markup=False)
        self.push_screen(MainScreen())
        self.run_refresh()

    def screen_class(self, name: str) -> type[Screen[Any]] | None:
        """A screen or dialog class by name, imported on first use (None + a notice if missing)."""
        try:
            return load_screen(name)
        except ImportError:
            self.notify(f"{name} is not available in this build", severity="warning", timeout=4, markup=False)
            return None

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def run_refresh(self, force: bool = False, only: list[str] | None = None) -> None:
        """One cycle of the controller; then tell the user and the screen, and re-arm the timer.
        A newer call cancels this one (exclusive), and then arms the timer itself."""
        self._cancel_timer()
        first_rows = self.screen.post_message  # a big watchlist's first rows, before it is read
        cycle = await self.controller.run_cycle(
            force=force, only=only, on_loaded=self._show_local, on_preview=lambda p: first_rows(FirstRowsRead(p))
        )
        # Bell once for a cycle with news (markup is off in every toast: it quotes data).
        if self.toasts.tell(cycle.notices, self._session_name, self.display_phone) and self.settings.bell:
            self.bell()
        if cycle.report is not None:
            # The main screen recounts from the summaries it builds anyway.
            await after_cycle(self.controller, self.clock(), recount=not isinstance(self.screen, MainScreen))
            self.screen.post_message(ReceiptsRefreshed(cycle.report))
        self._arm_timer(cycle.delay)
        # A cycle without a report (the watchlist will not load) still changes the status line.
        self._status_changed()

    def _show_local(self) -> None:
        """Only local data changed (the cache was read, the mask toggled): redraw from it."""
        self.screen.post_message(ReceiptsRefreshed(None))

    def _arm_timer(self, delay: float | None) -> None:
        self._cancel_timer()
        if delay is not None:
            self._timer = self.set_timer(delay, self._timer_fired)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _timer_fired(self) -> None:
        self._timer = None
        if self.controller.polling:
            self.run_refresh()

    def refresh_now(self, only: list[str] | None = None) -> None:
        """Start a cycle now (``only``: just these sessions, e.g. one just added)."""
        self.run_refresh(force=only is None, only=only)

    def watchlist_changed(self) -> None:
        """This process changed the watchlist: resync the poller's sessions from it."""
        self.poller.sync_with_watchlist()

    def _session_name(self, session_no: str) -> str:
        state = self.poller.states.get(session_no)
        return state.entry.display_name if state is not None else session_no

    def display_phone(self, phone: str) -> str:
        """A phone as the user chose to see it (masked or not)."""
        return mask_phone(phone) if self.mask_phones else phone

    def bar_state(self) -> BarState:
        """What the status line shows now: the controller's state."""
        return bar_state(self.controller, self._account, (self.key_hint("refresh"), self.key_hint("pause")))

    def _status_changed(self) -> None:
        if isinstance(self.screen, ShowsStatus):
            self.screen.update_status()

    def action_refresh_now(self) -> None:
        if self.controller.retry():
            # r acknowledges what is on screen: the old "polling stopped" toasts (30 s each) go,
            # or every retry would stack another one over the sessions at 80x24.
            self.clear_notifications()
            self.notify("trying again", timeout=3)
        self.refresh_now()
        self._status_changed()

    def action_toggle_pause(self) -> None:
        if self.controller.toggle_pause():
            self._cancel_timer()
            self.notify(f"paused: no requests until {self.key_hint('pause')}", timeout=3, markup=False)
        elif self.controller.stopped is not None:
            # A fatal error stops polling until r; resuming must not retry a rejected key.
            self.notify(f"resumed; polling stays stopped until {self.key_hint('refresh')}", timeout=3, markup=False)
        else:
            self.notify("resumed", timeout=2)
            self.run_refresh()
        self._status_changed()

    def action_interval(self, step: int) -> None:
        delay = self.controller.step_interval(step)
        if delay is not None and self._timer is not None:
            self._arm_timer(delay)
        self.notify(f"refresh every {format_duration(self.controller.interval)}", timeout=2, markup=False)
        self._status_changed()

    def action_toggle_mask(self) -> None:
        self.mask_phones = not self.mask_phones
        self.notify("phones masked" if self.mask_phones else "phones shown in full", timeout=2)
        self._show_local()

    def action_help(self) -> None:
        self._open("HelpScreen")

    def action_events(self) -> None:
        self._open("EventsScreen")

    def _open(self, name: str) -> None:
        found = self.screen_class(name)
        if found is not None and not isinstance(self.screen, found):
            self.push_screen(found())


def make_app(runtime: Runtime, environ: Mapping[str, str] | None = None) -> UsmsApp:
    """The one way to build the app (used by the CLI, the demo, the tests and the screenshots)."""
    return UsmsApp(runtime, environ)


__all__ = ["UsmsApp", "make_app"]
