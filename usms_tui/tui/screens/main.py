"""The main screen: status line, sessions table, advice line, phone pane, keys.

It holds no data of its own: after every refresh (``ReceiptsRefreshed``) it reads the
poller's summaries and diff-updates its widgets. Actions that change the watchlist run the
file work in a thread and then ask the app for a refresh of just that session.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.timefmt import format_local_time
from usms_tui.monitor.controller import Tally
from usms_tui.monitor.heap import give_back_free_memory
from usms_tui.monitor.preview import PREVIEW_OVER, PREVIEW_ROWS
from usms_tui.tui.alerts import error_line
from usms_tui.tui.messages import FirstRowsRead, ReceiptsRefreshed, SessionHighlighted
from usms_tui.tui.screens._main_actions import SessionActions
from usms_tui.tui.screens._typing import field_key, open_field
from usms_tui.tui.summaries import summaries_in_chunks, summaries_of
from usms_tui.tui.widgets.advice_line import AdviceLine
from usms_tui.tui.widgets.key_bar import KeyBar
from usms_tui.tui.widgets.phone_detail import PhoneDetail
from usms_tui.tui.widgets.phone_pane import PhonePane
from usms_tui.tui.widgets.session_table import SORT_MODES, SORT_WORDS, SessionTable
from usms_tui.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from usms_tui.tui.app import UsmsApp

#: Above this many sessions the table is filled in chunks that yield to the event loop.
CHUNKED_OVER = PREVIEW_OVER
#: Rows shown first when a big watchlist fills the table (more than any terminal is high).
FIRST_ROWS = PREVIEW_ROWS

#: Shown in the sessions table's place while nothing is watched: a first start should say how
#: to begin, here and from a shell, not show empty headers. ({add}: the add key, as [keys] sets it.)
EMPTY_WATCHLIST = """No sessions watched yet. Three ways to add them:
  {add:<26} here, in a dialog
  usms-tui add SESSION_NO    from a shell (--label, --sent-at, --phone)
  usms-tui add --from FILE   SendUSMSMessage responses (- reads stdin)"""


class MainScreen(SessionActions, Screen[None]):
    """Sessions and the selected session's phones."""

    HELP_TITLE = "Main screen"

    BINDINGS = [
        Binding("a", "add", "add", id="add"),
        Binding("d", "delete", "delete", id="delete"),
        Binding("l", "edit_label", "label", id="label"),
        field_key("filter", "filter"),
        Binding("s", "sort", "sort", id="sort"),
        Binding("e", "export", "export", id="export"),
        Binding("y", "copy", "copy SessionNo", id="copy"),
        Binding("enter", "open_session", "detail", show=False),
        Binding("v", "phones", "phones", id="phones"),
        Binding("f", "failures", "failures", id="failures"),
        Binding("escape", "clear_filter", "clear filter / dismiss toasts", show=False),
    ]

    app: UsmsApp

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Input(placeholder="filter by label or SessionNo (enter: keep, escape: clear)", id="filter")
        yield SessionTable()
        yield Static(EMPTY_WATCHLIST.format(add=self.app.key_hint("add")), id="empty-watchlist", markup=False)
        yield AdviceLine()
        yield PhonePane()
        yield PhoneDetail()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(SessionTable).focus()
        self.set_interval(1.0, self.update_status)
        self.update_status()

    # -- data -----------------------------------------------------------------------------

    async def refresh_data(self) -> None:
        """Diff-update everything from the poller (cheap when nothing changed)."""
        app = self.app
        if not app.controller.loaded:
            # Nothing read yet: no rows to show, and a big watchlist's first rows (read
            # ahead of the rest) must stay until the whole of it is.
            self.update_status()
            return
        poller = app.poller
        now = app.clock()
        tally = Tally()  # the status line's totals, added up while the summaries are built
        labels: dict[str, str] = {}
        stale: list[str] = []
        table = self.query_one(SessionTable)
        if not table.row_count and len(poller.states) > CHUNKED_OVER:
            self._show_first_rows(now)
        summaries = await self._summaries(now, tally, labels, stale)
        pane = self.query_one(PhonePane)
        pane.masked = app.mask_phones
        pane.warn_after = poller.warn_after
        if len(summaries) > CHUNKED_OVER:
            with app.batch_update():  # one repaint at the end, not one per chunk
                await table.show_chunked(summaries, labels, stale)
        else:
            with app.batch_update():
                table.show(summaries, labels, stale)
        # Before the watchlist is read there is nothing to say about it (the status line
        # says it is loading): "no sessions watched yet" would be wrong for a second.
        self._show_empty(not summaries and app.controller.loaded)
        self.show_selected()
        app.controller.apply(tally)
        self.update_status()

    def on_first_rows_read(self, message: FirstRowsRead) -> None:
        """A big watchlist's first rows, read before the rest of it (see
        :mod:`~usms_tui.monitor.preview`): shown as they are, in the watchlist's own order."""
        table = self.query_one(SessionTable)
        preview = message.preview
        if table.row_count or table.sort_mode != "added" or table.filter_text or not preview.summaries:
            return
        table.show(preview.summaries, preview.labels, preview.stale)
        self._show_empty(False)
        self.show_selected()

    def _show_first_rows(self, now: float) -> None:
        """A big watchlist's first fill when its first rows were not read ahead (a watchlist
        moved from JSON at this start, or one locked for the look ahead): the rows a screen
        can show, at once, before the rest are worked out; the full pass then adds the others
        after them. Only in the watchlist's own order, unfiltered: in any other the first
        screen is not known before every row is."""
        table = self.query_one(SessionTable)
        if table.sort_mode != "added" or table.filter_text:
            return
        poller = self.app.poller
        labels: dict[str, str] = {}
        stale: list[str] = []
        summaries = summaries_of(poller, now, itertools.islice(poller.states, FIRST_ROWS), labels=labels, stale=stale)
        if summaries:
            table.show(summaries, labels, stale)
            self._show_empty(False)

    def _show_empty(self, empty: bool) -> None:
        """The ways to add sessions in the table's place while the watchlist is empty."""
        table = self.query_one(SessionTable)
        hint = self.query_one("#empty-watchlist", Static)
        if hint.display == empty:
            return
        hint.display = empty
        table.display = not empty
        # Back from hidden, the table takes the keys again, unless they are being typed into
        # the filter (while it was hidden Textual gave them to the next widget, or to none).
        if not empty and not isinstance(self.focused, Input):
            table.focus()

    async def _summaries(
        self, now: float, tally: Tally, labels: dict[str, str], stale: list[str]
    ) -> list[SessionSummary]:
        """The poller's summaries, counted into ``tally``, with the sessions' labels and those
        whose last refresh failed, in one pass, in chunks: keys are read in between (100,000
        sessions are about a second of work)."""
        return await summaries_in_chunks(self.app.poller, now, tally, labels=labels, stale=stale)

    def show_selected(self) -> None:
        """Fill the advice line and phone pane for the session under the cursor."""
        app = self.app
        session_no = self.query_one(SessionTable).selected_key
        state = app.poller.states.get(session_no) if session_no else None
        summary = None
        if session_no is not None and state is not None:
            summary = app.poller.summary(session_no, app.clock())
        entry = state.entry if state is not None else None
        error = error_line(state.last_error) if state is not None and state.last_error is not None else ""
        if not app.controller.loaded:
            hint = "reading the watchlist…"  # a big one's first rows show before the rest
        elif self.filter_active:
            hint = "no session matches the filter (escape clears it)"
        else:
            hint = f"no sessions: press {app.key_hint('add')} to add one"
        pane = self.query_one(PhonePane)
        self.query_one(AdviceLine).show(
            summary,
            label=entry.label if entry else "",
            sent_at=entry.sent_at if entry else None,
            # Only a project other than the configured one is news (requests for it differ).
            project=(entry.project_id or "") if entry and entry.project_id != app.settings.project_id else "",
            error=error,
            warn_after=app.poller.warn_after,
            empty_hint=hint,
            detail=self._phone_detail(summary) if pane.has_focus and summary is not None else "",
        )
        with app.batch_update():
            pane.show(summary, entry.sent_at if entry else None)
            self.query_one(PhoneDetail).show(self._pane_receipt(summary) if pane.has_focus else None, summary)

    def _pane_receipt(self, summary: SessionSummary | None) -> Receipt | None:
        phone = self.query_one(PhonePane).selected_key
        return next((r for r in summary.phones if r.phone == phone), None) if summary else None

    def _phone_detail(self, summary: SessionSummary) -> str:
        """The phone under the pane's cursor in one line, description in full."""
        receipt = self._pane_receipt(summary)
        if receipt is None:
            return ""
        shown = self.app.display_phone(receipt.phone)
        parts = [f"{shown}: {receipt.result or receipt.status.value}"]
        parts += [value for value in (receipt.code, receipt.desc) if value]
        if receipt.receipt_time is not None:
            parts.append(f"received {format_local_time(receipt.receipt_time)}")  # the pane may show only the date
        elif receipt.time_raw:
            parts.append(f"receipt time unknown (ReceiptTime {receipt.time_raw})")
        if receipt.user_id:
            parts.append(f"UserId {receipt.user_id}")
        return " · ".join(parts)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if isinstance(event.data_table, PhonePane):
            self.show_selected()

    def on_virtual_table_row_selected(self, event: SessionTable.RowSelected) -> None:
        if isinstance(event.table, SessionTable):  # Enter drills down into the session
            event.stop()
            self.action_open_session()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.show_selected()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.show_selected()

    def update_status(self) -> None:
        """Redraw the status line (every second for the countdown)."""
        self.query_one(StatusBar).state = self.app.bar_state()

    def on_receipts_refreshed(self, message: ReceiptsRefreshed) -> None:
        self._refresh_in_background()

    def on_screen_resume(self) -> None:
        # Refreshes that happened while another screen was on top were not shown here.
        self._refresh_in_background()

    @work(exclusive=True, group="main-rows")
    async def _refresh_in_background(self) -> None:
        # A worker, not the handler itself: while a handler runs the screen paints nothing,
        # so 100,000 rows worked out in chunks inside one showed nothing until all were done
        # (the first screen of rows included). A newer refresh replaces one under way: the
        # table changes only at the end of a pass, so one cut short leaves it as it was.
        await self.refresh_data()
        if len(self.app.poller.states) > CHUNKED_OVER:
            give_back_free_memory()  # what a pass over every session freed

    def on_session_highlighted(self, message: SessionHighlighted) -> None:
        self.show_selected()

    def select_session(self, session_no: str) -> None:
        """Put the cursor on a session (Enter on a phone in the phones view), clearing a filter
        that hides it."""
        table = self.query_one(SessionTable)
        if not table.has_key(session_no) and table.filter_text:
            self.query_one("#filter", Input).value = ""
            self.query_one("#filter", Input).remove_class("-active")
            table.filter_text = ""
            table.redraw()
        table.select_key(session_no)
        table.focus()
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
        open_field(self, self.query_one("#filter", Input))

    @on(Input.Changed, "#filter")
    async def _filter_changed(self, event: Input.Changed) -> None:
        table = self.query_one(SessionTable)
        table.filter_text = event.value.strip()
        with self.app.batch_update():
            await table.redraw_chunked()
        self.show_selected()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        field = self.query_one("#filter", Input)
        field.set_class(bool(field.value.strip()), "-active")
        self.query_one(SessionTable).focus()

    def action_clear_filter(self) -> None:
        # Esc also dismisses the toasts here (the main screen has no "back" to go to).
        self.app.toasts.clear()
        field = self.query_one("#filter", Input)
        field.value = ""  # posts Input.Changed, which redraws the table
        field.remove_class("-active")
        self.query_one(SessionTable).focus()

    async def action_sort(self) -> None:
        table = self.query_one(SessionTable)
        table.sort_mode = SORT_MODES[(SORT_MODES.index(table.sort_mode) + 1) % len(SORT_MODES)]
        with self.app.batch_update():
            await table.redraw_chunked()
        self.notify(f"sorted by {SORT_WORDS[table.sort_mode]}", timeout=2, markup=False)
