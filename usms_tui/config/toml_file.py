"""The app's own ``config.toml``: every key optional, read with :mod:`tomllib`.

Format (``usms-tui config example`` prints this; ``usms-tui config path`` says where it lives)::

    [ucloud]
    public_key = "..."          # a key here makes the file a secret: chmod 600
    private_key = "..."
    project_id = "org-xxxxxx"
    region = "cn-sh2"
    zone = "cn-sh2-02"
    base_url = "https://api.ucloud.cn"
    timeout = "15s"             # seconds: a number or a duration like "15s"
    allow_http = false          # allow plain http:// to a non-loopback host
    profile = "default"         # which ~/.ucloud profile to read

    [api]
    batch_size = 100            # SessionNos per request, 1..100
    concurrency = 4             # requests in flight, 1..16

    [ui]
    interval = "30s"            # refresh interval, at least 1s
    warn_after = "12h"          # flag a message with no final receipt after this long
    bell = false                # ring the terminal bell on new failures
    theme = "textual-dark"
    mask_phones = true          # show 138****5678 instead of full numbers

    [paths]
    watchlist = "~/watch.json"  # relative paths are relative to this file's folder
    cache = "~/receipts.sqlite3"

Durations accept a number of seconds or ``90s``, ``10m``, ``12h``, ``3d``, ``1h30m``.
Unknown keys are reported as warnings (a typo should not silently do nothing).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from usms_tui.domain.errors import ConfigError

EXAMPLE = """\
# usms-tui config.toml: every key is optional; flags and UCLOUD_* env vars win over it.
[ucloud]
# public_key = "..."        # if you put keys here: chmod 600 this file
# private_key = "..."
# project_id = "org-xxxxxx"
# region = "cn-sh2"
# zone = "cn-sh2-02"
base_url = "https://api.ucloud.cn"
timeout = "15s"
allow_http = false
# profile = "default"       # which ~/.ucloud profile to read

[api]
batch_size = 100
concurrency = 4

[ui]
interval = "30s"
warn_after = "12h"
bell = false
# theme = "textual-dark"
mask_phones = true

[paths]
# watchlist = "~/usms/watchlist.json"
# cache = "~/usms/receipts.sqlite3"
"""

#: section -> key in the file -> Settings field it sets.
KEYS: dict[str, dict[str, str]] = {
    "ucloud": {
        name: name
        for name in (
            "public_key",
            "private_key",
            "project_id",
            "region",
            "zone",
            "base_url",
            "timeout",
            "allow_http",
            "profile",
        )
    },
    "api": {"batch_size": "batch_size", "concurrency": "concurrency"},
    "ui": {name: name for name in ("interval", "warn_after", "bell", "theme", "mask_phones")},
    "paths": {"watchlist": "watchlist_path", "cache": "cache_path"},
}

# tomllib quotes the offending character in two messages; it could be part of a secret.
_QUOTED_CHAR = re.compile(r"((?:Found invalid|Illegal) character) \S+")


def permission_warning(path: Path, what: str) -> str | None:
    """An ssh-style warning when ``path`` (holding a secret) is open to group or others."""
    if os.name != "posix":  # Windows ACLs are not expressed in st_mode
        return None
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if mode & 0o077 == 0:
        return None
    return (
        f"warning: permissions {mode:04o} for {str(path)!r} are too open: it holds {what} "
        f"and is accessible by group or others; run: chmod 600 {path}"
    )


def read_config_toml(path: Path, *, required: bool = False) -> tuple[dict[str, tuple[Any, str]], list[str]]:
    """Read ``config.toml`` -> ({field: (value, "[section] key")}, warnings).

    A missing file is empty unless ``required`` (the user named it with ``--config``).
    A corrupt or unreadable file is a :class:`ConfigError` naming the path and the problem.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ConfigError(f"config file {path} (--config) does not exist") from None
        return {}, []
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory, not a TOML file") from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror or error}") from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"config file {path} is not UTF-8 text (byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        message = _QUOTED_CHAR.sub(r"\1", str(error))
        raise ConfigError(f"config file {path} is not valid TOML: {message}") from None

    values: dict[str, tuple[Any, str]] = {}
    warnings: list[str] = []
    for section, table in document.items():
        known = KEYS.get(section)
        if known is None:
            warnings.append(f"warning: unknown section or key {section!r} in {path} (ignored)")
            continue
        if not isinstance(table, dict):
            raise ConfigError(f"config file {path}: {section!r} must be a table, written [{section}]")
        for key, value in table.items():
            field = known.get(key)
            if field is None:
                warnings.append(f"warning: unknown key [{section}] {key!r} in {path} (ignored)")
                continue
            if field.endswith("_path") and isinstance(value, str) and value.strip():
                # Relative paths follow the config file, not the current directory.
                value = str(path.parent / Path(value.strip()).expanduser())
            values[field] = (value, f"[{section}] {key}")
    if "private_key" in values:
        warning = permission_warning(path, "a private key")
        if warning:
            warnings.append(warning)
    return values, warnings
