"""``[ui] mouse = false`` is the other spelling of ``[ui] no_mouse = true``; both given must agree."""

from __future__ import annotations

import argparse

import pytest

from usms_tui.config.settings import settings_from_args
from usms_tui.domain.errors import ConfigError

from .test_settings import World


@pytest.fixture
def world(tmp_path) -> World:
    return World(tmp_path)


@pytest.mark.parametrize(
    ("text", "no_mouse"),
    [
        ("", False),
        ("[ui]\nmouse = false\n", True),
        ("[ui]\nmouse = true\n", False),
        ("[ui]\nno_mouse = true\n", True),
        ("[ui]\nno_mouse = false\n", False),
        ("[ui]\nmouse = false\nno_mouse = true\n", True),  # the same thing twice: fine
        ("[ui]\nno_mouse = false\nmouse = true\n", False),
    ],
)
def test_both_spellings(world, text, no_mouse):
    world.toml(text)
    settings = world.load()
    assert settings.no_mouse is no_mouse
    assert not settings.warnings  # `mouse` is no unknown key
    if "mouse" in text:
        assert settings.sources["no_mouse"].startswith("config.toml")


@pytest.mark.parametrize("text", ["[ui]\nmouse = true\nno_mouse = true\n", "[ui]\nno_mouse = false\nmouse = false\n"])
def test_a_conflicting_pair_is_an_error_naming_both(world, text):
    world.toml(text)
    with pytest.raises(ConfigError) as caught:
        world.load()
    message = str(caught.value)
    assert "[ui] mouse" in message and "[ui] no_mouse" in message and "contradict" in message
    assert str(world.config) in message


@pytest.mark.parametrize("value", ['"no"', "0", '"false"'])
def test_mouse_takes_only_true_or_false(world, value):
    world.toml(f"[ui]\nmouse = {value}\n")
    with pytest.raises(ConfigError, match=r"\[ui\] mouse = .*not true or false"):
        world.load()


def test_the_flag_wins_over_mouse_true(world):
    world.toml("[ui]\nmouse = true\n")
    args = argparse.Namespace(no_mouse=True)
    assert settings_from_args(args, env=world.env, home=world.home, quiet=True).no_mouse is True
