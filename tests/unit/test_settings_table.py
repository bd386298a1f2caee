"""The settings table is the only spelling: every flag, variable, TOML key and field follows it."""

from __future__ import annotations

import argparse
import dataclasses
import json
import tomllib
from pathlib import Path

import pytest

from usms_tui.cli import config as config_cmd
from usms_tui.cli.main import build_parser
from usms_tui.config import ucloud_profile
from usms_tui.config.keys import ACTION_NAMES, ACTIONS, parse_key_map
from usms_tui.config.settings import Settings, load_settings, settings_from_args
from usms_tui.config.table import SETTINGS, TABLE, Setting, toml_keys
from usms_tui.config.toml_file import example_text

FLAGGED = [setting for setting in TABLE if setting.flag]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def all_parsers() -> list[tuple[str | None, argparse.ArgumentParser]]:
    """(command, parser) for the top level (None), every command and every action under one."""
    top = build_parser()
    found: list[tuple[str | None, argparse.ArgumentParser]] = [(None, top)]
    for name, parser in _subparsers(top).items():
        found.append((name, parser))
        found += [(name, nested) for nested in _subparsers(parser).values()]
    return found


def test_every_flag_of_a_setting_is_defined_exactly_where_the_table_says():
    parsers = all_parsers()
    commands = {name for name, _ in parsers if name}
    for setting in FLAGGED:
        assert set(setting.commands or ()) | set(setting.shadowed_by) <= commands, setting.name
        defined_somewhere = False
        for command, parser in parsers:
            options = {option: action for action in parser._actions for option in action.option_strings}
            if setting.takes_flag(command):
                assert options[setting.flag].dest == setting.attribute, (command, setting.flag)
                defined_somewhere = True
            elif command in setting.shadowed_by:
                assert options[setting.flag].dest != setting.attribute, (command, setting.flag)
            else:
                assert setting.flag not in options, (command, setting.flag)
        assert defined_somewhere, setting.flag


def test_every_option_storing_under_a_settings_name_is_that_settings_flag():
    attributes = {setting.attribute: setting for setting in FLAGGED}
    for command, parser in all_parsers():
        for action in parser._actions:
            if action.dest in attributes:
                assert action.option_strings == [attributes[action.dest].flag], (command, action.option_strings)


def test_wait_keeps_its_deadline_and_the_http_timeout_stays_common():
    assert SETTINGS["timeout"].shadowed_by == ("wait",)
    wait = build_parser().parse_args(["wait", "--timeout", "10m", "--interval", "5s"])
    assert (wait.wait_timeout, wait.interval) == ("10m", "5s") and not hasattr(wait, "timeout")
    # Before the command name, --timeout is the common HTTP timeout, for wait too.
    assert build_parser().parse_args(["--timeout", "5", "wait"]).timeout == "5"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["check", "--interval", "5s"])


def test_secrets_have_no_flag():
    # A flag's value is visible to every user of the machine in the process list.
    assert [setting.name for setting in TABLE if setting.secret and setting.flag] == []


def test_settings_fields_are_the_table_with_its_defaults():
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    table_fields = [name for name in fields if name in SETTINGS]
    assert table_fields == [setting.name for setting in TABLE]
    bare = Settings()
    for setting in TABLE:
        assert getattr(bare, setting.name) == setting.default_value(), setting.name
        assert fields[setting.name].repr is not setting.secret
    others = set(fields) - set(SETTINGS)
    assert others == {
        "sources", "warnings", "ucloud_config_path", "ucloud_credential_path", "profile_problem", "key_map"
    }  # fmt: skip


def test_the_ucloud_profile_keys_set_settings_of_the_table():
    assert set(ucloud_profile.CONFIG_KEYS.values()) | set(ucloud_profile.CREDENTIAL_KEYS.values()) <= set(SETTINGS)


class World:
    """An empty home with one ucloud profile named 'default' and an existing, empty config.toml."""

    def __init__(self, tmp_path: Path) -> None:
        self.home = tmp_path / "home"
        (self.home / ".ucloud").mkdir(parents=True)
        (self.home / ".ucloud" / "config.json").write_text(json.dumps([{"profile": "default"}]))
        # A profile is usable only with a credential entry too, as the ucloud CLI has it.
        (self.home / ".ucloud" / "credential.json").write_text(json.dumps([{"profile": "default"}]))
        (self.home / ".ucloud" / "credential.json").chmod(0o600)
        self.config = tmp_path / "config.toml"
        self.config.write_text("")
        self.config.chmod(0o600)  # it may hold the private key
        self.env = {"USMS_TUI_CONFIG": str(self.config)}

    def sample(self, setting: Setting) -> str:
        """A valid value as text (for a flag or a variable)."""
        if setting.name == "config_path":
            return str(self.config)
        if setting.example is not None:
            return setting.example
        return setting.kind.show(setting.default_value())


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


@pytest.mark.parametrize(
    ("command", "setting"),
    [(command, s) for s in FLAGGED for command in (None, *(s.commands or ["check"])) if s.takes_flag(command)],
    ids=lambda value: value.flag if isinstance(value, Setting) else str(value),
)
def test_each_flag_sets_its_setting(world, command, setting):
    value = [] if setting.kind.switch else [world.sample(setting)]
    argv = [setting.flag, *value, command or "check"] if command is None else [command, setting.flag, *value]
    args = build_parser().parse_args(argv)
    settings = settings_from_args(args, env=world.env, home=world.home, quiet=True)
    expected = True if setting.kind.switch else setting.kind.parse(value[0])
    assert getattr(settings, setting.name) == expected
    assert settings.sources[setting.name] == f"flag {setting.flag}"


@pytest.mark.parametrize("setting", [s for s in TABLE if s.env], ids=lambda s: s.env)
def test_each_variable_sets_its_setting(world, setting):
    settings = load_settings(env={**world.env, setting.env: world.sample(setting)}, home=world.home)
    assert getattr(settings, setting.name) == setting.kind.parse(world.sample(setting))
    assert settings.sources[setting.name] == f"env {setting.env}"


@pytest.mark.parametrize("setting", [s for s in TABLE if s.toml], ids=lambda s: s.toml)
def test_each_toml_key_sets_its_setting(world, setting):
    value = setting.kind.parse(world.sample(setting))
    world.config.write_text(f"[{setting.section}]\n{setting.key} = {setting.kind.toml(value)}\n")
    settings = load_settings(env=world.env, home=world.home)
    assert getattr(settings, setting.name) == value and settings.warnings == ()
    assert settings.sources[setting.name] == f"config.toml {world.config}"


def test_the_example_lists_every_key_and_its_uncommented_values_are_the_defaults(world):
    assert [s.name for s in TABLE if s.toml and s.default is None and not s.example] == []
    text = example_text()
    uncommented = tomllib.loads(text)
    commented = tomllib.loads("\n".join(line.removeprefix("# ") for line in text.splitlines()[2:]))
    assert {section: set(keys) for section, keys in commented.items()} == {
        **{section: set(keys) for section, keys in toml_keys().items()},
        "keys": set(ACTION_NAMES),  # [keys]: every action, at its default
    }
    assert parse_key_map(commented["keys"], "example") == {a.name: a.default for a in ACTIONS}
    assert uncommented["keys"] == {}
    for section, keys in uncommented.items():
        for key, value in keys.items():
            setting = toml_keys()[section][key]
            assert setting.kind.parse(value) == setting.default_value(), setting.name
    world.config.write_text(text)
    loaded = load_settings(env=world.env, home=world.home)
    assert loaded.warnings == ()
    for setting in TABLE:
        if setting.name not in ("config_path", "profile"):
            assert getattr(loaded, setting.name) == setting.default_value(), setting.name


def test_config_show_lists_the_table_in_order_with_secrets_masked(world, monkeypatch, capsys):
    for name, value in {**world.env, "HOME": str(world.home), "UCLOUD_PRIVATE_KEY": "k" * 40}.items():
        monkeypatch.setenv(name, value)
    assert config_cmd.run_show(argparse.Namespace(json=True)) == 0
    shown = json.loads(capsys.readouterr().out)["settings"]
    assert list(shown) == [setting.name for setting in TABLE]
    assert shown["private_key"] == {"value": "set (hidden)", "source": "env UCLOUD_PRIVATE_KEY"}
