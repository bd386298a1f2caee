"""What the dialogs share: a bordered box in the middle, an inline error line, Esc cancels."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from usms_tui.domain.text import safe

ResultT = TypeVar("ResultT")

#: Shared by every dialog; selectors use the Dialog base class so subclasses inherit them.
DIALOG_CSS = """
Dialog { align: center middle; }
Dialog > #dialog-box {
    width: 72; max-width: 100%; height: auto; max-height: 100%;
    border: round $primary; border-title-color: $primary; background: $surface; padding: 1 1 0 1;
}
Dialog .field { height: auto; margin-bottom: 1; }
Dialog .field > Label { width: 11; color: $text-muted; }
Dialog .field > Input { width: 1fr; background: $boost; }
Dialog .field > Input:focus { background-tint: $primary 15%; }
Dialog .field > Input.-invalid { background-tint: $error 25%; }
Dialog .note { color: $text-muted; }
Dialog #dialog-error { color: $text-error; text-style: bold; height: auto; margin-top: 1; display: none; }
Dialog #dialog-error.-shown { display: block; }
Dialog #dialog-hint { color: $text-muted; margin-top: 1; }
"""


def field(label: str, input_: Input) -> Horizontal:
    """One line: a muted label, then a compact input (fits four fields in a 24-line terminal)."""
    return Horizontal(Label(label), input_, classes="field")


class Dialog(ModalScreen[ResultT]):
    """Base for modal dialogs: ``show_error`` puts a literal message under the fields."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("escape", "cancel", "cancel"),
        # Priority, so Tab moves the focus as soon as it is read: in a burst of keys from a
        # slow SSH link ("abc<Tab>label") the next keys then land in the next field.
        Binding("tab", "app.focus_next", "next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "previous field", show=False, priority=True),
    ]

    def show_error(self, message: str, field: Input | None = None) -> None:
        """Show why the input was refused (literal text: it may quote what was typed)."""
        error = self.query_one("#dialog-error", Static)
        error.update(Text(safe(message)))
        error.add_class("-shown")
        for input_ in self.query(Input):
            input_.set_class(input_ is field, "-invalid")
        if field is not None:
            field.focus()

    def clear_error(self) -> None:
        """Hide the error line (the user is fixing it)."""
        self.query_one("#dialog-error", Static).remove_class("-shown")
        for input_ in self.query(Input):
            input_.remove_class("-invalid")

    @property
    def error_text(self) -> str:
        """The error shown now, or "" (for tests and screen readers)."""
        error = self.query_one("#dialog-error", Static)
        return str(error.render()) if error.has_class("-shown") else ""

    def action_cancel(self) -> None:
        self.dismiss(None)
