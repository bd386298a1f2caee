"""config.toml's ``[keys]``: what a key map may say, and the one-line error for what it may not.

Every refusal names the ``[keys]`` key it is about (both, for two actions on one key) and
why; hostile values (huge, binary, nested) are refused the same way and never echoed whole.
"""

from __future__ import annotations

import json

import pytest

from usms_tui.config.keys import (
    ACTION_NAMES,
    ACTIONS,
    effective_keys,
    key_rows,
    normalize_key,
    parse_key_map,
    parse_keys,
    show_keys,
)
from usms_tui.config.settings import load_settings
from usms_tui.domain.errors import ConfigError

GOOD = [
    ({}, {}),
    ({"refresh": "ctrl+r"}, {"refresh": ("ctrl+r",)}),
    ({"quit": "q,ctrl+q"}, {"quit": ("q", "ctrl+q")}),  # ctrl+q is reserved, but it quits already
    ({"quit": " q , ctrl+q "}, {"quit": ("q", "ctrl+q")}),
    ({"help": "?,f1"}, {"help": ("question_mark", "f1")}),  # a character as itself
    ({"help": "question_mark"}, {"help": ("question_mark",)}),  # or by Textual's name
    ({"longer_interval": "]", "shorter_interval": "["}, {"longer_interval": ("right_square_bracket",),
                                                         "shorter_interval": ("left_square_bracket",)}),
    ({"refresh": "CTRL+R"}, {"refresh": ("ctrl+r",)}),
    ({"refresh": "shift+ctrl+f5"}, {"refresh": ("ctrl+shift+f5",)}),  # modifiers as Textual orders them
    ({"refresh": "F5"}, {"refresh": ("f5",)}),
    ({"pause": "space"}, {"pause": ("space",)}),
    ({"refresh": "r,r"}, {"refresh": ("r",)}),
    ({"events": "ctrl++"}, {"events": ("ctrl+plus",)}),
    ({"events": ","}, {"events": ("comma",)}),
    ({"copy": "é"}, {"copy": ("é",)}),
    # Swapping two keys is no clash: each ends on its own key.
    ({"add": "d", "delete": "a"}, {"add": ("d",), "delete": ("a",)}),
    # Keys of different views may be the same: f is failures on the main screen, filter in phones.
    ({"cause": "v"}, {"cause": ("v",)}),
    # Restating a default is fine even where the defaults already share a key (q: quit, and back).
    ({"quit": "q"}, {"quit": ("q",)}),
    ({"back": "x"}, {"back": ("x",)}),
]  # fmt: skip


@pytest.mark.parametrize(("table", "expected"), GOOD, ids=[json.dumps(t, ensure_ascii=False) for t, _ in GOOD])
def test_good_maps(table, expected):
    assert dict(parse_key_map(table, "config.toml")) == expected


BAD = [
    # (table, what the one line must hold)
    ({"refreh": "r"}, ["[keys] refreh", "not an action", "refresh, search"]),
    ({"refresh": 5}, ["[keys] refresh", "must be a key name in quotes"]),
    ({"refresh": True}, ["[keys] refresh", "must be a key name in quotes"]),
    ({"refresh": ["r"]}, ["[keys] refresh", "must be a key name in quotes"]),
    ({"refresh": {"key": "r"}}, ["[keys] refresh", "must be a key name in quotes"]),  # [keys.refresh]
    ({"refresh": ""}, ["[keys] refresh", "is empty"]),
    ({"refresh": "   "}, ["[keys] refresh", "is empty"]),
    ({"refresh": "r,"}, ["[keys] refresh", "empty key name"]),
    ({"refresh": "r\x1b[31m"}, ["[keys] refresh", "control character"]),
    ({"refresh": "\x00"}, ["[keys] refresh", "control character"]),
    ({"refresh": "r" * 10_000}, ["[keys] refresh", "too long"]),
    ({"refresh": "ctrl+rr"}, ["[keys] refresh='ctrl+rr'", "not a key name"]),
    ({"refresh": "control+r"}, ["not a key name", "modifiers: alt, ctrl"]),
    ({"refresh": "ctrl+ctrl+r"}, ["repeats a modifier"]),
    ({"refresh": "ctrl+"}, ["not a key name"]),
    ({"refresh": "shift+e"}, ["capital letter (E)"]),
    ({"refresh": "a,b,c,d,e"}, ["more than 4 keys"]),
    ({"refresh": "escape"}, ["[keys] refresh='escape'", "escape is not free", "goes back"]),
    ({"refresh": "enter"}, ["enter is not free"]),
    ({"sort": "tab"}, ["tab is not free"]),
    ({"sort": "down"}, ["down is not free", "moves in tables"]),
    ({"copy": "ctrl+c"}, ["ctrl+c is not free"]),
    ({"refresh": "ctrl+p"}, ["ctrl+p is not free", "palette"]),
    ({"refresh": "ctrl+q"}, ["ctrl+q is not free"]),
    # Two actions on one key in one view: both named, and the view.
    ({"refresh": "a"}, ["[keys] add and [keys] refresh", "the key a on the main screen"]),
    ({"refresh": "p"}, ["[keys] pause and [keys] refresh", "the key p"]),
    ({"refresh": "c"}, ["[keys] cause and [keys] refresh", "the phones view"]),
    ({"help": "/"}, ["[keys] help and [keys] search", "the key slash on the main screen"]),
    ({"quit": "x", "back": "x"}, ["[keys] back and [keys] quit", "the key x on the phones view"]),
    ({"search": "q"}, ["[keys] quit and [keys] search", "the key q on the main screen"]),
]  # fmt: skip


@pytest.mark.parametrize(("table", "words"), BAD, ids=[repr(t)[:60] for t, _ in BAD])
def test_bad_maps_say_which_key_and_why_in_one_line(table, words):
    with pytest.raises(ConfigError) as caught:
        parse_key_map(table, "/home/u/config.toml")
    message = str(caught.value)
    assert "\n" not in message and message.isprintable() and len(message) < 400, message
    assert "/home/u/config.toml" in message
    for word in words:
        assert word in message, message


def test_a_hostile_action_name_is_not_echoed_raw():
    for name in ("\x1b]0;pwned\x07", "x" * 5000, "ref\nresh"):
        with pytest.raises(ConfigError) as caught:
            parse_key_map({name: "r"}, "c.toml")
        message = str(caught.value)
        assert message.isprintable() and len(message) < 400 and "not an action" in message


def test_keys_must_be_a_table():
    with pytest.raises(ConfigError, match="'keys' must be a table, written \\[keys\\]"):
        parse_key_map("r", "c.toml")


def test_key_names_normalize_as_textual_names_them():
    assert [normalize_key(k) for k in ("?", "/", "+", "-", "E", "ctrl+R", "alt+ctrl+x")] == [
        "question_mark", "slash", "plus", "minus", "E", "ctrl+r", "alt+ctrl+x"
    ]  # fmt: skip
    with pytest.raises(ValueError):
        parse_keys("\udcff")  # a lone surrogate (bytes that were not UTF-8)


def test_show_keys_reads_back():
    for action in ACTIONS:
        assert parse_keys(show_keys(action.default)) == action.default
    for keys in (("comma",), ("q", "comma"), ("ctrl+r", "f5")):
        assert parse_keys(show_keys(keys)) == keys


def test_the_defaults_pass_their_own_checks():
    defaults = {action.name: show_keys(action.default) for action in ACTIONS}
    assert dict(parse_key_map(defaults, "c.toml")) == {a.name: a.default for a in ACTIONS}
    assert effective_keys({}) == {a.name: a.default for a in ACTIONS}
    assert set(ACTION_NAMES) >= {"refresh", "pause", "add", "delete", "phones", "failures", "events"}
    assert set(ACTION_NAMES) >= {"export", "sort", "help", "quit"}


def test_key_rows_say_where_each_key_came_from():
    rows = {name: (keys, source) for name, keys, source in key_rows({"refresh": ("ctrl+r",)}, "config.toml x")}
    assert rows["keys.refresh"] == ("ctrl+r", "config.toml x")
    assert rows["keys.help"] == ("?", "default")


def test_settings_read_keys_from_config_toml(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nrefresh = "ctrl+r"\nquit = "q,ctrl+q"\n')
    settings = load_settings(env={"USMS_TUI_CONFIG": str(config)}, home=tmp_path)
    assert dict(settings.key_map) == {"refresh": ("ctrl+r",), "quit": ("q", "ctrl+q")}
    assert settings.warnings == ()  # [keys] is a known table, not an unknown section
    config.write_text("[keys.refresh]\nkey = 'r'\n")
    with pytest.raises(ConfigError, match=r"^\[keys\] refresh \(.*config.toml\): must be a key name"):
        load_settings(env={"USMS_TUI_CONFIG": str(config)}, home=tmp_path)
    config.write_text("keys = 'r'\n")
    with pytest.raises(ConfigError, match="'keys' must be a table"):
        load_settings(env={"USMS_TUI_CONFIG": str(config)}, home=tmp_path)
