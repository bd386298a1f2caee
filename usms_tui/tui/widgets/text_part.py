"""One line of the status line, repainted only when what it says changes.

A part is a tuple of ``(text, style name)`` pieces: cheap to compare, so :meth:`TextPart.show`
with the same pieces costs nothing on the terminal. Style names are resolved when the line is
drawn (by the function the owner hands in), so a theme change recolours the line without the
owner having to say it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

#: ``(text, style name)``; the name is a status-line style such as ``dim`` ("" for none).
Piece = tuple[str, str]
Part = tuple[Piece, ...]


class TextPart(Widget):
    """A one-line, literal text; :meth:`show` repaints it only when the pieces differ."""

    DEFAULT_CSS = """
    TextPart { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, style: Callable[[str], Style | str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._style = style
        self._part: Part = ()
        self.paints = 0  # how often show() asked for a repaint (tests count them)

    @property
    def part(self) -> Part:
        return self._part

    @property
    def plain(self) -> str:
        """What the line says."""
        return "".join(text for text, _ in self._part)

    def show(self, part: Part) -> None:
        if part != self._part:
            self._part = part
            self.paints += 1
            self.refresh()

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for text, name in self._part:
            line.append(text, style=self._style(name) if name else "")
        return line
