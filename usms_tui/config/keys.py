"""The ``[keys]`` table of config.toml: which key runs which action, checked when settings load.

Every key of the UI that a user may move has an action name here (the Binding's ``id`` in
the UI, which a test holds to :data:`ACTIONS`): its default keys, the views it is bound in,
and one line of help. ``[keys]`` maps an action to a key or a comma-separated list of keys
in Textual's names (``refresh = "ctrl+r"``, ``quit = "q,ctrl+q"``); single characters may be
written as themselves (``"?"`` is ``question_mark``).

A map is refused, with the key it is about and why, when it names an unknown action, holds
something that is not a key name, takes a key the UI keeps for itself (:data:`RESERVED`),
or gives one key two actions in one view (where one of them would never run). This layer
knows no Textual, so key names are checked against Textual's naming rules written out here;
a UI test holds these to Textual's own.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from usms_tui.config.table import KEYS_SECTION
from usms_tui.domain.errors import ConfigError

#: Every view, as a sentence names it. ``app`` keys are bound in every view but help,
#: which (a modal screen) has only its own.
VIEWS: Mapping[str, str] = MappingProxyType({
    "main": "the main screen",
    "phones": "the phones view",
    "failures": "the failures view",
    "events": "the events screen",
    "session": "a session's detail",
    "help": "help",
})  # fmt: skip
APP = "app"
MODAL = frozenset({"help"})


@dataclass(frozen=True)
class Action:
    """One remappable key: ``name`` is its ``[keys]`` name and its Binding's id."""

    name: str
    default: tuple[str, ...]  #: Textual key names
    views: tuple[str, ...]  #: :data:`VIEWS` names, or ``app`` for every view but help
    help: str


ACTIONS: tuple[Action, ...] = (
    Action("refresh", ("r",), (APP,), "refresh now; after an error, try again"),
    Action("pause", ("p",), (APP,), "pause or resume polling"),
    Action("longer_interval", ("plus",), (APP,), "refresh less often"),
    Action("shorter_interval", ("minus",), (APP,), "refresh more often"),
    Action("mask", ("m",), (APP,), "mask or show phone numbers"),
    Action("events", ("E",), (APP,), "the events screen"),
    Action("help", ("question_mark",), (APP, "help"), "help (the same key closes it)"),
    Action("quit", ("q",), (APP,), "quit"),
    Action("add", ("a",), ("main",), "add a session (not with --read-only)"),
    Action("delete", ("d",), ("main",), "stop watching a session (not with --read-only)"),
    Action("label", ("l",), ("main",), "edit a session's label (not with --read-only)"),
    Action("search", ("slash",), ("main", "phones", "help"), "filter sessions, search phones or help"),
    Action("sort", ("s",), ("main", "phones"), "change the sort order"),
    Action("export", ("e",), ("main", "phones", "failures"), "export to CSV or JSON"),
    Action("copy", ("y",), ("main", "phones", "failures", "session"), "copy a SessionNo"),
    Action("phones", ("v",), ("main",), "the phones view"),
    Action("failures", ("f",), ("main",), "the failures view"),
    Action("status_filter", ("f",), ("phones",), "the phones view's status filter"),
    Action("cause", ("c",), ("phones",), "the phones view's cause filter"),
    Action("back", ("q",), ("phones", "failures", "events", "session", "help"), "back (as escape)"),
)

ACTION_NAMES: Mapping[str, Action] = MappingProxyType({action.name: action for action in ACTIONS})

#: Keys no action may take, and why: every view and dialog relies on them.
RESERVED: Mapping[str, str] = MappingProxyType({
    **dict.fromkeys(
        ("escape", "ctrl+left_square_brace", "ctrl+left_square_bracket"), "goes back and cancels everywhere"
    ),
    **dict.fromkeys(("enter", "ctrl+m"), "opens and confirms everywhere"),
    **dict.fromkeys(("tab", "shift+tab", "ctrl+i"), "moves the focus"),
    **dict.fromkeys(
        ("up", "down", "left", "right", "pageup", "pagedown", "home", "end",
         "ctrl+home", "ctrl+end", "ctrl+pageup", "ctrl+pagedown"),
        "moves in tables and lists",
    ),
    **dict.fromkeys(("ctrl+c", "super+c"), "copies selected text"),
    "ctrl+p": "opens the command palette",
    "ctrl+q": "quits (only quit may list it)",
})  # fmt: skip
#: A reserved key an action may list because it does the same there.
RESERVED_FOR = MappingProxyType({"ctrl+q": "quit"})

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")  # sorted, as Textual joins them
_NAMED = frozenset((
    "escape", "enter", "tab", "backspace", "delete", "insert", "home", "end", "pageup", "pagedown",
    "up", "down", "left", "right", "space", *(f"f{n}" for n in range(1, 25)),
))  # fmt: skip
#: Textual's shorter names for some characters' Unicode names.
_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
MAX_VALUE = 80  #: characters in one ``[keys]`` value
MAX_KEYS = 4  #: keys one action may list
_EXAMPLES = "a character such as r or ?, or a name such as f5, space or ctrl+r"

KeyMap = Mapping[str, tuple[str, ...]]


def character_key(character: str) -> str:
    """Textual's name for the key that types ``character`` (``?`` -> ``question_mark``)."""
    if character == " ":
        return "space"
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return _REPLACEMENTS.get(name, name)


#: Names of the printable ASCII characters that are not letters or digits (``question_mark``).
_CHARACTERS = {character_key(chr(code)): chr(code) for code in range(33, 127) if not chr(code).isalnum()}
CHARACTER_NAMES = frozenset(_CHARACTERS)


def normalize_key(text: str) -> str:
    """One key as Textual names it, or ``ValueError(why not)`` (never repeating ``text``)."""
    key = text.strip()
    if not key:
        raise ValueError("has an empty key name (two commas, or one at an end)")
    if len(key) == 1:
        if not key.isprintable():
            raise ValueError("holds a character that is not a key")
        return character_key(key)
    head, _, base = key.rpartition("+")
    if not base and head.endswith("+"):  # ctrl++: the plus key with ctrl
        head, base = head[:-1], "+"
    modifiers = [part.lower() for part in head.split("+")] if head else []
    if not base or any(part not in MODIFIERS for part in modifiers):
        raise ValueError(f"is not a key name ({_EXAMPLES}; modifiers: {', '.join(MODIFIERS)})")
    if len(set(modifiers)) != len(modifiers):
        raise ValueError("repeats a modifier")
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            raise ValueError("holds a character that is not a key")
        if modifiers == ["shift"] and base.isalpha():
            raise ValueError(f"names shift with a letter: write the capital letter ({base.upper()}) instead")
        base = character_key(base.lower() if modifiers else base)
    else:
        base = base.lower()
        if base not in _NAMED and base not in CHARACTER_NAMES and len(base) > 1:
            raise ValueError(f"is not a key name ({_EXAMPLES})")
    return "+".join([*sorted(modifiers), base])


def parse_keys(value: Any) -> tuple[str, ...]:
    """A ``[keys]`` value -> its keys in Textual's names, or ``ValueError(why not)``."""
    if not isinstance(value, str):
        raise ValueError('must be a key name in quotes, or several separated by commas (e.g. "ctrl+r" or "r,f5")')
    if len(value) > MAX_VALUE:
        raise ValueError(f"is too long (at most {MAX_VALUE} characters)")
    if any(not char.isprintable() for char in value):
        raise ValueError("holds a control character")
    if not value.strip():
        raise ValueError("is empty: give the action a key")
    # "," alone is the comma key; otherwise commas separate keys.
    parts = [value.strip()] if value.strip() == "," else value.split(",")
    keys: list[str] = []
    for part in parts:
        key = normalize_key(part)
        if key not in keys:
            keys.append(key)
    if len(keys) > MAX_KEYS:
        raise ValueError(f"lists more than {MAX_KEYS} keys")
    return tuple(keys)


def _views_of(action: Action) -> tuple[str, ...]:
    return tuple(view for view in VIEWS if view in action.views or (APP in action.views and view not in MODAL))


def _clashes(keys: Mapping[str, tuple[str, ...]]) -> set[tuple[str, str, str, str]]:
    """(key, action, other action, view) for each key two actions share in one view."""
    found = set()
    for view in VIEWS:
        users: dict[str, list[str]] = {}
        for action in ACTIONS:
            if view in _views_of(action):
                for key in keys[action.name]:
                    users.setdefault(key, []).append(action.name)
        for key, names in users.items():
            found |= {(key, first, second, view) for first in names for second in names if first < second}
    return found


def _say(key: str) -> str:
    return key if key.isprintable() and len(key) <= 20 else repr(key[:20])


def parse_key_map(table: Any, where: str) -> KeyMap:
    """``[keys]`` -> {action: keys} for the actions it sets, or a :class:`ConfigError` naming
    the key (``[keys] refresh``), ``where`` it was read (the file) and why."""
    if not isinstance(table, dict):
        raise ConfigError(f"config file {where}: 'keys' must be a table, written [keys]")
    chosen: dict[str, tuple[str, ...]] = {}
    for name, value in table.items():
        label = f"[keys] {_say(name)}"
        if name not in ACTION_NAMES:
            raise ConfigError(f"{label} ({where}): not an action; the actions are: {', '.join(sorted(ACTION_NAMES))}")
        try:
            keys = parse_keys(value)
        except ValueError as error:
            shown = f"={value!r}" if isinstance(value, str) and len(value) <= 40 and value.isprintable() else ""
            raise ConfigError(f"{label}{shown} ({where}): {error}") from None
        for key in keys:
            if key in RESERVED and RESERVED_FOR.get(key) != name:
                raise ConfigError(f"{label}={value!r} ({where}): {key} is not free: it {RESERVED[key]}")
        chosen[name] = keys
    effective = {action.name: chosen.get(action.name, action.default) for action in ACTIONS}
    new = _clashes(effective) - _clashes({action.name: action.default for action in ACTIONS})
    if new:
        key, first, second, view = min(new, key=lambda clash: (list(VIEWS).index(clash[3]), clash))
        raise ConfigError(
            f"[keys] {first} and [keys] {second} ({where}) would both be the key {key} on {VIEWS[view]}: "
            "give one of them another key"
        )
    return MappingProxyType(chosen)


def effective_keys(chosen: KeyMap) -> dict[str, tuple[str, ...]]:
    """Every action's keys: the chosen ones, else the defaults."""
    return {action.name: chosen.get(action.name, action.default) for action in ACTIONS}


def key_rows(chosen: KeyMap, source: str) -> list[tuple[str, str, str]]:
    """(``keys.NAME``, keys, source) for every action, as ``config show`` lists them."""
    return [
        (f"{KEYS_SECTION}.{name}", show_keys(keys), source if name in chosen else "default")
        for name, keys in effective_keys(chosen).items()
    ]


def show_keys(keys: tuple[str, ...]) -> str:
    """As ``config show`` and ``config example`` write them: a character as itself (``?``),
    other keys by name; :func:`parse_keys` reads it back."""
    if keys == ("comma",):
        return ","
    # In a list, the comma key keeps its name: a bare "," there separates keys.
    return ",".join(key if key == "comma" else _CHARACTERS.get(key, key) for key in keys)


def example_lines() -> list[str]:
    """The ``[keys]`` section of ``config example``: every action, commented out at its default."""
    entries = [(f"# {action.name} = {json.dumps(show_keys(action.default))}", action.help) for action in ACTIONS]
    width = max(len(entry) for entry, _ in entries)
    header = f'[{KEYS_SECTION}]  # action = "key" or "key,key" in Textual\'s key names (ctrl+r, f5, space, ?)'
    return ["", header, *(f"{entry:<{width}}  # {comment}" for entry, comment in entries)]
