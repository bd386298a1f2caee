"""Reading the ``ucloud`` CLI's ``config.json`` and ``credential.json`` (never writing them).

Both are JSON arrays of per-profile objects joined on ``"profile"`` (see
``shared/docs/ucloud-usms-api.md`` §5). With no profile named, the one marked
``"active": true`` in ``config.json`` is used, else one called ``default`` if it exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from usms_tui.config.toml_file import permission_warning
from usms_tui.domain.errors import ConfigError

#: key in config.json -> Settings field
CONFIG_KEYS = {
    "project_id": "project_id",
    "region": "region",
    "zone": "zone",
    "base_url": "base_url",
    "timeout_sec": "timeout",
}
#: key in credential.json -> Settings field (cookie/OAuth fields are ignored)
CREDENTIAL_KEYS = {"public_key": "public_key", "private_key": "private_key"}


@dataclass(frozen=True)
class UcloudProfile:
    """The chosen profile's values: ``values[field] = (value, key in file, file)``."""

    name: str | None
    chosen_by: str  # how the name was picked: "active", "default", or the source that named it
    values: dict[str, tuple[Any, str, Path]] = field(default_factory=dict, repr=False)
    available: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _read_array(path: Path) -> list[dict[str, Any]] | None:
    """The profile objects in one file, or None when it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError(f"ucloud file {path} is a directory, not a JSON file") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"ucloud file {path} is not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ConfigError(f"cannot read ucloud file {path}: {error.strerror or error}") from None
    if not text.strip():
        return []  # the CLI can leave an empty file behind; it holds no profiles
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        # error.msg never quotes the document, so no secret can leak through it.
        raise ConfigError(
            f"ucloud file {path} is not valid JSON: {error.msg} (at line {error.lineno}, column {error.colno})"
        ) from None
    if isinstance(document, dict):  # tolerate a single profile object
        document = [document]
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise ConfigError(f"ucloud file {path} must be a JSON array of profile objects")
    return document


def _profile_name(item: dict[str, Any]) -> str:
    name = item.get("profile")
    return name if isinstance(name, str) and name else "default"


def _by_profile(items: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    # The first entry of a name wins, as a reader of a hand-edited file would expect.
    result: dict[str, dict[str, Any]] = {}
    for item in items or ():
        result.setdefault(_profile_name(item), item)
    return result


def load_ucloud_profile(
    name: str | None, name_source: str | None, config_path: Path, credential_path: Path
) -> UcloudProfile:
    """Read both files and pick a profile: ``name`` if given (it must exist), else the active one.

    Raises :class:`ConfigError` for corrupt files and for a named profile that exists in neither.
    """
    config_items = _read_array(config_path)
    credential_items = _read_array(credential_path)
    warnings: list[str] = []
    if credential_items is not None:
        warning = permission_warning(credential_path, "UCloud API keys")
        if warning:
            warnings.append(warning)
    configs, credentials = _by_profile(config_items), _by_profile(credential_items)
    available = tuple(sorted(set(configs) | set(credentials)))

    chosen_by = name_source or ""
    if name is not None:
        if name not in available:
            listed = ", ".join(repr(p) for p in available) if available else "none"
            raise ConfigError(
                f"ucloud profile {name!r} ({name_source}) does not exist; profiles in {config_path} "
                f"and {credential_path}: {listed}"
            )
    else:
        active = [_profile_name(item) for item in config_items or () if item.get("active") is True]
        if active:
            name, chosen_by = active[0], "active"
        elif "default" in available:
            name, chosen_by = "default", "default"
        else:
            return UcloudProfile(None, "", {}, available, tuple(warnings))

    values: dict[str, tuple[Any, str, Path]] = {}
    for item, keys, path in (
        (configs.get(name, {}), CONFIG_KEYS, config_path),
        (credentials.get(name, {}), CREDENTIAL_KEYS, credential_path),
    ):
        for key, target in keys.items():
            value = item.get(key)
            if value is None or value == "" or (key == "timeout_sec" and value == 0):
                continue  # the CLI writes "" (and 0 seconds) for fields never set
            values[target] = (value, key, path)
    return UcloudProfile(name, chosen_by, values, available, tuple(warnings))
