"""Finding screens and offering keys: lazy screen imports and the command palette's entries.

The screens and dialogs are imported when first used, so the main screen starts fast and
works even in a build that lacks one of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.dom import DOMNode
from textual.screen import Screen

#: Screen or dialog class -> module under ``usms_tui.tui.screens``.
SCREEN_MODULES: dict[str, str] = {
    "PhonesScreen": "phones",
    "FailuresScreen": "failures",
    "HelpScreen": "help",
    "EventsScreen": "events",
    "SessionDetailScreen": "session_detail",
    "AddSessionDialog": "add_session",
    "ConfirmDialog": "confirm",
    "EditLabelDialog": "edit_label",
    "ExportDialog": "export_dialog",
}


def load_screen(name: str) -> type[Screen[Any]]:
    """The screen class called ``name``. Raises ImportError when this build has none."""
    module = importlib.import_module(f"usms_tui.tui.screens.{SCREEN_MODULES[name]}")
    found = getattr(module, name, None)
    if not (isinstance(found, type) and issubclass(found, Screen)):
        raise ImportError(f"{module.__name__} has no {name}")
    return found


def binding_commands(app: App[Any], screen: Screen[Any]) -> Iterable[SystemCommand]:
    """One palette entry per key of the screen and the app (not the widgets' cursor keys)."""
    seen: set[str] = set()
    for node, binding, enabled, _tip in screen.active_bindings.values():
        if node is not app and node is not screen:
            continue
        if not enabled or binding.action in seen or binding.action in ("command_palette", "quit"):
            continue
        seen.add(binding.action)
        key = app.get_key_display(binding)
        yield SystemCommand(
            f"{binding.description} ({key})", f"same as the key {key}", _runner(app, node, binding.action)
        )


def _runner(app: App[Any], node: DOMNode, action: str) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        await app.run_action(action, node)

    return run
