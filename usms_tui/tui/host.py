"""What screens need of the app they run in, typed: the real app or the tests' small host.

The phones and failures views run over :class:`~usms_tui.tui.app.UsmsApp` and, in their own
tests, over a small host app without a refresh cycle; that host has no status line.
"""

from __future__ import annotations

from typing import Any, Protocol, cast, runtime_checkable

from textual.app import App

from usms_tui.tui.widgets.status_bar import BarState


class StatusSource(Protocol):
    """An app that may have a status line."""

    def bar_state(self) -> BarState | None:
        """What the status line shows now; None where the host shows none."""


@runtime_checkable
class ShowsStatus(Protocol):
    """A screen with the status line, redrawn when pause, interval... change."""

    def update_status(self) -> None: ...


def host_status(app: App[Any]) -> BarState | None:
    """The status line's state from ``app`` (every host app implements :class:`StatusSource`)."""
    return cast(StatusSource, app).bar_state()
