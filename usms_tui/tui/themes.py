"""Which theme the app starts with, and keeping the one the user picks in the command palette.

At start the first of these wins: config.toml's ``theme`` (the user's standing choice), the
theme last picked with ctrl+p (kept in the UI's state file, never in config.toml), and a
theme that fits the terminal's colour depth. On a 16-colour terminal the default theme's
colours collapse to one grey, so there the ANSI themes are used: they draw with the
terminal's own palette. The depth is read from the environment the way terminals announce
it (``COLORTERM``, ``TERM``), by a pure function.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from textual.app import App
from textual.theme import Theme

from usms_tui.domain.text import safe
from usms_tui.store.ui_state import UiState, read_ui_state, write_ui_state


class Depth(StrEnum):
    """How many colours the terminal shows."""

    TRUECOLOR = "truecolor"
    COLORS_256 = "256"
    COLORS_16 = "16"
    NO_COLOR = "none"  #: the user asked for none (``NO_COLOR``)


#: ``TEXTUAL_COLOR_SYSTEM`` forces Textual's colour system; the theme follows it.
_FORCED = {"truecolor": Depth.TRUECOLOR, "256": Depth.COLORS_256, "standard": Depth.COLORS_16}
ANSI_DARK = "ansi-dark"
ANSI_LIGHT = "ansi-light"


def colour_depth(environ: Mapping[str, str]) -> Depth:
    """The terminal's colour depth as its environment announces it."""
    if "NO_COLOR" in environ:
        # Textual turns colour off when the variable is there at all, even empty: agree with it.
        return Depth.NO_COLOR
    forced = _FORCED.get(environ.get("TEXTUAL_COLOR_SYSTEM", "").strip().lower())
    if forced is not None:
        return forced
    if environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return Depth.TRUECOLOR
    term = environ.get("TERM", "").strip().lower()
    if term.endswith(("-direct", "-truecolor", "-24bit")):
        return Depth.TRUECOLOR
    if term.endswith("-256color"):
        return Depth.COLORS_256
    if not term and environ.get("WT_SESSION"):
        return Depth.TRUECOLOR  # Windows Terminal sets no TERM, and shows 24-bit colour
    return Depth.COLORS_16  # xterm, screen, linux, vt100...: 8 colours and their bright twins


def fitting_theme(environ: Mapping[str, str]) -> str | None:
    """The theme for a terminal with this environment: None (Textual's default, which 256
    colours still show well) from 256 colours up, else an ANSI theme, light on a light
    background (``COLORFGBG`` ending in 7 or 15, as rxvt-style terminals say)."""
    if colour_depth(environ) in (Depth.TRUECOLOR, Depth.COLORS_256):
        return None
    background = environ.get("COLORFGBG", "").rpartition(";")[2].strip()
    return ANSI_LIGHT if background in ("7", "15") else ANSI_DARK


def start_theme(app: App[Any], chosen: str | None, environ: Mapping[str, str], saved: str | None = None) -> None:
    """Use ``chosen`` (config.toml's ``theme``) when it exists (a warning when it does not),
    else ``saved`` (picked with ctrl+p last time) when it still exists, else the fitting one."""
    if chosen:
        if chosen in app.available_themes:
            app.theme = chosen
            return
        app.notify(f"unknown theme {chosen!r}; try ctrl+p → theme", severity="warning", markup=False)
    if saved and saved in app.available_themes:
        app.theme = saved  # a name gone from Textual since it was saved is ignored
        return
    fitting = fitting_theme(environ)
    if fitting is not None and fitting in app.available_themes:
        app.theme = fitting


def open_themes(app: App[Any], chosen: str | None, path: Path, environ: Mapping[str, str] | None) -> ThemeKeeper:
    """Start with the theme :func:`start_theme` picks (``environ``: default ``os.environ``) and
    keep the ones the user picks from now on in the state file at ``path``."""
    keeper = ThemeKeeper(app, path)
    start_theme(app, chosen, os.environ if environ is None else environ, None if chosen else keeper.load())
    keeper.watch()
    return keeper


class ThemeKeeper:
    """Keeps the theme the user picks in the UI's state file, so the next start uses it.

    Only a change away from the theme the app started with is written: a start never writes,
    so a state file that could not be read stays as it is until the user picks a theme.
    """

    def __init__(self, app: App[Any], path: Path) -> None:
        self._app = app
        self.path = path
        self._current: str | None = None
        self._failed = False

    def load(self) -> str | None:
        """The saved theme's name (None: none saved, or a notice said why it was ignored)."""
        state, problem = read_ui_state(self.path)
        if problem is not None:
            self._app.notify(f"saved theme ignored: {safe(problem)}", severity="warning", timeout=6, markup=False)
        return state.theme

    def watch(self) -> None:
        """From now on, a theme change is the user's: write it."""
        self._current = self._app.theme
        self._app.theme_changed_signal.subscribe(self._app, self._changed)

    def _changed(self, theme: Theme) -> None:
        if theme.name == self._current:
            return  # the start's own change, published after it
        self._current = theme.name
        try:
            write_ui_state(self.path, UiState(theme=theme.name))
        except OSError as error:
            if not self._failed:  # said once, not at every pick
                self._failed = True
                reason = safe(error.strerror or str(error))
                self._app.notify(f"the theme cannot be kept for the next start: {reason}", severity="warning",
                                 timeout=6, markup=False)  # fmt: skip


__all__ = [
    "ANSI_DARK",
    "ANSI_LIGHT",
    "Depth",
    "ThemeKeeper",
    "colour_depth",
    "fitting_theme",
    "open_themes",
    "start_theme",
]
