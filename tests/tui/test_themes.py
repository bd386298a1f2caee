"""Themes: one that fits the terminal at start, statuses told apart in the ANSI themes and
under NO_COLOR, and the theme picked in ctrl+p kept for the next start (not in config.toml)."""

from __future__ import annotations

import json

import pytest
from textual.command import CommandPalette

from usms_tui.store.ui_state import read_ui_state
from usms_tui.tui.widgets.session_table import SessionTable

from .conftest import make_test_app, settle
from .screen_parts import SIZE

STATUSES = ("-delivered", "-failed", "-unknown", "-pending", "-other")


def _notices(app, text: str) -> list[str]:
    return [n.message for n in app._notifications if text in n.message]


@pytest.mark.parametrize(
    ("environ", "theme"),
    [
        ({"TERM": "xterm"}, "ansi-dark"),
        ({"TERM": "screen"}, "ansi-dark"),
        ({"TERM": "xterm", "COLORFGBG": "0;15"}, "ansi-light"),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, "textual-dark"),
        ({"TERM": "xterm-256color"}, "textual-dark"),
    ],
)
async def test_the_start_theme_fits_the_terminal(tmp_path, environ, theme):
    app = make_test_app(tmp_path, environ=environ)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == theme
    assert not (tmp_path / "ui-state.json").exists()  # a start writes nothing


@pytest.mark.parametrize("environ", [{"TERM": "xterm"}, {"TERM": "xterm", "COLORFGBG": "0;15"}])
async def test_ansi_themes_give_every_status_its_own_colour(tmp_path, environ):
    app = make_test_app(tmp_path, environ=environ)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(SessionTable)
        colours = {status: table.style_for(status).color for status in STATUSES}
        assert colours["-other"] != colours["-delivered"]  # the ANSI accent is delivered's green
        assert len(set(colours.values())) == len(STATUSES), colours
        assert all(colour is not None and colour.number is not None for colour in colours.values())  # ANSI


@pytest.mark.parametrize("environ", [{"NO_COLOR": "1"}, {"NO_COLOR": "1", "COLORTERM": "truecolor"}])
async def test_no_color_draws_failures_stronger_than_zeros(tmp_path, monkeypatch, environ):
    monkeypatch.setenv("NO_COLOR", "1")  # Textual's own filter reads the process's environment
    app = make_test_app(tmp_path, environ=environ)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.no_color
        table = app.screen.query_one(SessionTable)
        failed, zero = table.style_for("-failed"), table.style_for("-dim")
        assert failed.bold and failed.reverse and not failed.dim
        assert zero.dim and not zero.bold and not zero.reverse
        # The cells drawn: a session's failed count (not zero) and a zero count.
        row = next(key for key in table.keys if table.cell(key, "failed")[0] not in ("0", ""))
        assert table.style_for(table.cell(row, "failed")[1]) == failed
        zeros = [table.cell(key, column) for key in table.keys for column in ("failed", "unknown")]
        assert any(text == "0" and table.style_for(css) == zero for text, css in zeros)


async def _pick_theme(pilot, name: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*"theme")
    await pilot.pause()
    await pilot.press("enter")  # "Theme": the palette of themes
    await pilot.pause()
    await pilot.press(*name)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()


async def test_theme_picked_in_the_palette_is_kept_for_the_next_start(tmp_path):
    state = tmp_path / "state" / "ui-state.json"
    first = make_test_app(tmp_path / "a", settings={"state_path": state})
    async with first.run_test(size=SIZE) as pilot:
        await settle(first, pilot)
        await _pick_theme(pilot, "nord")
        assert first.theme == "nord"
    assert json.loads(state.read_text()) == {"theme": "nord"}
    assert not (tmp_path / "a" / "config.toml").exists()  # never in the user's config

    # The next start uses it, even on a 16-colour terminal.
    second = make_test_app(tmp_path / "b", settings={"state_path": state}, environ={"TERM": "xterm"})
    async with second.run_test(size=SIZE) as pilot:
        await settle(second, pilot)
        assert second.theme == "nord"

    # config.toml's theme wins over the saved one, and the saved one is kept.
    third = make_test_app(tmp_path / "c", settings={"state_path": state, "theme": "dracula"})
    async with third.run_test(size=SIZE) as pilot:
        await settle(third, pilot)
        assert third.theme == "dracula"
    assert read_ui_state(state)[0].theme == "nord"


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00binary", b"[" * 30_000 + b"]" * 30_000, b'{"theme": "' + b"x" * (10 * 1024 * 1024) + b'"}'],
    ids=["invalid-utf8", "deep-nesting", "10MB"],
)
async def test_a_corrupt_state_file_is_one_notice_and_kept_until_a_theme_is_picked(tmp_path, content):
    state = tmp_path / "ui-state.json"
    state.write_bytes(content)
    app = make_test_app(tmp_path, environ={"TERM": "xterm"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "ansi-dark"  # the colour depth decides instead
        notices = _notices(app, "saved theme ignored")
        assert len(notices) == 1 and "\n" not in notices[0] and len(notices[0]) < 300
        for _ in range(2):
            await pilot.press("r")
            await settle(app, pilot)
        assert len(_notices(app, "saved theme ignored")) == 1
        assert state.read_bytes() == content  # never rewritten by a start or a refresh
        await _pick_theme(pilot, "gruvbox")
        assert app.theme == "gruvbox"
    assert json.loads(state.read_text()) == {"theme": "gruvbox"}


async def test_a_folder_where_the_state_file_goes(tmp_path):
    state = tmp_path / "ui-state.json"
    state.mkdir()
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert len(_notices(app, "saved theme ignored")) == 1
        await _pick_theme(pilot, "nord")  # cannot be written: said once, no traceback
        await _pick_theme(pilot, "gruvbox")
        assert app.theme == "gruvbox"
        assert len(_notices(app, "cannot be kept")) == 1
    assert state.is_dir()


async def test_an_unknown_saved_theme_is_ignored(tmp_path):
    (tmp_path / "ui-state.json").write_text('{"theme": "gone-since-an-upgrade"}')
    app = make_test_app(tmp_path, environ={"TERM": "screen"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "ansi-dark"
        assert not _notices(app, "theme")
