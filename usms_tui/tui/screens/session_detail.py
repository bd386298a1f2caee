"""One session in full (Enter on the main screen): its SessionNo, every phone, and what the
poller knows of its refreshes (last checked, last error, when each status was first seen).

It reads the poller's state when opened and after every refresh; it keeps nothing itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_duration, format_local_time
from usms_tui.tui.alerts import error_line
from usms_tui.tui.messages import ReceiptsRefreshed
from usms_tui.tui.statuses import STATUS_SYMBOLS
from usms_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from usms_tui.monitor.poller import SessionState
    from usms_tui.tui.app import UsmsApp


class SessionDetailScreen(Screen[None]):
    """Every phone of one session, its full SessionNo (y copies it) and its refresh history."""

    HELP_TITLE = "Session detail"

    BINDINGS = [
        Binding("y", "copy", "copy SessionNo", id="copy"),
        Binding("escape", "close", "back"),
        Binding("q", "close", "back", show=False, id="back"),
    ]

    DEFAULT_CSS = """
    SessionDetailScreen { align: center top; }
    SessionDetailScreen #detail-box {
        width: 100%; max-width: 120; height: 1fr;
        border: round $primary; border-title-color: $primary; background: $surface;
    }
    SessionDetailScreen #detail-body { padding: 0 1; }
    """

    app: UsmsApp

    def __init__(self, session_no: str) -> None:
        super().__init__()
        self.session_no = session_no

    def compose(self) -> ComposeResult:
        box = VerticalScroll(Static(id="detail-body"), id="detail-box")
        box.border_title = "Session · esc back"
        yield box
        yield KeyBar()

    def on_mount(self) -> None:
        self.show()
        self.query_one("#detail-box").focus()

    def on_receipts_refreshed(self, message: ReceiptsRefreshed) -> None:
        self.show()

    def show(self) -> None:
        state = self.app.poller.states.get(self.session_no)
        body = self.query_one("#detail-body", Static)
        if state is None:
            body.update(Text(f"{self.session_no} is no longer watched"))
            return
        body.update(self.detail_text(state))

    def detail_text(self, state: SessionState) -> Text:
        """The whole page: literal text (labels, phones and errors come from files and the API)."""
        app = self.app
        now = app.clock()
        entry = state.entry
        summary = app.poller.summary(self.session_no, now)
        text = Text(end="")

        def field(name: str, value: str) -> None:
            text.append(f"{name:<14}", style="bold")
            text.append(f"{safe(value)}\n")

        field("SessionNo", self.session_no)
        field("Label", entry.label or "—")
        field("Project", entry.project_id or "the configured one")
        field("Sent", format_local_time(entry.sent_at) if entry.sent_at is not None else "unknown")
        field("Added", format_local_time(entry.added_at))
        field("Age", format_duration(summary.age_seconds) + ("  overdue" if summary.overdue else ""))
        text.append("\nRefreshes\n", style="bold underline")
        checked = state.last_checked
        field(
            "Last checked",
            f"{format_local_time(checked)} ({format_duration(now - checked)} ago)" if checked else "never",
        )
        field("Last error", error_line(state.last_error) if state.last_error is not None else "none")
        text.append(f"\nPhones ({summary.total})\n", style="bold underline")
        for receipt in summary.phones:
            seen = state.first_seen.get(receipt.phone)
            parts = [
                f"{app.display_phone(receipt.phone):<15}",
                f"{STATUS_SYMBOLS[receipt.status]} {receipt.status.value:<10}",
                receipt.code,
                receipt.desc,
                f"received {format_local_time(receipt.receipt_time)}" if receipt.receipt_time else "",
                f"first seen {format_local_time(seen)}" if seen is not None else "",
            ]
            text.append("  " + safe("  ".join(p for p in parts if p)) + "\n")
        return text

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.session_no)
        self.notify(f"copied SessionNo {self.session_no}", timeout=3, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
