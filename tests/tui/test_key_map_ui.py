"""config.toml's ``[keys]`` in the UI: a moved key runs its action on every screen, the old key
no longer does, and the footer, help and command palette show the new key.

Also holds the bindings to the action catalogue the config layer checks maps against
(``usms_tui.config.keys``), and that catalogue's key names and reserved keys to Textual's.
"""

from __future__ import annotations

import pytest
from textual.app import App
from textual.containers import VerticalScroll
from textual.keys import Keys, _character_to_key, key_to_character
from textual.screen import Screen

from usms_tui.config import keys as key_config
from usms_tui.config.keys import ACTION_NAMES, ACTIONS, APP, RESERVED, parse_key_map
from usms_tui.simulator import Fault
from usms_tui.tui.app import UsmsApp
from usms_tui.tui.navigation import binding_commands
from usms_tui.tui.screens.events import EventsScreen
from usms_tui.tui.screens.failures import FailuresScreen
from usms_tui.tui.screens.help import HelpScreen
from usms_tui.tui.screens.main import MainScreen
from usms_tui.tui.screens.phones import PhonesScreen
from usms_tui.tui.screens.session_detail import SessionDetailScreen
from usms_tui.tui.widgets.keyed_table import KeyedTable
from usms_tui.tui.widgets.virtual_table import VirtualTable

from .conftest import make_test_app, screen_text, settle
from .screen_parts import SIZE

VIEW_CLASSES = {
    APP: UsmsApp,
    "main": MainScreen,
    "phones": PhonesScreen,
    "failures": FailuresScreen,
    "events": EventsScreen,
    "session": SessionDetailScreen,
    "help": HelpScreen,
}


def own_bindings(cls):
    """The bindings the class and its bases in this package define (Textual's own App and
    Screen keys, ctrl+q, tab, ctrl+c, are not ours to name)."""
    base = App if cls is UsmsApp else Screen
    textual = {(key, binding.action) for key, binding in base._merged_bindings}
    return [binding for key, binding in cls._merged_bindings if (key, binding.action) not in textual]


def test_assumed_views_are_every_view():
    assert set(VIEW_CLASSES) == {APP, *key_config.VIEWS}


@pytest.mark.parametrize("view", list(VIEW_CLASSES))
def test_every_binding_id_is_an_action_bound_where_the_catalogue_says(view):
    cls = VIEW_CLASSES[view]
    ids = {}
    for binding in own_bindings(cls):
        if binding.id is None:
            # A key without an action name must be one no map may take (Esc, Enter).
            assert binding.key in RESERVED, (view, binding.key, binding.action)
            continue
        action = ACTION_NAMES[binding.id]
        assert binding.key in action.default and view in action.views, (view, binding.id)
        ids[binding.id] = binding.key
    expected = {action.name for action in ACTIONS if view in action.views}
    assert set(ids) == expected


def test_key_names_follow_textuals():
    characters = [chr(code) for code in range(33, 127)] + ["é", "中", "§"]
    for character in characters:
        assert key_config.character_key(character) == _character_to_key(character), character
    for name in ("question_mark", "left_square_bracket", "exclamation_mark"):
        assert key_to_character(name) is not None, name
    textual_names = {key.value for key in Keys}
    assert textual_names >= key_config._NAMED


def test_the_keys_widgets_rely_on_are_reserved():
    widget_keys = set()
    for cls in (KeyedTable, VirtualTable, VerticalScroll, Screen, App):
        widget_keys |= {key for key, _binding in cls._merged_bindings}
    assert widget_keys <= set(RESERVED) | {"ctrl+pageup", "ctrl+pagedown"}


def key_map(**table: str):
    return parse_key_map(table, "config.toml")


def footer(app) -> str:
    return " ".join(screen_text(app).splitlines()[-2:])


async def test_a_moved_key_runs_its_action_and_the_old_key_does_not(tmp_path):
    app = make_test_app(tmp_path, settings={"key_map": key_map(pause="x", phones="P", help="f1")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = footer(app)
        assert "x pause" in shown and "P phones" in shown and "f1 help" in shown
        assert "p pause" not in shown and "v phones" not in shown and "? help" not in shown
        await pilot.press("p")
        await pilot.pause()
        assert not app.controller.paused
        await pilot.press("x")
        await pilot.pause()
        assert app.controller.paused
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        offered = [str(command.title) for command in binding_commands(app, app.screen)]
        assert "pause (x)" in offered and "phones (P)" in offered and "pause (p)" not in offered
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, PhonesScreen)
        # App keys are moved on every screen, not only the one they were read on.
        assert "x pause" in footer(app)
        await pilot.press("x")
        await pilot.pause()
        assert not app.controller.paused
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body").render())
        # Help lists the moved keys, for the screens beneath and the views not open too.
        assert "x" in _help_row(text, "pause") and "P" in _help_row(text, "phones")
        await pilot.press("f1")  # the help key closes help too
        await pilot.pause()
        assert isinstance(app.screen, PhonesScreen)


def _help_row(text: str, description: str) -> str:
    rows = [line.strip() for line in text.splitlines() if line.strip().endswith(f" {description}")]
    assert rows, description
    return rows[0].split()[0]


async def test_moved_back_and_quit_on_a_view(tmp_path):
    app = make_test_app(tmp_path, settings={"key_map": key_map(back="b", quit="Q,ctrl+q")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Q quit" in footer(app) and " q quit" not in footer(app)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, PhonesScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, PhonesScreen) and app.is_running
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("Q")
        await pilot.pause()
        assert not app.is_running


async def test_the_interval_keys_stay_one_footer_item(tmp_path):
    app = make_test_app(tmp_path, settings={"key_map": key_map(longer_interval="]", shorter_interval="[")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "]/[ interval" in footer(app)
        before = app.controller.interval
        await pilot.press("plus")
        await pilot.pause()
        assert app.controller.interval == before
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.controller.interval > before


async def test_defaults_show_as_before(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = footer(app)
        for item in ("a add", "/ filter", "r refresh", "+/- interval", "? help", "q quit"):
            assert item in shown
        # The footer keeps the order of BINDINGS (Textual's own ctrl+q quit comes first there).
        assert shown.index("r refresh") < shown.index("q quit")


async def test_a_search_key_moved_to_a_letter_still_types_that_letter_in_the_field(tmp_path):
    app = make_test_app(tmp_path, settings={"key_map": key_map(search="g")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "g filter" in footer(app)
        await pilot.press("g", "b", "g", "slash")
        await pilot.pause()
        assert app.screen.query_one("#filter").value == "bg/"


async def test_read_only_still_hides_a_moved_add_key(tmp_path):
    app = make_test_app(tmp_path, settings={"read_only": True, "key_map": key_map(add="n", delete="D")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert " add" not in footer(app) and " delete" not in footer(app)
        for key in ("n", "D", "a"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
        offered = " ".join(str(command.title) for command in binding_commands(app, app.screen))
        assert "add" not in offered and "delete" not in offered


async def test_hints_name_the_moved_key(tmp_path):
    app = make_test_app(tmp_path, settings={"key_map": key_map(pause="x", copy="Y")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        assert "paused (x)" in screen_text(app)
        assert "paused: no requests until x" in [note.message for note in app._notifications]
        await pilot.press("question_mark")
        await pilot.pause()
        body = str(app.screen.query_one("#help-body").render())
        assert "press Y on a session to copy it" in " ".join(body.split())


async def test_ctrl_q_listed_for_quit_still_quits_from_help(tmp_path):
    # Textual's own ctrl+q quits with priority, so also from help and dialogs; listing it
    # in [keys] must not swap it for a binding those never see.
    app = make_test_app(tmp_path, settings={"key_map": key_map(quit="q,ctrl+q")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_help_moved_to_a_letter_closes_help_instead_of_searching(tmp_path):
    app = make_test_app(tmp_path, settings={"key_map": key_map(help="h")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_a_stop_says_the_moved_refresh_key(tmp_path):
    app = make_test_app(tmp_path, settings={"key_map": key_map(refresh="f5")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.rig.sim.add_fault(Fault.RET171, 1.0)
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.controller.stopped is not None
        assert "■ stopped (f5)" in screen_text(app)  # "press f5" would not fit the slot
        assert any(note.message.endswith("fix it, then press f5") for note in app._notifications)
        app.rig.sim.clear_faults()
        await pilot.press("r")
        await settle(app, pilot)
        assert app.controller.stopped is not None  # r is no longer the key
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.controller.stopped is None
