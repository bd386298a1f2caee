"""Small helpers shared by the main-screen tests: its widgets, a cell, optional screens."""

from __future__ import annotations

import pytest

from usms_tui.tui.screens.main import MainScreen
from usms_tui.tui.widgets.advice_line import AdviceLine
from usms_tui.tui.widgets.phone_pane import PhonePane
from usms_tui.tui.widgets.session_table import SessionTable

SIZE = (80, 24)


def needs(module: str) -> None:
    """Skip while a screen or module written alongside (by another helper) is not there yet."""
    pytest.importorskip(module)


def parts(app):
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen.query_one(SessionTable), screen.query_one(PhonePane), screen.query_one(AdviceLine)


def status_of(pane: PhonePane, phone: str) -> str:
    return pane.get_cell(phone, "status").plain


# -- pure helpers -----------------------------------------------------------------------
