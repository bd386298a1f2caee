"""The add-session dialog: a SessionNo (validated as the watchlist would), an optional label,
the time it was sent and the phones it went to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from usms_tui.domain.sessions import WatchedSession, parse_phones, parse_sent_at, validate_label, validate_session_no
from usms_tui.tui.screens._dialog import Dialog, field

if TYPE_CHECKING:
    from usms_tui.tui.app import UsmsApp

T = TypeVar("T")


class AddSessionDialog(Dialog[WatchedSession | None]):
    """Dismisses with a ``WatchedSession`` (added_at = the app's clock), or None on Esc."""

    app: UsmsApp

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box") as box:
            box.border_title = "Add a session"
            yield field("SessionNo", Input(placeholder="from SendUSMSMessage", id="session-no", compact=True))
            yield field("Label", Input(placeholder="optional: what was sent, to whom", id="label", compact=True))
            yield field("Sent at", Input(placeholder="optional: ages count from it", id="sent-at", compact=True))
            yield field("Phones", Input(placeholder="optional: 13800000000, 13900000000", id="phones", compact=True))
            yield Static("Sent at: ISO 8601 time, Unix seconds, or e.g. 2h ago.", classes="note")
            yield Static("Phones: comma separated; shown as pending until their receipt comes.", classes="note")
            yield Static(id="dialog-error")
            yield Static("Enter adds · Tab next field · Esc cancels", id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#session-no", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.has_class("-invalid"):
            self.clear_error()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """Validate every field; dismiss with the session, or show the first problem inline."""
        now = self.app.clock()
        try:
            session_no = self._checked("#session-no", "SessionNo", validate_session_no)
            label = self._checked("#label", "Label", validate_label)
            sent_at = self._checked("#sent-at", "Sent at", lambda text: parse_sent_at(text, now))
            phones = self._checked("#phones", "Phones", parse_phones)
        except _Refused:
            return
        self.dismiss(WatchedSession(session_no=session_no, label=label, added_at=now, sent_at=sent_at, phones=phones))

    def _checked(self, selector: str, name: str, parse: Callable[[str], T]) -> T:
        """One field through its parser; a refusal is shown inline (and raises ``_Refused``)."""
        field = self.query_one(selector, Input)
        try:
            return parse(field.value)
        except ValueError as error:
            self.show_error(f"{name} refused: {error}.", field)
            raise _Refused from None


class _Refused(Exception):
    """A field was refused; the dialog already says why."""
