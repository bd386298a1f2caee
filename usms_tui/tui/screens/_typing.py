"""Keys that open a text field must move the focus before the next key is read.

Over a slow SSH link several keystrokes often arrive in one read ("/login" typed quickly).
Textual forwards each key to the widget focused *at that moment* and runs ordinary bindings
later, when the key has bubbled up; ``Widget.focus()`` is also deferred. So "/" followed by
"login" went to the table, and "l" opened the edit-label dialog. A priority binding runs
while the keys are being read, and :func:`open_field` focuses at once, so the rest of the
burst lands in the field.
"""

from __future__ import annotations

from typing import Any

from textual.actions import SkipAction
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input


def field_key(action: str, description: str) -> Binding:
    """The ``/`` binding that opens a screen's text field (priority: see the module doc)."""
    return Binding("slash", action, description, priority=True, id="search")


def open_field(screen: Screen[Any], field: Input) -> None:
    """Show ``field`` and focus it now. A priority key also fires while the field itself has
    the focus: there it skips, so the field types the key ("/", or the letter config.toml's
    [keys] gave the action)."""
    if screen.focused is field:
        raise SkipAction()
    field.add_class("-active")
    screen.set_focus(field)
