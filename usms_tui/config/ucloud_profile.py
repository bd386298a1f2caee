"""Reading the ``ucloud`` CLI's ``config.json`` and ``credential.json``.

Both are JSON arrays of per-profile objects joined on ``"profile"``. Profiles are picked as
the CLI picks them: a profile is an entry of ``config.json`` that has an entry in
``credential.json`` (one without is not used); with no profile named, the **last** entry
marked ``"active": true`` wins; with none active there is no profile, and the CLI's
"no active config" becomes :attr:`UcloudProfile.problem`, raised only when the keys were
not given any other way. Rotated OAuth tokens are written back by
:mod:`usms_tui.store.ucloud_credentials`; nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from usms_tui.config.toml_file import permission_warning
from usms_tui.domain import json_safety
from usms_tui.domain.errors import ConfigError
from usms_tui.domain.secrets import remember_all

#: key in config.json -> Settings field
CONFIG_KEYS = {
    "project_id": "project_id",
    "region": "region",
    "zone": "zone",
    "base_url": "base_url",
    "timeout_sec": "timeout",
    "max_retry_times": "max_retry_times",
    "channel_key": "channel_key",
    "oauth_base_url": "oauth_base_url",
}
#: key in credential.json -> Settings field (cookie and csrf_token are the web console's)
CREDENTIAL_KEYS = {
    "public_key": "public_key",
    "private_key": "private_key",
    "auth_mode": "auth_mode",
    "access_token": "access_token",
    "refresh_token": "refresh_token",
    "expires_at": "expires_at",
}
#: Values in credential.json that are secrets.
_SECRET_KEYS = ("private_key", "access_token", "refresh_token", "cookie", "csrf_token")


@dataclass(frozen=True)
class UcloudProfile:
    """The chosen profile's values: ``values[field] = (value, key in file, file)``."""

    name: str | None
    chosen_by: str  # how the name was picked: "active", or the source that named it
    values: dict[str, tuple[Any, str, Path]] = field(default_factory=dict, repr=False)
    available: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    #: Why no profile could be used although the files hold some (no active one, or the
    #: active one has no credential entry): an error once the keys are needed.
    problem: str | None = None


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
        document = json_safety.loads(text, unique_keys=False)  # the ucloud CLI's own file: read as it does
    except json.JSONDecodeError as error:
        # error.msg never quotes the document, so no secret can leak through it.
        raise ConfigError(
            f"ucloud file {path} is not valid JSON: {error.msg} (at line {error.lineno}, column {error.colno})"
        ) from None
    except json_safety.JsonProblem as problem:
        raise ConfigError(f"ucloud file {path} is not usable JSON: {problem}") from None
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
    """Read both files and pick a profile: ``name`` if given (it must be usable), else the last active one.

    Raises :class:`ConfigError` for corrupt files and for a named profile that cannot be used.
    """
    config_items = _read_array(config_path)
    credential_items = _read_array(credential_path)
    warnings: list[str] = []
    if credential_items is not None:
        warning = permission_warning(credential_path, "UCloud API keys")
        if warning:
            warnings.append(warning)
    # Every key and token of the file, not only the chosen profile's: one pasted as a profile
    # name or a SessionNo must not come back in an error either.
    remember_all(item.get(key) for item in credential_items or () for key in _SECRET_KEYS)
    configs, credentials = _by_profile(config_items), _by_profile(credential_items)
    available = tuple(sorted(set(configs) & set(credentials)))
    listed = ", ".join(repr(p) for p in available) if available else "none"

    chosen_by = name_source or ""
    if name is not None:
        if name in configs and name not in credentials:
            raise ConfigError(
                f"ucloud profile {name!r} ({name_source}) has no entry in {credential_path}, so it is not used "
                f"(run `ucloud config --profile {name}` to give it keys); usable profiles: {listed}"
            )
        if name not in available:
            raise ConfigError(
                f"ucloud profile {name!r} ({name_source}) does not exist; profiles in {config_path} "
                f"and {credential_path}: {listed}"
            )
    else:
        # Like the CLI and the Go SDK: a later "active": true overrides an earlier one.
        active = [_profile_name(item) for item in config_items or () if item.get("active") is True]
        if not active:
            problem = None
            if configs:
                problem = (
                    f"no active profile in {config_path} (the ucloud CLI says 'no active config'): name one "
                    f"with --profile or UCLOUD_PROFILE (usable: {listed}), or run `ucloud config --profile NAME "
                    "--active true`"
                )
            return UcloudProfile(None, "", {}, available, tuple(warnings), problem)
        name, chosen_by = active[-1], "active"
        if name not in credentials:
            problem = (
                f"the active ucloud profile {name!r} in {config_path} has no entry in {credential_path}, so it "
                f"is not used: run `ucloud config --profile {name}` to give it keys, or pick another with "
                f"--profile (usable: {listed})"
            )
            return UcloudProfile(None, "", {}, available, tuple(warnings), problem)

    values: dict[str, tuple[Any, str, Path]] = {}
    for item, keys, path in (
        (configs[name], CONFIG_KEYS, config_path),
        (credentials[name], CREDENTIAL_KEYS, credential_path),
    ):
        for key, target in keys.items():
            value = item.get(key)
            if value is None or value == "" or (key in ("timeout_sec", "expires_at") and value == 0):
                continue  # the CLI writes "" (and 0) for fields never set
            values[target] = (value, key, path)
    return UcloudProfile(name, chosen_by, values, available, tuple(warnings))
