"""The Textual app: a thin shell around the poller with one refresh worker.

The app owns the refresh cycle and the few things every screen shares (interval, pause,
mask, the last error); screens own their widgets. After every cycle it posts
``ReceiptsRefreshed`` to the active screen, which diff-updates itself from ``app.poller``.
"""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from usms_tui.api.errors import BatchError, ErrorKind
from usms_tui.errors import UserError
from usms_tui.model import STATUS_ORDER, mask_phone
from usms_tui.tui.messages import ReceiptsRefreshed, RefreshFailed
from usms_tui.tui.screens.main import MainScreen
from usms_tui.tui.widgets.status_bar import BarState, account_label

#: Refresh intervals offered by ``+`` / ``-`` (seconds): 10 s .. 10 min.
INTERVALS: tuple[float, ...] = (10, 15, 20, 30, 45, 60, 120, 300, 600)
#: Where E's screens and dialogs live (imported when first used).
SCREEN_MODULES: dict[str, str] = {
    "PhonesScreen": "phones",
    "FailuresScreen": "failures",
    "HelpScreen": "help",
    "AddSessionDialog": "add_session",
    "ConfirmDialog": "confirm",
    "EditLabelDialog": "edit_label",
    "ExportDialog": "export",
}
#: More alerts than this in one cycle are summed up in one notification.
MAX_ALERTS = 4


def short_error(error: BatchError) -> str:
    """``RetCode 171 · req 5f3a…`` for the status line (the full text goes to a notification)."""
    if error.ret_code is not None:
        head = f"RetCode {error.ret_code}"
    elif error.http_status is not None:
        head = f"HTTP {error.http_status}"
    else:
        head = error.message[:40]
    return f"{head} · req {error.request_id}" if error.request_id else head


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

    def __init__(self, settings: Any, *, poller: Any, clock: Callable[[], float] = time.time, watchlist: Any = None) -> None:
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
        self.refreshing = False
        self.last_refresh: float | None = None
        self.last_error: BatchError | None = None
        self.failures = 0  # consecutive cycles with errors
        self.next_at: float | None = None  # app clock time of the next cycle
        self._timer = None
        self._account = account_label(getattr(settings, "public_key", None), getattr(settings, "project_id", None))

    # -- start ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        theme = getattr(self.settings, "theme", None)
        if theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self.notify(f"unknown theme {theme!r}; try ctrl+p → theme", severity="warning")
        self.push_screen(MainScreen())
        self.run_refresh()

    def screen_class(self, name: str) -> type[Screen] | None:
        """A screen or dialog class by name, imported on first use (None + a notice if missing)."""
        try:
            module = importlib.import_module(f"usms_tui.tui.screens.{SCREEN_MODULES[name]}")
            return getattr(module, name)
        except (ImportError, AttributeError):
            self.notify(f"{name} is not available in this build", severity="warning", timeout=4)
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
                    self.notify(str(error), severity="error", timeout=15)
                    self.stopped = self.last_error = BatchError(ErrorKind.FATAL, str(error))
                    return
                self.loaded = True
                self.refreshing = not self.paused
                self._post(ReceiptsRefreshed(None))  # show the cache at once
                if self.paused:
                    return
            report = await self.poller.refresh(force=force, only=only)
        except asyncio.CancelledError:
            self.refreshing = False
            raise  # a newer cycle replaced this one; it re-arms the timer
        except Exception as error:  # a bug, not an API error: show it, keep the data, keep going
            self.refreshing = False
            self.failures += 1
            self.notify(f"refresh crashed: {error!r}", severity="error", timeout=15)
            self._post(RefreshFailed(error))
            self._arm_timer(self.interval)
            return
        self.refreshing = False
        self._note(report)
        self._post(ReceiptsRefreshed(report))
        if self.stopped is None:
            self._arm_timer(self._delay(report))

    def _post(self, message: Any) -> None:
        self.screen.post_message(message)

    def _note(self, report: Any) -> None:
        """Update health and alerts from a cycle's report."""
        self.last_refresh = self.clock()
        if report.errors:
            first_of_streak = self.failures == 0
            self.failures += 1
            self.last_error = report.fatal or report.errors[0]
            if report.fatal is not None:
                self.stopped = report.fatal
                self.notify(f"polling stopped: {report.fatal.describe()}; fix it, then press r", severity="error", timeout=30)
            elif first_of_streak:
                self.notify(f"refresh failed: {self.last_error.describe()}", severity="warning", timeout=10)
        else:
            if self.failures:
                self.notify("the API answers again", timeout=4)
            self.failures = 0
            self.last_error = None
        self._alert(report.events)

    def _alert(self, events: Iterable[Any]) -> None:
        events = list(events)
        if not events:
            return
        failed = [e for e in events if hasattr(e, "receipt")]
        overdue = [e for e in events if not hasattr(e, "receipt")]
        lines: list[str] = []
        for event in failed[:MAX_ALERTS]:
            receipt = event.receipt
            lines.append(f"{receipt.status.value}: {self.display_phone(receipt.phone)} in {self._session_name(event.session_no)}")
        if len(failed) > MAX_ALERTS:
            lines.append(f"… and {len(failed) - MAX_ALERTS} more phones failed")
        for event in overdue[:MAX_ALERTS]:
            lines.append(f"overdue: {self._session_name(event.session_no)} has no final receipt after the warning age")
        if len(overdue) > MAX_ALERTS:
            lines.append(f"… and {len(overdue) - MAX_ALERTS} more sessions overdue")
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
        # Watchlist.add/remove/update already reloaded the file, so reload_watchlist() would see
        # no change on disk; hand the poller the fresh entries directly.
        self.poller._sync_entries(self.watchlist.sessions())

    # -- status line ----------------------------------------------------------------------

    def bar_state(self) -> BarState:
        """What the status line shows now."""
        totals = {status: 0 for status in STATUS_ORDER}
        overdue = 0
        if self.loaded:
            for summary in self.poller.summaries(self.clock()):
                for status, count in summary.counts.items():
                    totals[status] += count
                if summary.overdue:
                    overdue += 1
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
            totals=totals,
            overdue=overdue,
            sessions=len(self.poller.states),
            loading=not self.loaded,
        )

    def _status_changed(self) -> None:
        update = getattr(self.screen, "update_status", None)
        if update is not None:
            update()

    # -- actions --------------------------------------------------------------------------

    def action_refresh_now(self) -> None:
        if self.stopped is not None:
            self.notify("trying again", timeout=3)
            self.stopped = None
        self.refresh_now()
        self._status_changed()

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        if self.paused:
            self._cancel_timer()
            self.notify("paused: no requests until p", timeout=3)
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
        self.notify(f"refresh every {self.interval:g} s", timeout=2)
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
        """The command palette offers every shown binding of the current screen too."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for _key, (node, binding, enabled, _tip) in screen.active_bindings.items():
            if not enabled or binding.action in seen or binding.action in ("quit", "command_palette"):
                continue
            seen.add(binding.action)
            title = f"{binding.description} ({self.get_key_display(binding)})"
            yield SystemCommand(title, f"same as the key {self.get_key_display(binding)}", self._runner(node, binding.action))

    def _runner(self, node: Any, action: str) -> Callable[[], Any]:
        async def run() -> None:
            await self.run_action(action, node)

        return run

    # -- export ---------------------------------------------------------------------------

    def export_rows(self, summaries: list, fmt: str, path: Path) -> int:
        """Write one row per phone of these sessions (runs in a thread). Returns the row count."""
        try:
            exporting = importlib.import_module("usms_tui.exporting")
        except ImportError:
            raise UserError("export is not available in this build") from None
        rows = exporting.phone_rows(summaries, self.poller.states)
        exporting.write_rows(rows, fmt, path)
        return len(rows)


def make_app(settings: Any, *, poller: Any, clock: Callable[[], float] = time.time, watchlist: Any = None) -> UsmsApp:
    """The one way to build the app (used by the CLI, the demo, the tests and the screenshots)."""
    return UsmsApp(settings, poller=poller, clock=clock, watchlist=watchlist)


__all__ = ["INTERVALS", "UsmsApp", "make_app"]
