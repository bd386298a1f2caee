"""The events screen: what the refresh cycles told (errors, alerts, recoveries), newest first.

Toasts are short and go; this list keeps them (bounded by the controller's event log), with
the time, the kind, the RetCode and the whole request id (for a support ticket) and the
sessions an event is about. Every text comes from the API or files: shown literally. The
message takes the width the other columns leave (at 80 columns the request id and sessions
give way); the lines under the table hold the highlighted event whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
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

#: Sessions shown per row before "+N" (the rest are in the detail line and the export).
SHOWN_SESSIONS = 2
#: From this width the table has room for the whole request id and the sessions; below it
#: they are in the detail lines under the table only, so the message keeps its column.
WIDE = 140
#: The message column gets what the others leave, but never less than this.
MIN_WHAT = 10
#: Cells pad one column each side (DataTable's cell_padding); the scrollbar takes one more.
_PADDING = 2
_SCROLLBAR = 1


def _sessions(event: AlertEvent, shown: int) -> str:
    sessions = sessions_of(event)
    text = ", ".join(sessions[:shown])
    if len(sessions) > shown:
        text += f" +{len(sessions) - shown}"
    return safe(text)


def _what(event: AlertEvent) -> str:
    return event.describe(mask=False).removeprefix(event.kind).strip()


def _ret_code(event: AlertEvent) -> str:
    ret_code = event.extra.get("ret_code")
    return "-" if ret_code is None else safe(str(ret_code))


def _request_id(event: AlertEvent) -> str:
    return safe(str(event.extra.get("request_id") or "")) or "-"


#: Every column: key, header, width (None: the rest), cell text, and whether narrow screens show it.
_COLUMNS: tuple[tuple[str, str, int | None, Callable[[AlertEvent], str], bool], ...] = (
    ("time", "Time", 14, lambda event: format_local_time(event.at, with_date=True)[5:], True),
    ("kind", "Kind", 15, lambda event: event.kind, True),
    ("ret_code", "RetCode", 7, _ret_code, True),
    ("request_id", "Request id", 36, _request_id, False),
    ("sessions", "Sessions", 24, lambda event: _sessions(event, SHOWN_SESSIONS) or "-", False),
    ("what", "What", None, _what, True),
)


def event_columns(width: int) -> list[tuple[str, str, int]]:
    """The columns for a screen ``width`` cells wide: key, header, width; the message takes
    what the others leave, so a row never runs past the screen's edge."""
    shown = [column for column in _COLUMNS if width >= WIDE or column[4]]
    fixed = sum(column[2] or 0 for column in shown)
    rest = max(MIN_WHAT, width - fixed - _PADDING * len(shown) - _SCROLLBAR)
    return [(key, header, rest if size is None else size) for key, header, size, _, _ in shown]


def event_row(event: AlertEvent, keys: Iterable[str] | None = None) -> tuple[Text, ...]:
    """One row's cells (the columns ``keys``, default all), literal text (request ids and
    messages come from the API)."""
    cells = {column[0]: column[3] for column in _COLUMNS}
    return tuple(Text(cells[key](event), no_wrap=True, overflow="ellipsis") for key in keys or cells)


def event_detail(event: AlertEvent) -> Text:
    """The whole event, wrapped: what a row has no room for (the whole request id, every
    session, the whole message)."""
    head = f"{format_local_time(event.at, with_date=True)} · {event.kind} · RetCode {_ret_code(event)}"
    lines = [head + f" · request id {_request_id(event)}", _what(event)]
    sessions = _sessions(event, 10)
    if sessions:
        lines.insert(1, f"sessions: {sessions}")
    return Text("\n".join(lines))


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
    EventsScreen DataTable { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    EventsScreen #event-detail { height: auto; max-height: 8; padding: 0 1; background: $surface; }
    """

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)
        self._version = -1
        self._width = 0
        self._events: list[AlertEvent] = []  #: newest first, as the rows

    def compose(self) -> ComposeResult:
        if host_status(self.app) is not None:
            yield StatusBar()
        yield Static(id="events-title")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="events-table")
        yield table
        yield Static(id="event-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._fit(self.app.size.width)
        self.update_status()
        self.set_interval(1.0, self.update_status)

    def update_status(self) -> None:
        state = host_status(self.app)
        if state is not None:
            for bar in self.query(StatusBar):
                bar.state = state

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """Columns for ``width`` (the message gets the rest), then the rows again."""
        if width == self._width or width <= 0:
            return
        self._width = width
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for key, header, size in event_columns(width):
            table.add_column(header, width=size, key=key)
        self._version = -1
        self.refresh_data()

    def refresh_data(self) -> None:
        """Refill from the controller's log when it changed (it is bounded: a few hundred rows)."""
        log = self.app.controller.events
        if log.version == self._version or not self._width:
            return
        self._version = log.version
        table = self.query_one(DataTable)
        table.clear()
        self._events = list(reversed(list(log)))
        keys = [column.key.value for column in table.ordered_columns if column.key.value is not None]
        for event in self._events:
            table.add_row(*event_row(event, keys))
        count = len(self._events)
        self.query_one("#events-title", Static).update(
            Text(f"Events · {count} (newest first)" if count else "Events · none yet")
        )
        self._show_detail(table.cursor_row)

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        self._show_detail(message.cursor_row)

    def _show_detail(self, row: int) -> None:
        detail = self.query_one("#event-detail", Static)
        detail.display = 0 <= row < len(self._events)
        if detail.display:
            detail.update(event_detail(self._events[row]))

    def on_receipts_refreshed(self, _message: object) -> None:
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def action_close(self) -> None:
        self.dismiss(None)
