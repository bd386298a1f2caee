"""The export dialog: where to write the current view, and as CSV or JSON."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from usms_tui.config.paths import expand_home
from usms_tui.tui.screens._dialog import Dialog, field

FORMATS = ("csv", "json")


def format_for(path: Path | str, default: str = "csv") -> str:
    """The format a file name asks for (``.json`` -> json), else ``default``."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else default


def check_path(text: str) -> Path:
    """An absolute path to write to; raises ValueError when it cannot be written there."""
    raw = text.strip()
    if not raw:
        raise ValueError("enter a file name")
    path = expand_home(raw)  # ValueError for ~nosuchuser, shown like the others
    if path.is_dir():
        raise ValueError(f"{path} is a folder")
    if not path.parent.is_dir():
        raise ValueError(f"the folder {path.parent} does not exist")
    return path.absolute()


class ExportDialog(Dialog[tuple[str, Path] | None]):
    """Dismisses with ``(format, path)`` ("csv" or "json"), or None on Esc. An existing file
    is only overwritten after a second Enter."""

    DEFAULT_CSS = """
    ExportDialog RadioSet { layout: horizontal; width: auto; height: 1; }
    ExportDialog RadioSet > RadioButton { width: auto; margin-right: 3; }
    """

    def __init__(self, default_path: Path | str, name: str | None = None) -> None:
        super().__init__(name=name)
        self.default_path = Path(default_path)
        self._overwrite_ok: Path | None = None

    def compose(self) -> ComposeResult:
        fmt = format_for(self.default_path)
        with Vertical(id="dialog-box") as box:
            box.border_title = "Export this view"
            yield field("File", Input(value=str(self.default_path), id="path", compact=True))
            with Horizontal(classes="field"):
                yield Label("Format")
                with RadioSet(id="format", compact=True):
                    yield RadioButton("CSV", value=fmt == "csv", id="format-csv", compact=True)
                    yield RadioButton("JSON", value=fmt == "json", id="format-json", compact=True)
            yield Static(id="dialog-error")
            yield Static(id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self._update_hint()

    def _update_hint(self) -> None:
        # Names the chosen format in words: the radio dot alone tells it only by colour.
        self.query_one("#dialog-hint", Static).update(
            f"Enter exports {self.fmt.upper()} · Tab, arrows, Enter: format · Esc cancels"
        )

    @property
    def fmt(self) -> str:
        pressed = self.query_one("#format", RadioSet).pressed_button
        return "json" if pressed is not None and pressed.id == "format-json" else "csv"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        # Keep the file name's extension in step with the format chosen, and go back to the
        # path so the next Enter exports (in the radio set Enter only picks).
        field = self.query_one("#path", Input)
        field.focus()
        path = Path(field.value.strip())
        if field.value.strip() and path.suffix.lower().lstrip(".") in FORMATS and format_for(path) != self.fmt:
            field.value = str(path.with_suffix(f".{self.fmt}"))
        self._update_hint()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.clear_error()
        self._overwrite_ok = None
        wanted = format_for(event.value, self.fmt)
        if wanted != self.fmt:
            self.query_one(f"#format-{wanted}", RadioButton).value = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """Validate the path; dismiss with (format, path) or say what is wrong."""
        field = self.query_one("#path", Input)
        try:
            path = check_path(field.value)
        except ValueError as error:
            self.show_error(f"Cannot export: {error}.", field)
            return
        if path.exists() and self._overwrite_ok != path:
            self._overwrite_ok = path
            self.show_error(f"{path} exists: press Enter again to replace it.", field)
            return
        self.dismiss((self.fmt, path))
