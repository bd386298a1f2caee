"""A yes/no question, e.g. before deleting a session from the watchlist."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from usms_tui.domain.text import safe
from usms_tui.tui.screens._dialog import Dialog


class ConfirmDialog(Dialog[bool]):
    """Dismisses True for y / Enter on Yes, False for n / Esc / No."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "Cancel"),
        Binding("left,right", "app.focus_next", "Switch", show=False),
    ]

    DEFAULT_CSS = """
    ConfirmDialog #dialog-box { width: 60; }
    ConfirmDialog #question { margin: 1 0; }
    ConfirmDialog #buttons { height: auto; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 2; min-width: 8; }
    """

    def __init__(self, question: str, name: str | None = None) -> None:
        super().__init__(name=name)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box") as box:
            box.border_title = "Confirm"
            # The question may quote a label or SessionNo: literal text, never markup.
            yield Static(Text(safe(self.question)), id="question")
            with Horizontal(id="buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        # Enter answers the question as asked; reaching it took a deliberate key already.
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
