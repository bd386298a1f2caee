"""Parsing and showing durations and times, shared by flags, config values and the UI."""

from __future__ import annotations

import functools
import math
import re
from datetime import UTC, datetime

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@functools.cache
def _duration() -> re.Pattern[str]:
    # Compiled when a duration is first parsed, not at import: every command loads this
    # module, few are given a duration.
    return re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.IGNORECASE)


def parse_duration(text: str | float | int) -> float:
    """``90s``, ``10m``, ``12h``, ``3d``, ``1h30m`` or a bare number of seconds -> seconds.

    Raises ``ValueError`` with a message that says what is accepted.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return _checked_seconds(float(text), repr(text))
    raw = str(text).strip()
    try:
        value = float(raw)
    except ValueError:
        pass
    else:
        return _checked_seconds(value, repr(raw))
    compact = raw.replace(" ", "")
    if compact.startswith("-") and _is_duration(compact[1:]):
        raise ValueError(_NEGATIVE.format(repr(raw)))
    if not _is_duration(compact):
        raise ValueError(f"{raw!r} is not a duration (use e.g. 90s, 10m, 12h, 3d or 1h30m)")
    return float(sum(float(n) * _UNITS[u.lower()] for n, u in _duration().findall(compact)))


_NEGATIVE = "{} is a negative duration, which is not allowed"


def _is_duration(compact: str) -> bool:
    parts = _duration().findall(compact)
    return bool(parts) and "".join(n + u for n, u in parts).lower() == compact.lower()


def _checked_seconds(value: float, shown: str) -> float:
    # float() accepts "nan" and "inf": a NaN duration compares false with everything, so
    # `remove --older-than nan` would have matched (and removed) every session.
    if not math.isfinite(value):
        raise ValueError(f"{shown} is not a duration (use e.g. 90s, 10m, 12h, 3d or 1h30m)")
    if value < 0:
        raise ValueError(_NEGATIVE.format(shown))
    return value


def _checked_moment(value: float, shown: str) -> float:
    # NaN would be written to the watchlist as the non-JSON token NaN, and a moment outside
    # datetime's range cannot be shown or exported later; refuse both up front.
    try:
        if math.isfinite(value):
            datetime.fromtimestamp(value, tz=UTC)
            return value
    except (OverflowError, OSError, ValueError):
        pass
    raise ValueError(f"{shown} is not a usable time (use ISO 8601 like 2026-11-30T08:00:00+08:00, or Unix seconds)")


def parse_time(text: str | float | int) -> float:
    """ISO 8601 (naive = local time) or Unix seconds -> Unix seconds. Raises ``ValueError``."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return _checked_moment(float(text), repr(text))
    raw = str(text).strip()
    try:
        seconds = float(raw)
    except ValueError:
        seconds = None
    if seconds is not None:
        return _checked_moment(seconds, repr(raw))
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError:
        raise ValueError(
            f"{raw!r} is not a time (use ISO 8601 like 2026-11-30T08:00:00+08:00, or Unix seconds)"
        ) from None
    return moment.timestamp()


def format_duration(seconds: float | None) -> str:
    """A short human age: ``45s``, ``12m``, ``3h05m``, ``2d04h``. ``None`` -> ``-``."""
    if seconds is None:
        return "-"
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def format_seconds(seconds: float) -> str:
    """``15s``, ``2.5s``, ``12h``, ``1h30m``: exact, in a form :func:`parse_duration` reads back."""
    if seconds != int(seconds) or seconds < 60:
        return f"{seconds:g}s"
    rest, parts = int(seconds), []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def format_local_time(timestamp: float | None, *, with_date: bool = True) -> str:
    """Unix seconds -> local ``YYYY-MM-DD HH:MM:SS`` (or only the time). ``None`` -> ``-``."""
    if timestamp is None:
        return "-"
    moment = datetime.fromtimestamp(timestamp)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def format_iso_utc(timestamp: float | None) -> str | None:
    """Unix seconds -> ISO 8601 in UTC, for exports."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat().replace("+00:00", "Z")
