"""The events screen: what the refresh cycles told (errors, alerts, recoveries), newest first.

Toasts are short and go; this list keeps them (bounded by the controller's event log), with
the time, the kind, the RetCode and the whole request id (for a support ticket) and the
sessions an event is about. Every text comes from the API or files: shown literally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_local_time
from usms_tui.monitor.alert_events import AlertEvent
from usms_tui.monitor.recent_events import sessions_of
from usms_tui.tui.host import host_status
from usms_tui.tui.widgets.key_bar import KeyBar
from usms_tui.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from usms_tui.tui.app import UsmsApp

COLUMNS = ("Time", "Kind", "RetCode", "Request id", "Sessions", "What")
#: Sessions shown per row before "+N" (the rest are in the message and the export).
SHOWN_SESSIONS = 2


def event_row(event: AlertEvent) -> tuple[Text, ...]:
    """One row's cells, literal text (request ids and messages come from the API)."""
    ret_code = event.extra.get("ret_code")
    request_id = event.extra.get("request_id") or ""
    sessions = sessions_of(event)
    shown = ", ".join(sessions[:SHOWN_SESSIONS])
    if len(sessions) > SHOWN_SESSIONS:
        shown += f" +{len(sessions) - SHOWN_SESSIONS}"
    what = event.describe(mask=False).removeprefix(event.kind).strip()
    cells = (
        format_local_time(event.at, with_date=True),
        event.kind,
        "-" if ret_code is None else str(ret_code),
        safe(str(request_id)) or "-",
        safe(shown) or "-",
        what,
    )
    return tuple(Text(cell, no_wrap=True, overflow="ellipsis") for cell in cells)


class EventsScreen(Screen[None]):
    """Every event the refresh cycles produced, newest first."""

    app: UsmsApp

    HELP_TITLE = "Events"

    BINDINGS = [
        Binding("escape", "close", "back"),
        Binding("q", "close", "back", show=False, id="back"),
    ]

    DEFAULT_CSS = """
    EventsScreen #events-title { height: 1; padding: 0 1; background: $panel; color: $text; }
    EventsScreen DataTable { height: 1fr; }
    """

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)
        self._version = -1

    def compose(self) -> ComposeResult:
        if host_status(self.app) is not None:
            yield StatusBar()
        yield Static(id="events-title")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="events-table")
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.refresh_data()
        self.update_status()
        self.set_interval(1.0, self.update_status)

    def update_status(self) -> None:
        state = host_status(self.app)
        if state is not None:
            for bar in self.query(StatusBar):
                bar.state = state

    def refresh_data(self) -> None:
        """Refill from the controller's log when it changed (it is bounded: a few hundred rows)."""
        log = self.app.controller.events
        if log.version == self._version:
            return
        self._version = log.version
        table = self.query_one(DataTable)
        table.clear()
        events = list(log)
        for event in reversed(events):
            table.add_row(*event_row(event))
        title = f"Events · {len(events)} (newest first)" if events else "Events · none yet"
        self.query_one("#events-title", Static).update(Text(title))

    def on_receipts_refreshed(self, _message: object) -> None:
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def action_close(self) -> None:
        self.dismiss(None)
