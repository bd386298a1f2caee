"""config.toml's ``[keys]`` in the UI: Textual's keymap, and keys shown as the user moved them.

Every remappable Binding has an ``id``: its action name in
:data:`~usms_tui.config.keys.ACTIONS` (a test holds the two together). The settings' key
map, already checked when they loaded, becomes the app's Textual keymap, which every
screen's bindings pass through; so the keys work everywhere and the footer and the command
palette (both read the active bindings) show them. What reads bindings outside the active
ones (help lists screens beneath and views not open) passes them through
:func:`remapped` too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import ActiveBinding, Binding, BindingsMap, BindingType
from textual.screen import Screen

from usms_tui.config.keys import ACTION_NAMES, RESERVED_FOR, KeyMap
from usms_tui.tui.navigation import binding_commands


def textual_keymap(key_map: KeyMap) -> dict[str, str]:
    """The settings' key map as Textual's keymap: binding id -> comma-separated keys.

    A key Textual itself binds to the same action (ctrl+q quits, with priority, so also from
    help and dialogs) is left to Textual: in the keymap it would replace that binding with
    ours, which a dialog does not see. Only when it is the action's one key does it stay, so
    the default key stops doing the action as asked."""
    keymap = {}
    for name, keys in key_map.items():
        own = [key for key in keys if RESERVED_FOR.get(key) != name] or list(keys)
        keymap[name] = ",".join(own)
    return keymap


def keys_of(app: App[Any], name: str) -> tuple[str, ...]:
    """The keys of action ``name`` now: the user's, else the default."""
    chosen = app._keymap.get(name)
    return tuple(chosen.split(",")) if chosen else ACTION_NAMES[name].default


def remapped(app: App[Any], bindings: BindingsMap | Iterable[BindingType]) -> BindingsMap:
    """A copy of ``bindings`` with the app's keymap applied (as Textual applies it to the
    active ones)."""
    copy = bindings.copy() if isinstance(bindings, BindingsMap) else BindingsMap(bindings)
    if app._keymap:
        copy.apply_keymap(app._keymap)
    return copy


def in_binding_order(active: dict[str, ActiveBinding]) -> list[tuple[str, ActiveBinding]]:
    """The active bindings with each node's in the order its BINDINGS lists them: a moved
    key stays where its action was (Textual puts keymapped ones after the rest)."""
    nodes: dict[int, int] = {}
    places: dict[int, dict[object, int]] = {}
    for item in active.values():
        if id(item.node) not in nodes:
            nodes[id(item.node)] = len(nodes)
            first: dict[object, int] = {}
            for key, binding in item.node._bindings:
                first.setdefault(_place_key(key, binding), len(first))
            places[id(item.node)] = first

    def place(pair: tuple[str, ActiveBinding]) -> tuple[int, int]:
        key, item = pair
        found = places[id(item.node)]
        return nodes[id(item.node)], found.get(_place_key(key, item.binding), len(found))

    return sorted(active.items(), key=place)


def _place_key(key: str, binding: Binding) -> object:
    # A moved binding keeps its id, not its key.
    return binding.id or (key, binding.action)


def key_hint(app: App[Any], name: str) -> str:
    """The first key of action ``name`` as the footer writes it, for a hint ("press r")."""
    return app.get_key_display(Binding(keys_of(app, name)[0], ""))


class KeyedApp(App[None]):
    """The app's keys as shown: ``+/-`` for the interval stays one item whatever keys it has,
    and the command palette offers every shown key of the current screen, as moved."""

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from binding_commands(self, screen)

    def get_key_display(self, binding: Binding) -> str:
        if binding.id == "longer_interval":
            longer, shorter = keys_of(self, "longer_interval")[0], keys_of(self, "shorter_interval")[0]
            return f"{self.key_display(longer)}/{self.key_display(shorter)}"
        return super().get_key_display(binding)

    def key_display(self, key: str) -> str:
        """One key as the footer writes it (``?``, ``^r``)."""
        return super().get_key_display(Binding(key, ""))

    def key_hint(self, name: str) -> str:
        """The first key of action ``name``, for a hint such as "press r"."""
        return key_hint(self, name)
