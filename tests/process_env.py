"""The environment of a ``usms-tui`` run as a fresh process in a test: every file it reads
or writes under ``home``, nothing of the machine's own settings."""

from __future__ import annotations

from pathlib import Path


def isolated_env(home: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "USMS_TUI_WATCHLIST": str(home / "w.json"),
        "USMS_TUI_CACHE": str(home / "c.sqlite3"),
        "USMS_TUI_CONFIG": str(home / "c.toml"),
    }
