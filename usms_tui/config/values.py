"""The kinds of setting value: how each is read from text or TOML, shown, and written back.

Each kind's ``parse`` raises ``ValueError(problem)`` where ``problem`` says what is allowed
and never repeats the value; :func:`convert` adds which setting, from where, and the value
(except for a secret, which is never repeated).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usms_tui.config.paths import expand_home
from usms_tui.domain.errors import ConfigError
from usms_tui.domain.timefmt import format_seconds, parse_duration

_NOT_UTF8 = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Raw:
    """One candidate value and where it came from."""

    value: Any
    source: str = ""  #: for ``Settings.sources``, e.g. ``env UCLOUD_REGION``
    name: str = ""  #: the setting as the user wrote it, e.g. ``UCLOUD_REGION`` or ``[ui] interval``
    origin: str = ""  #: where, e.g. ``env``, ``flag`` or a file path


class Kind:
    """Text (the base kind): a string, stripped. Subclasses narrow what is accepted."""

    metavar = "TEXT"  #: what a flag of this kind is followed by in ``--help``
    switch = False  #: a flag of this kind takes no value (store_true)
    hint = ""  #: what is allowed, when the setting's help cannot say it better

    def parse(self, value: Any) -> Any:
        """The typed value, or ``ValueError(what is allowed)``."""
        text = self.text(value)
        # A region, key or command is sent, signed or run as UTF-8: a lone surrogate (argv or
        # an environment variable that was not UTF-8) or a control character is never meant.
        if _NOT_UTF8.search(text):
            raise ValueError("is not valid UTF-8 text")
        if _CONTROL.search(text):
            raise ValueError("holds a control character")
        return text

    @staticmethod
    def text(value: Any) -> str:
        """``value`` stripped, when it is a string at all."""
        if not isinstance(value, str):
            raise ValueError("must be text (a quoted string)")
        return value.strip()

    def show(self, value: Any) -> str:
        """As ``config show`` and ``--help`` print it (a form this kind parses back)."""
        return str(value)

    def toml(self, value: Any) -> str:
        """As a TOML value: JSON's string escapes are valid TOML basic-string escapes."""
        return json.dumps(self.show(value), ensure_ascii=False)

    def json(self, value: Any) -> Any:
        """As ``config show --json`` gives it."""
        return value


class Seconds(Kind):
    """A duration (``15``, ``2.5``, ``90s``, ``12h``, ``1h30m``), at least ``minimum`` seconds."""

    metavar = "DURATION"

    def __init__(self, minimum: float, problem: str) -> None:
        self.minimum, self.problem = minimum, problem

    def parse(self, value: Any) -> float:
        if isinstance(value, bool):
            raise ValueError(self.problem)
        try:
            seconds = parse_duration(value)
        except (TypeError, ValueError):
            raise ValueError(self.problem) from None
        if not math.isfinite(seconds) or seconds <= 0 or seconds < self.minimum:
            raise ValueError(self.problem)
        return seconds

    def show(self, value: Any) -> str:
        return format_seconds(value)


class Whole(Kind):
    """A whole number from ``low`` to ``high``."""

    metavar = "N"

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high
        self.hint = f"{low}..{high}"

    def parse(self, value: Any) -> int:
        problem = f"not a whole number from {self.low} to {self.high}"
        if isinstance(value, bool):
            raise ValueError(problem)
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            value = int(value)
        if not isinstance(value, int) or not self.low <= value <= self.high:
            raise ValueError(problem)
        return value

    def toml(self, value: Any) -> str:
        return str(value)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Switch(Kind):
    """True or false (``1/0``, ``yes/no``, ``on/off`` from text); as a flag, present means true."""

    metavar = ""
    switch = True

    def parse(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError("not true or false")

    def show(self, value: Any) -> str:
        return "true" if value else "false"

    def toml(self, value: Any) -> str:
        return self.show(value)


class Percent(Kind):
    """A percentage from 0 to 100: ``5%``, ``2.5%``, or a bare number read as percent."""

    metavar = "PCT"

    def parse(self, value: Any) -> float:
        # Here, not at the top: the thresholds bring the session summaries with them, which
        # only a command given a percentage needs (every command's settings import this file).
        from usms_tui.domain.thresholds import parse_percent

        return parse_percent(value)

    def show(self, value: Any) -> str:
        return value if isinstance(value, str) else f"{value:g}%"


class FilePath(Kind):
    """A file location; ``~`` is expanded. (Relative ones in config.toml follow that file.)"""

    metavar = "PATH"

    def parse(self, value: Any) -> Path:
        if isinstance(value, Path):
            return expand_home(value)
        # A file name may be any bytes but NUL on POSIX: argv's surrogate escapes are kept.
        text = self.text(value)
        if "\x00" in text:  # every os call would raise "embedded null byte"
            raise ValueError("a path cannot hold a NUL character")
        return expand_home(text)

    def json(self, value: Any) -> Any:
        return str(value)


TEXT = Kind()
PERCENT = Percent()
SWITCH = Switch()
PATH = FilePath()


def convert(kind: Kind, secret: bool, raw: Raw) -> Any:
    """``kind.parse(raw.value)`` or a :class:`ConfigError` saying what, where and why."""
    try:
        return kind.parse(raw.value)
    except ValueError as error:
        if secret:
            raise ConfigError(f"{raw.name} ({raw.origin}): {error}") from None
        raise ConfigError(f"{raw.name}={raw.value!r} ({raw.origin}): {error}") from None
