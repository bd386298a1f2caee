"""The Textual app: a thin shell around the poller with one refresh worker.

The app owns the refresh cycle and the few things every screen shares (interval, pause,
mask, the last error); screens own their widgets. After every cycle it posts
``ReceiptsRefreshed`` to the active screen, which diff-updates itself from ``app.poller``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from usms_tui.domain.errors import UserError
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import STATUS_ORDER, Status, mask_phone
from usms_tui.tui.alerts import alert_lines, short_error
from usms_tui.tui.messages import ReceiptsRefreshed, RefreshFailed
from usms_tui.tui.navigation import binding_commands, load_screen
from usms_tui.tui.screens.main import MainScreen
from usms_tui.tui.widgets.status_bar import BarState, account_label

#: Refresh intervals offered by ``+`` / ``-`` (seconds): 10 s .. 10 min.
INTERVALS: tuple[float, ...] = (10, 15, 20, 30, 45, 60, 120, 300, 600)


class UsmsApp(App):
    """usms-tui: watch SMS delivery receipts."""

    CSS_PATH = "app.tcss"
    TITLE = "usms-tui"

    BINDINGS = [
        Binding("r", "refresh_now", "refresh"),
        Binding("p", "toggle_pause", "pause"),
        Binding("plus", "interval(1)", "interval", key_display="+/-"),
        Binding("minus", "interval(-1)", "shorter interval", key_display="-", show=False),
        Binding("m", "toggle_mask", "mask"),
        Binding("question_mark", "help", "help", key_display="?"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(
        self, settings: Any, *, poller: Any, clock: Callable[[], float] = time.time, watchlist: Any = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self.poller = poller
        self.clock = clock
        self.watchlist = watchlist if watchlist is not None else poller.watchlist
        self.interval = float(getattr(settings, "interval", 30.0))
        self.mask_phones = bool(getattr(settings, "mask_phones", True))
        self.bell_on_alert = bool(getattr(settings, "bell", False))
        self.paused = False
        self.stopped: BatchError | None = None  # a fatal error: no polling until `r`
        self.loaded = False
        self.had_cache = False  # receipts were known before the first cycle (from the cache)
        self.cycles = 0  # finished cycles (the first one's alerts are summed up, not listed)
        self.refreshing = False
        self.last_refresh: float | None = None
        self.last_error: BatchError | None = None
        self.failures = 0  # consecutive cycles with errors
        self.next_at: float | None = None  # app clock time of the next cycle
        self.totals: dict[Status, int] = dict.fromkeys(STATUS_ORDER, 0)
        self.overdue = 0  # overdue sessions (see recount)
        self._timer = None
        self.startup_notes: list[str] = []  # warnings printed before the screen took over
        self._account = account_label(getattr(settings, "public_key", None), getattr(settings, "project_id", None))

    # -- start ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        theme = getattr(self.settings, "theme", None)
        if theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.notify(f"unknown theme {theme!r}; try ctrl+p → theme", severity="warning", markup=False)
        for note in self.startup_notes:
            # Printed to stderr before start, then hidden by the app's screen: shown again.
            self.notify(note, severity="warning", timeout=15, markup=False)
        self.push_screen(MainScreen())
        self.run_refresh()

    async def on_unmount(self) -> None:
        # The one long-lived HTTP client belongs to this run of the app.
        http = getattr(getattr(self.poller, "client", None), "http", None)
        if http is not None:
            await http.aclose()

    def screen_class(self, name: str) -> type[Screen] | None:
        """A screen or dialog class by name, imported on first use (None + a notice if missing)."""
        try:
            return load_screen(name)
        except ImportError:
            self.notify(f"{name} is not available in this build", severity="warning", timeout=4, markup=False)
            return None

    # -- refresh cycle --------------------------------------------------------------------

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def run_refresh(self, force: bool = False, only: list[str] | None = None) -> None:
        """One cycle: (load the cache the first time,) fetch what is due, tell the screen."""
        self._cancel_timer()
        self.refreshing = True
        try:
            if not self.loaded:
                try:
                    await asyncio.to_thread(self.poller.load)
                except UserError as error:
                    self.notify(str(error), severity="error", timeout=15, markup=False)
                    self.stopped = self.last_error = BatchError(ErrorKind.FATAL, str(error))
                    return
                self.loaded = True
                self.had_cache = any(state.last_checked is not None for state in self.poller.states.values())
                self.refreshing = not self.paused
                self._post(ReceiptsRefreshed(None))  # show the cache at once
                if self.paused:
                    return
            report = await self.poller.refresh(force=force, only=only)
        except asyncio.CancelledError:
            self.refreshing = False
            raise  # a newer cycle replaced this one; it re-arms the timer
        except UserError as error:
            # e.g. the watchlist was saved broken from another shell: say so, keep the data on
            # screen and keep the cycle going, so the fix is picked up without a restart.
            self.refreshing = False
            self.failures += 1
            self.last_error = BatchError(ErrorKind.OTHER, str(error))
            self.notify(str(error), severity="error", timeout=15, markup=False)
            self._post(RefreshFailed(error))
            self._arm_timer(self.interval)
            return
        except Exception as error:  # a bug, not an API error: show it, keep the data, keep going
            self.refreshing = False
            self.failures += 1
            self.notify(f"refresh crashed: {error!r}", severity="error", timeout=15, markup=False)
            self._post(RefreshFailed(error))
            self._arm_timer(self.interval)
            return
        self.refreshing = False
        self._note(report)
        if not isinstance(self.screen, MainScreen):
            self.recount()  # the main screen recounts from the summaries it builds anyway
        self._post(ReceiptsRefreshed(report))
        if self.stopped is None:
            self._arm_timer(self._delay(report))

    def _post(self, message: Any) -> None:
        self.screen.post_message(message)

    def _note(self, report: Any) -> None:
        """Update health and alerts from a cycle's report."""
        self.cycles += 1
        if report.errors:
            # last_refresh stays at the last cycle that got every answer: "refreshed 08:43"
            # next to a failing API would claim data that never came (e.g. a wrong key).
            first_of_streak = self.failures == 0
            self.failures += 1
            self.last_error = report.fatal or report.errors[0]
            if report.fatal is not None:
                self.stopped = report.fatal
                self.notify(
                    f"polling stopped: {report.fatal.describe()}; fix it, then press r",
                    severity="error",
                    timeout=30,
                    markup=False,
                )
            elif first_of_streak:
                self.notify(
                    f"refresh failed: {self.last_error.describe()}", severity="warning", timeout=10, markup=False
                )
        else:
            self.last_refresh = self.clock()
            if self.failures:
                self.notify("the API answers again", timeout=4)
            self.failures = 0
            self.last_error = None
        self._alert(report.events)

    def _alert(self, events: Iterable[Any]) -> None:
        events = list(events)
        if not events:
            return
        if self.cycles == 1 and not self.had_cache:
            # The first look at sessions never seen before: what it finds is on screen, not news.
            failed = sum(1 for e in events if hasattr(e, "receipt"))
            self.notify(
                f"first refresh: {failed} phones failed or unknown; alerts from now on are news",
                timeout=6,
                markup=False,
            )
            return
        lines = alert_lines(events, self._session_name, self.display_phone)
        # markup=False: phones and labels come from files and the API.
        self.notify("\n".join(lines), title="receipts", severity="warning", timeout=10, markup=False)
        if self.bell_on_alert:
            self.bell()

    def _session_name(self, session_no: str) -> str:
        state = self.poller.states.get(session_no)
        return state.entry.display_name if state is not None else session_no

    def display_phone(self, phone: str) -> str:
        """A phone as the user chose to see it (masked or not)."""
        return mask_phone(phone) if self.mask_phones else phone

    def _delay(self, report: Any) -> float:
        if report.errors:
            return self.interval  # never hammer a failing API faster than the interval
        due = self.poller.next_due_in(self.clock())
        return self.interval if due is None else min(self.interval, max(1.0, due))

    def _arm_timer(self, delay: float) -> None:
        self._cancel_timer()
        if self.paused or self.stopped is not None:
            self.next_at = None
            return
        self.next_at = self.clock() + delay
        self._timer = self.set_timer(delay, self._timer_fired)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.next_at = None

    def _timer_fired(self) -> None:
        self._timer = None
        if not self.paused and self.stopped is None:
            self.run_refresh()

    def refresh_now(self, only: list[str] | None = None) -> None:
        """Start a cycle now (``only``: just these sessions, e.g. one just added)."""
        self.run_refresh(force=only is None, only=only)

    def watchlist_changed(self) -> None:
        """This process changed the watchlist: resync the poller's sessions from it."""
        self.poller.sync_with_watchlist()

    # -- status line ----------------------------------------------------------------------

    def bar_state(self) -> BarState:
        """What the status line shows now."""
        stale = sum(1 for state in self.poller.states.values() if state.last_error is not None)
        next_in = None if self.next_at is None else max(0.0, self.next_at - self.clock())
        return BarState(
            account=self._account,
            last_refresh=self.last_refresh,
            next_in=next_in,
            refreshing=self.refreshing,
            paused=self.paused,
            interval=self.interval,
            stopped=self.stopped is not None,
            error=short_error(self.last_error) if self.last_error is not None else "",
            failures=self.failures,
            stale=stale,
            totals=self.totals,
            overdue=self.overdue,
            sessions=len(self.poller.states),
            loading=not self.loaded,
        )

    def recount(self, summaries: Iterable[Any] | None = None) -> None:
        """Totals for the status line; kept, so the 1 s countdown never walks 10,000 sessions."""
        if summaries is None:
            summaries = self.poller.summaries(self.clock()) if self.loaded else ()
        totals = dict.fromkeys(STATUS_ORDER, 0)
        overdue = 0
        for summary in summaries:
            for status, count in summary.counts.items():
                totals[status] += count
            overdue += summary.overdue
        self.totals, self.overdue = totals, overdue

    def _status_changed(self) -> None:
        update = getattr(self.screen, "update_status", None)
        if update is not None:
            update()

    # -- actions --------------------------------------------------------------------------

    def action_refresh_now(self) -> None:
        if self.stopped is not None:
            # r acknowledges what is on screen: the old "polling stopped" toasts (30 s each) go,
            # or every retry would stack another one over the sessions at 80x24.
            self.clear_notifications()
            self.notify("trying again", timeout=3)
            self.stopped = None
        self.refresh_now()
        self._status_changed()

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        if self.paused:
            self._cancel_timer()
            self.notify("paused: no requests until p", timeout=3)
        elif self.stopped is not None:
            # A fatal error stops polling until r; resuming must not retry a rejected key.
            self.notify("resumed; polling stays stopped until r", timeout=3)
        else:
            self.notify("resumed", timeout=2)
            self.run_refresh()
        self._status_changed()

    def action_interval(self, step: int) -> None:
        index = min(range(len(INTERVALS)), key=lambda i: abs(INTERVALS[i] - self.interval))
        self.interval = INTERVALS[max(0, min(len(INTERVALS) - 1, index + step))]
        self.poller.interval = self.interval
        if self._timer is not None and self.next_at is not None:
            self._arm_timer(min(self.interval, max(0.0, self.next_at - self.clock())))
        self.notify(f"refresh every {self.interval:g} s", timeout=2, markup=False)
        self._status_changed()

    def action_toggle_mask(self) -> None:
        self.mask_phones = not self.mask_phones
        self.notify("phones masked" if self.mask_phones else "phones shown in full", timeout=2)
        self._post(ReceiptsRefreshed(None))

    def action_help(self) -> None:
        help_screen = self.screen_class("HelpScreen")
        if help_screen is not None and not isinstance(self.screen, help_screen):
            self.push_screen(help_screen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every shown key of the current screen too."""
        yield from super().get_system_commands(screen)
        yield from binding_commands(self, screen)


def make_app(settings: Any, *, poller: Any, clock: Callable[[], float] = time.time, watchlist: Any = None) -> UsmsApp:
    """The one way to build the app (used by the CLI, the demo, the tests and the screenshots)."""
    return UsmsApp(settings, poller=poller, clock=clock, watchlist=watchlist)


__all__ = ["INTERVALS", "UsmsApp", "make_app"]
