"""A footer that wraps: every shown binding of the screen stays visible, even at 80 columns.

Textual's ``Footer`` is one line and scrolls its overflow out of sight; this one packs
``key description`` items into as many lines as the width needs (two at 80 columns), read
from the active bindings themselves so it can never disagree with them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.geometry import Size
from textual.keys import key_to_character
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from usms_tui.tui.keymap import in_binding_order

#: What the bar offers while a text field (filter, search) has the focus.
FIELD_KEYS: tuple[tuple[str, str, bool], ...] = (("⏎", "keep", True), ("esc", "clear", True))
#: Key names whose character textual.keys.key_to_character does not know.
_NAMED = {"plus": "+", "minus": "-", "slash": "/", "space": " "}


def types_text(key: str) -> bool:
    """Does this key type a character into a focused text field (``a``, ``plus``, ``?``)?"""
    char = _NAMED.get(key) or key_to_character(key)
    return char is not None and char.isprintable()


#: Narrower than this, the bar switches to its compact form.
NARROW = 120


class KeyBar(Widget):
    """Keys of the active bindings that have ``show=True``, plus the command palette key."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description", "key-bar--disabled"}

    DEFAULT_CSS = """
    KeyBar { height: auto; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[Any]) -> None:
        self.refresh(layout=True)

    def items(self) -> list[tuple[str, str, bool]]:
        """(key display, description, enabled) in binding order, one per action."""
        seen: set[str] = set()
        found: list[tuple[str, str, bool]] = []
        palette: tuple[str, str, bool] | None = None
        # In a text field, printable keys type text ("+" goes into the filter, it does not
        # change the interval): offering them there would be wrong.
        typing = isinstance(self.screen.focused, Input)
        if typing:
            found.extend(FIELD_KEYS)
        # In each node's BINDINGS order, also for keys config.toml's [keys] moved.
        for key, (_, binding, enabled, _tip) in in_binding_order(self.screen.active_bindings):
            if key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = (self.app.get_key_display(binding), "palette", True)
                continue
            if not binding.show or binding.action in seen:
                continue
            if typing and types_text(binding.key):
                continue
            seen.add(binding.action)
            found.append((self.app.get_key_display(binding), binding.description, enabled))
        if palette is not None:
            found.append(palette)
        return found

    @staticmethod
    def _narrow(width: int) -> bool:
        # Below this width every key must still fit in two lines: one space between items and
        # only the first word of each description ("copy SessionNo" -> "copy").
        return width < NARROW

    def _lines(self, width: int) -> list[list[tuple[str, str, bool]]]:
        lines: list[list[tuple[str, str, bool]]] = [[]]
        used = 0
        narrow = self._narrow(width)
        gap = 1 if narrow else 2
        for key, description, enabled in self.items():
            item = (key, description.split(" ")[0] if narrow else description, enabled)
            size = len(item[0]) + 1 + len(item[1]) + gap
            if lines[-1] and used + size - gap > width:
                lines.append([])
                used = 0
            lines[-1].append(item)
            used += size
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._lines(width)))

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        desc_style = self.get_component_rich_style("key-bar--description", partial=True)
        off_style = self.get_component_rich_style("key-bar--disabled", partial=True)
        out = Text(no_wrap=True, end="")
        gap = " " if self._narrow(self.size.width) else "  "
        for number, line in enumerate(self._lines(self.size.width)):
            if number:
                out.append("\n")
            for index, (key, description, enabled) in enumerate(line):
                if index:
                    out.append(gap)
                out.append(key, style=key_style if enabled else off_style)
                out.append(" " + description, style=desc_style if enabled else off_style)
        return out
