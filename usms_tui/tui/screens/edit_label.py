"""The edit-label dialog: a new label for one session ("" clears it)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from usms_tui.domain.sessions import validate_label
from usms_tui.domain.text import safe
from usms_tui.tui.screens._dialog import Dialog, field


class EditLabelDialog(Dialog[str | None]):
    """Dismisses with the new label (trimmed; "" removes it), or None on Esc."""

    def __init__(self, session_no: str, current: str = "", name: str | None = None) -> None:
        super().__init__(name=name)
        self.session_no = session_no
        self.current = current or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box") as box:
            box.border_title = "Edit label"
            yield Static(Text(f"Session {safe(self.session_no)}"), classes="field note")
            # The label as the table shows it: a control character in a label written by
            # `usms-tui add` would be invisible in the field yet refused on Enter.
            current = safe(self.current)
            yield field(
                "Label", Input(value=current, placeholder="empty: show the SessionNo", id="label", compact=True)
            )
            yield Static(id="dialog-error")
            yield Static("Enter saves · Esc cancels", id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#label", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.has_class("-invalid"):
            self.clear_error()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = event.input
        try:
            label = validate_label(field.value)
        except ValueError as error:
            self.show_error(f"Label refused: {error}.", field)
            return
        self.dismiss(label)
