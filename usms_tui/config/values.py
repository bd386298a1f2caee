"""Turning raw setting values (text from env and flags, typed values from TOML/JSON) into typed ones.

Each converter raises ``ValueError(problem)`` where ``problem`` says what is allowed and never
repeats the value; :func:`convert` adds which setting, from where, and the value (except for
the private key, which is never repeated).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usms_tui.domain.errors import ConfigError
from usms_tui.domain.timefmt import parse_duration


@dataclass(frozen=True)
class Raw:
    """One candidate value and where it came from."""

    value: Any
    source: str = ""  #: for ``Settings.sources``, e.g. ``env UCLOUD_REGION``
    name: str = ""  #: the setting as the user wrote it, e.g. ``UCLOUD_REGION`` or ``[ui] interval``
    origin: str = ""  #: where, e.g. ``env``, ``flag`` or a file path


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text (a quoted string)")
    return value.strip()


def _seconds(minimum: float, problem: str) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool):
            raise ValueError(problem)
        try:
            seconds = parse_duration(value)
        except (TypeError, ValueError):
            raise ValueError(problem) from None
        if not math.isfinite(seconds) or seconds <= 0 or seconds < minimum:
            raise ValueError(problem)
        return seconds

    return parse


def _whole(low: int, high: int) -> Callable[[Any], int]:
    problem = f"not a whole number from {low} to {high}"

    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError(problem)
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            value = int(value)
        if not isinstance(value, int) or not low <= value <= high:
            raise ValueError(problem)
        return value

    return parse


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _switch(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("not true or false")


def _path(value: Any) -> Path:
    if isinstance(value, Path):
        return value.expanduser()
    return Path(_text(value)).expanduser()


#: field -> converter. Every field a flag, env var or file can set.
CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "public_key": _text,
    "private_key": _text,
    "project_id": _text,
    "region": _text,
    "zone": _text,
    "allow_http": _switch,
    "base_url": _text,
    "timeout": _seconds(0, "not a positive number of seconds (e.g. 15, 2.5 or 15s)"),
    "profile": _text,
    "watchlist_path": _path,
    "cache_path": _path,
    "config_path": _path,
    "interval": _seconds(1, "not a duration of at least 1 second (e.g. 30s, 2m)"),
    "warn_after": _seconds(0, "not a positive duration (e.g. 12h, 90m, 3600)"),
    "batch_size": _whole(1, 100),
    "concurrency": _whole(1, 16),
    "bell": _switch,
    "theme": _text,
    "mask_phones": _switch,
}

#: Resolution order: allow_http before base_url, which is checked against it.
#: config_path and profile are resolved first, separately (they say which files to read).
FIELD_ORDER = tuple(name for name in CONVERTERS if name not in ("config_path", "profile"))


def convert(name: str, raw: Raw) -> Any:
    """Convert ``raw`` for field ``name`` or raise a :class:`ConfigError` saying what, where and why."""
    try:
        return CONVERTERS[name](raw.value)
    except ValueError as error:
        if name == "private_key":
            raise ConfigError(f"{raw.name} ({raw.origin}): {error}") from None
        raise ConfigError(f"{raw.name}={raw.value!r} ({raw.origin}): {error}") from None
