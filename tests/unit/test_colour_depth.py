"""The start theme from the terminal's environment: a pure function over TERM, COLORTERM, NO_COLOR."""

from __future__ import annotations

import pytest

from usms_tui.tui.themes import ANSI_DARK, ANSI_LIGHT, Depth, colour_depth, fitting_theme

CASES = [
    # environment, depth, theme (None: Textual's default)
    ({"TERM": "xterm"}, Depth.COLORS_16, ANSI_DARK),
    ({"TERM": "screen"}, Depth.COLORS_16, ANSI_DARK),
    ({"TERM": "linux"}, Depth.COLORS_16, ANSI_DARK),
    ({"TERM": "vt100"}, Depth.COLORS_16, ANSI_DARK),
    ({}, Depth.COLORS_16, ANSI_DARK),
    ({"TERM": "xterm", "COLORTERM": ""}, Depth.COLORS_16, ANSI_DARK),
    ({"TERM": "xterm", "COLORTERM": "yes"}, Depth.COLORS_16, ANSI_DARK),  # neither truecolor nor 24bit
    ({"TERM": "xterm-256color"}, Depth.COLORS_256, None),
    ({"TERM": "screen-256color"}, Depth.COLORS_256, None),
    ({"TERM": "tmux-256color"}, Depth.COLORS_256, None),
    ({"TERM": "xterm", "COLORTERM": "truecolor"}, Depth.TRUECOLOR, None),
    ({"TERM": "screen", "COLORTERM": "24bit"}, Depth.TRUECOLOR, None),
    ({"TERM": "xterm-256color", "COLORTERM": " TrueColor "}, Depth.TRUECOLOR, None),
    ({"TERM": "xterm-direct"}, Depth.TRUECOLOR, None),
    ({"WT_SESSION": "1234"}, Depth.TRUECOLOR, None),  # Windows Terminal: no TERM
    ({"TERM": "xterm", "WT_SESSION": "1234"}, Depth.COLORS_16, ANSI_DARK),  # a TERM says more
    ({"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "truecolor"}, Depth.TRUECOLOR, None),
    ({"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "standard"}, Depth.COLORS_16, ANSI_DARK),
    ({"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "auto"}, Depth.COLORS_16, ANSI_DARK),
    # NO_COLOR wins over every depth, even empty (as Textual, which then draws in greys).
    ({"TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "1"}, Depth.NO_COLOR, ANSI_DARK),
    ({"TERM": "xterm", "NO_COLOR": ""}, Depth.NO_COLOR, ANSI_DARK),
    # A light background (rxvt's COLORFGBG) gets the light ANSI theme.
    ({"TERM": "xterm", "COLORFGBG": "0;15"}, Depth.COLORS_16, ANSI_LIGHT),
    ({"TERM": "rxvt", "COLORFGBG": "0;default;7"}, Depth.COLORS_16, ANSI_LIGHT),
    ({"TERM": "xterm", "COLORFGBG": "15;0"}, Depth.COLORS_16, ANSI_DARK),
    ({"TERM": "xterm-256color", "COLORFGBG": "0;15"}, Depth.COLORS_256, None),
]


@pytest.mark.parametrize(("environ", "depth", "theme"), CASES)
def test_colour_depth_and_theme(environ, depth, theme):
    assert colour_depth(environ) is depth
    assert fitting_theme(environ) == theme


def test_every_fitting_theme_is_one_of_textuals():
    from textual.theme import BUILTIN_THEMES

    assert {ANSI_DARK, ANSI_LIGHT} <= set(BUILTIN_THEMES)
