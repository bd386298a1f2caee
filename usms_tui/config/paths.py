"""Every file location usms-tui uses, from platformdirs plus environment overrides. Nothing else.

Functions take an ``env`` mapping (default ``os.environ``) so tests never touch the real home.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "usms-tui"

#: Environment variables that move files (documented in the README).
WATCHLIST_ENV = "USMS_TUI_WATCHLIST"
CONFIG_ENV = "USMS_TUI_CONFIG"
CACHE_ENV = "USMS_TUI_CACHE"
SHARED_CONFIG_ENV = "UCLOUD_SHARED_CONFIG_FILE"
SHARED_CREDENTIAL_ENV = "UCLOUD_SHARED_CREDENTIAL_FILE"


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def config_file(env: Mapping[str, str] | None = None) -> Path:
    """The app's own ``config.toml`` (``USMS_TUI_CONFIG`` moves it)."""
    override = _env(env).get(CONFIG_ENV)
    return Path(override).expanduser() if override else config_dir() / "config.toml"


def watchlist_file(env: Mapping[str, str] | None = None) -> Path:
    """The watchlist, the user's own data (``USMS_TUI_WATCHLIST`` or ``--watchlist`` move it)."""
    override = _env(env).get(WATCHLIST_ENV)
    return Path(override).expanduser() if override else data_dir() / "watchlist.json"


def cache_file(env: Mapping[str, str] | None = None) -> Path:
    """The receipt cache (sqlite). Disposable: deleting it loses nothing but history."""
    override = _env(env).get(CACHE_ENV)
    return Path(override).expanduser() if override else state_dir() / "receipts.sqlite3"


def ucloud_config_file(env: Mapping[str, str] | None = None) -> Path:
    """The ``ucloud`` CLI's ``~/.ucloud/config.json`` (``UCLOUD_SHARED_CONFIG_FILE`` moves it)."""
    override = _env(env).get(SHARED_CONFIG_ENV)
    return Path(override).expanduser() if override else Path.home() / ".ucloud" / "config.json"


def ucloud_credential_file(env: Mapping[str, str] | None = None) -> Path:
    """The ``ucloud`` CLI's ``~/.ucloud/credential.json`` (``UCLOUD_SHARED_CREDENTIAL_FILE`` moves it)."""
    override = _env(env).get(SHARED_CREDENTIAL_ENV)
    return Path(override).expanduser() if override else Path.home() / ".ucloud" / "credential.json"
