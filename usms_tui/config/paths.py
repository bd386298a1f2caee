"""Every file location usms-tui uses by default, from platformdirs. Nothing else.

The app's own files are moved by settings (flags, environment, config.toml: see
:mod:`usms_tui.config.table`); the ``ucloud`` CLI's files by its own two variables, here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from usms_tui.domain.errors import ConfigError

APP_NAME = "usms-tui"

#: The ucloud CLI's variables that move its config.json and credential.json.
SHARED_CONFIG_ENV = "UCLOUD_SHARED_CONFIG_FILE"
SHARED_CREDENTIAL_ENV = "UCLOUD_SHARED_CREDENTIAL_FILE"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The app's own ``config.toml``."""
    return config_dir() / "config.toml"


def watchlist_file() -> Path:
    """The watchlist, the user's own data."""
    return data_dir() / "watchlist.json"


def cache_file() -> Path:
    """The receipt cache (sqlite). Disposable: deleting it loses nothing but history."""
    return state_dir() / "receipts.sqlite3"


def ui_state_file() -> Path:
    """What the UI keeps between starts (the theme picked in ctrl+p). Disposable."""
    return state_dir() / "ui-state.json"


def expand_home(path: str | Path) -> Path:
    """``path`` with a leading ``~`` or ``~user`` expanded. Raises ``ValueError`` (not the
    ``RuntimeError`` of ``Path.expanduser``) when there is no such user or no home."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        raise ValueError(f"{str(path).split('/')[0]!r}: no such user, so it cannot be expanded") from None


def _shared_file(env: Mapping[str, str] | None, variable: str, home: Path | None, name: str) -> Path:
    override = (os.environ if env is None else env).get(variable, "").strip()
    if not override:
        return (home or Path.home()) / ".ucloud" / name
    try:
        return expand_home(override)
    except ValueError as error:
        raise ConfigError(f"{variable}: {error}") from None


def ucloud_config_file(env: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """The ``ucloud`` CLI's ``~/.ucloud/config.json`` (``UCLOUD_SHARED_CONFIG_FILE`` moves it)."""
    return _shared_file(env, SHARED_CONFIG_ENV, home, "config.json")


def ucloud_credential_file(env: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """The ``ucloud`` CLI's ``~/.ucloud/credential.json`` (``UCLOUD_SHARED_CREDENTIAL_FILE`` moves it)."""
    return _shared_file(env, SHARED_CREDENTIAL_ENV, home, "credential.json")
