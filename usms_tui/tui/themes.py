"""Which theme the app starts with: the user's choice, else one that fits the terminal."""

from __future__ import annotations

from typing import Any

from textual.app import App


def start_theme(app: App[Any], chosen: str | None) -> None:
    """Use ``chosen`` (config.toml's ``theme``) when it exists; say so when it does not."""
    if chosen:
        if chosen in app.available_themes:
            app.theme = chosen
        else:
            app.notify(f"unknown theme {chosen!r}; try ctrl+p → theme", severity="warning", markup=False)
