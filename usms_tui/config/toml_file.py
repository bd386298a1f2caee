"""The app's own ``config.toml``: every key optional, read with :mod:`tomllib`.

Its sections and keys are the ``toml`` column of :data:`usms_tui.config.table.TABLE`;
``usms-tui config example`` prints them all, commented, and ``usms-tui config path`` says
where the file lives. Durations accept a number of seconds or ``90s``, ``10m``, ``12h``,
``3d``, ``1h30m``; relative paths are relative to the file's folder. Unknown keys are
reported as warnings (a typo should not silently do nothing).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from usms_tui.config.paths import expand_home
from usms_tui.config.table import KEYS_SECTION, TABLE, toml_keys
from usms_tui.config.values import SWITCH, FilePath
from usms_tui.domain.errors import ConfigError

#: Keys written another way too: (section, key) -> (setting, whether the value is inverted).
#: ``[ui] mouse = false`` is how a user says it; ``no_mouse`` is the flag's spelling.
ALIASES: dict[tuple[str, str], tuple[str, bool]] = {("ui", "mouse"): ("no_mouse", True)}

_HEADER = "# usms-tui config.toml: every key is optional; flags and UCLOUD_* env vars win over it."
_NOTES = "# Durations: 15 (seconds), 90s, 10m, 12h, 1h30m. Relative paths: from this file's folder."


def example_text() -> str:
    """A commented config.toml: every key with its default, or commented out with an example."""
    from usms_tui.config.keys import example_lines

    lines = [_HEADER, _NOTES]
    for section, keys in toml_keys().items():
        lines += ["", f"[{section}]"]
        entries = []
        for key, setting in keys.items():
            comment = f"{setting.help}, {setting.kind.hint}" if setting.kind.hint else setting.help
            if setting.default is not None:  # a platform-dependent default_factory is not shown
                entries.append((f"{key} = {setting.kind.toml(setting.default)}", comment))
            else:
                entries.append((f"# {key} = {setting.kind.toml(setting.example or '')}", comment))
        width = max(len(entry) for entry, _ in entries)
        lines += [f"{entry:<{width}}  # {comment}" for entry, comment in entries]
    lines += example_lines()
    return "\n".join(lines) + "\n"


def __getattr__(name: str) -> str:
    """``EXAMPLE``, the text of :func:`example_text`, made when first asked for: every
    command's settings import this module, and only ``config example`` prints it."""
    if name == "EXAMPLE":
        return example_text()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# tomllib quotes the offending character in two messages; it could be part of a secret.
# (Compiled on such an error alone, by re's own cache: not at every command's start.)
_QUOTED_CHAR = r"((?:Found invalid|Illegal) character) \S+"


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
    import tomllib  # here: without a config.toml (the default) the TOML parser is not loaded

    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"config file {path} is not UTF-8 text (byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        message = re.sub(_QUOTED_CHAR, r"\1", str(error))
        raise ConfigError(f"config file {path} is not valid TOML: {message}") from None
    except RecursionError:
        raise ConfigError(f"config file {path} is not usable TOML: nested too deeply") from None
    except ValueError as error:  # tomllib's int() on a number past Python's 4,300-digit limit
        raise ConfigError(f"config file {path} is not usable TOML: {error}") from None

    values: dict[str, tuple[Any, str]] = {}
    aliased: dict[str, tuple[bool, str]] = {}
    warnings: list[str] = []
    sections = toml_keys()
    for section, table in document.items():
        if section == KEYS_SECTION:  # one table of its own: action = key(s), checked as a whole
            # Imported for a file that has one: the key names it checks against are built
            # when that module loads.
            from usms_tui.config.keys import parse_key_map

            values["key_map"] = (parse_key_map(table, str(path)), f"[{KEYS_SECTION}]")
            continue
        known = sections.get(section)
        if known is None:
            warnings.append(f"warning: unknown section or key {section!r} in {path} (ignored)")
            continue
        if not isinstance(table, dict):
            raise ConfigError(f"config file {path}: {section!r} must be a table, written [{section}]")
        for key, value in table.items():
            if (section, key) in ALIASES:
                aliased.update(_alias(path, section, key, value))
                continue
            setting = known.get(key)
            if setting is None:
                warnings.append(f"warning: unknown key [{section}] {key!r} in {path} (ignored)")
                continue
            if isinstance(setting.kind, FilePath) and isinstance(value, str) and value.strip():
                # Relative paths follow the config file, not the current directory.
                try:
                    value = str(path.parent / expand_home(value.strip()))
                except ValueError as error:
                    raise ConfigError(f"config file {path}: [{section}] {key}: {error}") from None
            values[setting.name] = (value, setting.toml_name)
    for name, (value, key) in aliased.items():
        _merge_alias(path, values, name, value, key)
    if any(setting.secret and setting.name in values for setting in TABLE):
        warning = permission_warning(path, "a private key")
        if warning:
            warnings.append(warning)
    return values, warnings


def _alias(path: Path, section: str, key: str, value: Any) -> dict[str, tuple[bool, str]]:
    """An alias key's setting and the value it gives it, or a ConfigError for a non-switch."""
    name, inverted = ALIASES[(section, key)]
    if not isinstance(value, bool):
        raise ConfigError(f"config file {path}: [{section}] {key} = {value!r}: not true or false")
    return {name: (value != inverted, f"[{section}] {key} = {str(value).lower()}")}


def _merge_alias(path: Path, values: dict[str, tuple[Any, str]], name: str, value: bool, written: str) -> None:
    """Add an alias's value; when the setting's own key is there too, the two must agree."""
    if name not in values:
        values[name] = (value, written.partition(" = ")[0])
        return
    other, other_key = values[name]
    try:
        agrees = SWITCH.parse(other) == value
    except ValueError:
        return  # the setting's own key is wrong: its conversion says so, naming it
    if not agrees:
        raise ConfigError(
            f"config file {path}: {written} and {other_key} = {str(other).lower()} contradict each other; keep one"
        )
