"""Effective settings: flags > environment > ``config.toml`` > the ``ucloud`` CLI profile > defaults.

Every value remembers where it came from (``Settings.sources``) so ``usms-tui config show``
can say so. The private key never appears in ``repr``, in an error message or in output:
errors about it name the setting and its source, never its value, and every
:class:`ConfigError` raised here is scrubbed of any private key seen while loading.

Environment: ``UCLOUD_PUBLIC_KEY``, ``UCLOUD_PRIVATE_KEY``, ``UCLOUD_PROJECT_ID``,
``UCLOUD_REGION``, ``UCLOUD_ZONE``, ``UCLOUD_API_BASE_URL``, ``UCLOUD_TIMEOUT_SECOND``,
``UCLOUD_PROFILE``, ``UCLOUD_SHARED_CONFIG_FILE``, ``UCLOUD_SHARED_CREDENTIAL_FILE`` and
``USMS_TUI_WATCHLIST`` / ``USMS_TUI_CONFIG`` / ``USMS_TUI_CACHE``. The ``config.toml``
format is documented in :mod:`usms_tui.config_file`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO

from usms_tui.config import paths
from usms_tui.config.values import CONVERTERS, FIELD_ORDER, Raw, convert
from usms_tui.domain.base_url import DEFAULT_BASE_URL, base_url_problem
from usms_tui.domain.credentials import Credentials
from usms_tui.domain.errors import ConfigError
from usms_tui.domain.receipts import DEFAULT_WARN_AFTER

DEFAULT_TIMEOUT = 15.0  # the ucloud CLI's default; the SDKs' 30 s is long for a monitor
DEFAULT_INTERVAL = 30.0

#: Settings field -> environment variable that sets it.
ENV_NAMES = {
    "public_key": "UCLOUD_PUBLIC_KEY",
    "private_key": "UCLOUD_PRIVATE_KEY",
    "project_id": "UCLOUD_PROJECT_ID",
    "region": "UCLOUD_REGION",
    "zone": "UCLOUD_ZONE",
    "base_url": "UCLOUD_API_BASE_URL",
    "timeout": "UCLOUD_TIMEOUT_SECOND",
    "profile": "UCLOUD_PROFILE",
    "watchlist_path": paths.WATCHLIST_ENV,
    "config_path": paths.CONFIG_ENV,
    "cache_path": paths.CACHE_ENV,
}
#: Every field ``config show`` lists, in display order.
SETTING_NAMES = (
    "public_key", "private_key", "project_id", "region", "zone", "base_url", "timeout", "allow_http",
    "profile", "config_path", "watchlist_path", "cache_path", "interval", "warn_after", "batch_size",
    "concurrency", "bell", "theme", "mask_phones",
)  # fmt: skip
#: Settings field -> the flag that sets it (others: ``--`` + field with dashes).
FLAG_NAMES = {"watchlist_path": "--watchlist", "config_path": "--config", "cache_path": "--cache"}


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know, resolved once. Secrets hidden from ``repr``."""

    public_key: str | None = None
    private_key: str | None = field(default=None, repr=False)  #: secret: never shown
    project_id: str | None = None
    region: str | None = None
    zone: str | None = None
    base_url: str = DEFAULT_BASE_URL  #: https, or http only to loopback unless allow_http
    timeout: float = DEFAULT_TIMEOUT  #: HTTP timeout in seconds
    allow_http: bool = False  #: allow plain http:// to a non-loopback host
    profile: str | None = None  #: the ``ucloud`` CLI profile read, if any
    watchlist_path: Path = field(default_factory=paths.watchlist_file)
    cache_path: Path = field(default_factory=paths.cache_file)
    config_path: Path = field(default_factory=paths.config_file)
    interval: float = DEFAULT_INTERVAL  #: seconds between refreshes
    warn_after: float = DEFAULT_WARN_AFTER  #: seconds without a final receipt before "overdue"
    batch_size: int = 100  #: SessionNos per request, 1..100
    concurrency: int = 4  #: requests in flight, 1..16
    bell: bool = False  #: ring the terminal bell on new failures
    theme: str | None = None  #: Textual theme name
    mask_phones: bool = True  #: show 138****5678 instead of full numbers
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)  #: field -> origin
    warnings: tuple[str, ...] = field(default=(), compare=False)  #: printed once by the CLI
    ucloud_config_path: Path | None = None  #: the ucloud CLI's config.json consulted
    ucloud_credential_path: Path | None = None  #: the ucloud CLI's credential.json consulted

    def credentials(self) -> Credentials:
        """The key pair, or a :class:`ConfigError` naming every way to provide it."""
        if self.public_key and self.private_key:
            return Credentials(self.public_key, self.private_key)
        labels = {"public_key": "public key", "private_key": "private key"}
        missing = " and ".join(label for name, label in labels.items() if not getattr(self, name))
        found = [f"the {label} comes from {self.sources.get(name, 'a setting')}"
                 for name, label in labels.items() if getattr(self, name)]  # fmt: skip
        note = f" ({found[0]})" if found else ""
        credential_file = self.ucloud_credential_path or Path("~/.ucloud/credential.json")
        raise ConfigError(
            f"no UCloud API keys: {missing} missing{note}. Provide both in one of these ways: "
            f"env UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY; public_key and private_key under [ucloud] "
            f"in {self.config_path} (then chmod 600 it); or a profile in the ucloud CLI's "
            f"{credential_file} (run `ucloud init`; pick one with --profile or UCLOUD_PROFILE)"
        )


def check_base_url(url: str, allow_http: bool = False) -> str:
    """Return ``url`` (stripped) if usable: https always; http only to loopback unless allowed."""
    problem = base_url_problem(url, allow_http)
    if problem:
        raise ConfigError(f"base URL {url!r}: {problem}")
    return url.strip()


def _scrub(text: str, secrets: list[str]) -> str:
    # Defence in depth: a key pasted into the wrong setting must not be echoed back either.
    for secret in secrets:
        if len(secret) >= 6:
            text = text.replace(secret, "****")
    return text


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Settings:
    """Resolve every setting. ``overrides`` (field -> value; None = not given) act as flags.

    ``env`` defaults to ``os.environ``; ``home`` (default ``Path.home()``) locates ``~/.ucloud``.
    Raises :class:`ConfigError` for bad values, corrupt files and unknown profiles.
    """
    given = {name: value for name, value in (overrides or {}).items() if value is not None}
    unknown = sorted(set(given) - set(CONVERTERS))
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(unknown)}")
    secrets: list[str] = []
    try:
        return _load(given, os.environ if env is None else env, home or Path.home(), secrets)
    except ConfigError as error:
        raise ConfigError(_scrub(str(error), secrets)) from None


def _load(given: dict[str, Any], env: Mapping[str, str], home: Path, secrets: list[str]) -> Settings:
    from usms_tui.config.toml_file import read_config_toml
    from usms_tui.config.ucloud_profile import load_ucloud_profile

    layers: list[dict[str, Raw]] = []
    flags = {}
    for name, value in given.items():
        flag = FLAG_NAMES.get(name, "--" + name.replace("_", "-"))
        flags[name] = Raw(value, f"flag {flag}", flag, "flag")
    environment = {}
    for name, variable in ENV_NAMES.items():
        text = env.get(variable, "").strip()
        if text:
            environment[name] = Raw(text, f"env {variable}", variable, "env")
    layers += [flags, environment]
    secrets.extend(
        layer["private_key"].value.strip()
        for layer in layers
        if isinstance(layer.get("private_key", Raw(None)).value, str)
    )

    # The config file's own location can only come from a flag or the environment.
    config_raw = flags.get("config_path") or environment.get("config_path")
    config_path = convert("config_path", config_raw) if config_raw else paths.config_file(env)
    values, warnings = read_config_toml(config_path, required="config_path" in flags)
    toml = {
        name: Raw(value, f"config.toml {config_path}", key, str(config_path))
        for name, (value, key) in values.items()
        if not (isinstance(value, str) and not value.strip())
    }
    if isinstance(toml.get("private_key", Raw(None)).value, str):
        secrets.append(toml["private_key"].value.strip())
    layers.append(toml)

    profile_raw = next((layer["profile"] for layer in layers if "profile" in layer), None)
    profile_name = convert("profile", profile_raw) if profile_raw else None
    ucloud_config = _shared_file(env, paths.SHARED_CONFIG_ENV, home / ".ucloud" / "config.json")
    ucloud_credential = _shared_file(env, paths.SHARED_CREDENTIAL_ENV, home / ".ucloud" / "credential.json")
    profile = load_ucloud_profile(
        profile_name, profile_raw.source if profile_raw else None, ucloud_config, ucloud_credential
    )
    warnings += profile.warnings
    label = f"ucloud profile {profile.name!r}"
    layers.append(
        {
            name: Raw(value, f"{label} ({path})", key, f"{label} in {path}")
            for name, (value, key, path) in profile.values.items()
        }
    )
    if isinstance(layers[-1].get("private_key", Raw(None)).value, str):
        secrets.append(layers[-1]["private_key"].value.strip())

    defaults: dict[str, Any] = {
        "watchlist_path": paths.watchlist_file(env),
        "cache_path": paths.cache_file(env),
    }
    resolved: dict[str, Any] = {"config_path": config_path, "profile": profile.name}
    sources: dict[str, str] = {
        "config_path": config_raw.source if config_raw else "default",
        "profile": _profile_source(profile_raw, profile.name, profile.chosen_by, ucloud_config),
    }
    for name in FIELD_ORDER:
        raw = next((layer[name] for layer in layers if name in layer), None)
        if raw is None:
            resolved[name] = defaults.get(name, Settings.__dataclass_fields__[name].default)
            sources[name] = "default"
            continue
        resolved[name] = convert(name, raw)
        sources[name] = raw.source
        if name == "base_url":
            problem = base_url_problem(resolved[name], resolved["allow_http"])
            if problem:
                raise ConfigError(f"{raw.name}={resolved[name]!r} ({raw.origin}): {problem}")
    if resolved["public_key"] and resolved["private_key"]:
        public_from, private_from = sources["public_key"], sources["private_key"]
        if public_from.split(" ")[0] != private_from.split(" ")[0]:
            warnings.append(
                f"warning: the public key comes from {public_from} but the private key from "
                f"{private_from}; make sure they are one pair"
            )
    return Settings(
        **resolved,
        sources=MappingProxyType({name: sources[name] for name in SETTING_NAMES}),
        warnings=tuple(warnings),
        ucloud_config_path=ucloud_config,
        ucloud_credential_path=ucloud_credential,
    )


def _shared_file(env: Mapping[str, str], variable: str, default: Path) -> Path:
    override = env.get(variable, "").strip()
    return Path(override).expanduser() if override else default


def _profile_source(raw: Raw | None, name: str | None, chosen_by: str, config_file: Path) -> str:
    if raw is not None:
        return raw.source
    if name is None:
        return "default"
    if chosen_by == "active":
        return f"active profile in {config_file}"
    return "ucloud profile named 'default'"


#: argparse attribute -> Settings field, for values that mean "given" when not None.
ARG_FIELDS = {
    "watchlist": "watchlist_path",
    "config": "config_path",
    "cache": "cache_path",
    "profile": "profile",
    "project_id": "project_id",
    "region": "region",
    "zone": "zone",
    "base_url": "base_url",
    "timeout": "timeout",
    "interval": "interval",
    "warn_after": "warn_after",
    "batch_size": "batch_size",
    "concurrency": "concurrency",
    "theme": "theme",
}
#: store_true flags: only True counts as given (False is argparse's "absent").
ARG_SWITCHES = {"allow_http": "allow_http", "bell": "bell"}
_printed_warnings: set[str] = set()


def print_warnings(warnings: tuple[str, ...] | list[str], file: TextIO | None = None) -> None:
    """Print each warning to stderr, once per process however many times settings load."""
    for warning in warnings:
        if warning not in _printed_warnings:
            _printed_warnings.add(warning)
            print(f"usms-tui: {warning}", file=file or sys.stderr)


def settings_from_args(
    args: argparse.Namespace,
    env: Mapping[str, str] | None = None,
    *,
    home: Path | None = None,
    quiet: bool = False,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings from parsed CLI args (any attribute may be missing) plus extra ``overrides``.

    Prints new warnings to stderr unless ``quiet``.
    """
    given: dict[str, Any] = {}
    for attribute, name in ARG_FIELDS.items():
        value = getattr(args, attribute, None)
        if value is not None:
            given[name] = value
    for attribute, name in ARG_SWITCHES.items():
        if getattr(args, attribute, False) is True:
            given[name] = True
    given.update({name: value for name, value in (overrides or {}).items() if value is not None})
    settings = load_settings(given, env=env, home=home)
    if not quiet:
        print_warnings(settings.warnings)
    return settings
