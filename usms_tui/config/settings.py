"""Effective settings: flags > environment > ``config.toml`` > the ``ucloud`` CLI profile > defaults.

Which settings exist, and how each is spelled in every source, is :data:`~usms_tui.config.table.TABLE`.
Every value remembers where it came from (``Settings.sources``) so ``usms-tui config show``
can say so. A secret (the private key, the OAuth tokens) never appears in ``repr``, in an
error message or in output: errors about it name the setting and its source, never its
value, and every :class:`ConfigError` raised here is scrubbed of any secret seen while loading.

Which credential requests carry is decided as the ``ucloud`` CLI decides it
(:mod:`usms_tui.config.login`): a key pair given whole by a flag, the environment or
``config.toml``; else a profile's OAuth login; else the profile's key pair.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TextIO

from usms_tui.config import paths
from usms_tui.config.login import OAUTH, SIGNED, oauth_login, pick_auth
from usms_tui.config.table import SETTINGS, TABLE
from usms_tui.config.values import Raw, convert
from usms_tui.domain.base_url import base_url_problem
from usms_tui.domain.errors import ConfigError
from usms_tui.domain.secrets import remember_all

if TYPE_CHECKING:  # both are needed only by a command that reads [keys] or sends a request
    from usms_tui.config.keys import KeyMap
    from usms_tui.domain.credentials import Credentials, OAuthLogin


def _from_table(name: str) -> Any:
    """The dataclass field of setting ``name``: its default (or factory) and, for a secret, no repr."""
    setting = SETTINGS[name]
    if setting.default_factory is not None:
        return field(default_factory=setting.default_factory, repr=not setting.secret)
    return field(default=setting.default, repr=not setting.secret)


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know, resolved once. Each setting's meaning and default
    are in the table (a test holds these fields to it); secrets are hidden from ``repr``."""

    public_key: str | None = _from_table("public_key")
    private_key: str | None = _from_table("private_key")
    project_id: str | None = _from_table("project_id")
    region: str | None = _from_table("region")
    zone: str | None = _from_table("zone")
    base_url: str = _from_table("base_url")
    timeout: float = _from_table("timeout")
    allow_http: bool = _from_table("allow_http")
    channel_key: str | None = _from_table("channel_key")
    profile: str | None = _from_table("profile")
    auth_mode: str = _from_table("auth_mode")
    access_token: str | None = _from_table("access_token")
    refresh_token: str | None = _from_table("refresh_token")
    expires_at: int | None = _from_table("expires_at")
    oauth_base_url: str = _from_table("oauth_base_url")
    config_path: Path = _from_table("config_path")
    watchlist_path: Path = _from_table("watchlist_path")
    cache_path: Path = _from_table("cache_path")
    state_path: Path = _from_table("state_path")
    interval: float = _from_table("interval")
    warn_after: float = _from_table("warn_after")
    batch_size: int = _from_table("batch_size")
    concurrency: int = _from_table("concurrency")
    max_retry_times: int = _from_table("max_retry_times")
    bell: bool = _from_table("bell")
    theme: str | None = _from_table("theme")
    mask_phones: bool = _from_table("mask_phones")
    read_only: bool = _from_table("read_only")
    no_mouse: bool = _from_table("no_mouse")
    fail_above: float | None = _from_table("fail_above")
    overdue_above: int | None = _from_table("overdue_above")
    on_event: str | None = _from_table("on_event")
    hook_timeout: float = _from_table("hook_timeout")
    #: config.toml's [keys]: action -> its keys, for the actions it moves (config/keys.py)
    key_map: KeyMap = field(default_factory=lambda: MappingProxyType({}), hash=False)
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)  #: name -> origin
    warnings: tuple[str, ...] = field(default=(), compare=False)  #: printed once by the CLI
    ucloud_config_path: Path | None = None  #: the ucloud CLI's config.json consulted
    ucloud_credential_path: Path | None = None  #: the ucloud CLI's credential.json consulted
    #: Why the ucloud files give no profile (no active one, ...): raised once keys are needed.
    profile_problem: str | None = field(default=None, compare=False)

    def login(self) -> Credentials | OAuthLogin:
        """What requests authenticate with: the key pair, or the profile's OAuth login.

        Raises :class:`ConfigError` saying what to do when neither is usable.
        """
        return oauth_login(self) if self.auth_mode == OAUTH else self.credentials()

    def credentials(self) -> Credentials:
        """The key pair, or a :class:`ConfigError` naming every way to provide it."""
        from usms_tui.domain.credentials import Credentials

        if self.public_key and self.private_key:
            return Credentials(self.public_key, self.private_key)
        if self.profile_problem:
            raise ConfigError(
                f"{self.profile_problem}; or give both keys with UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY"
            )
        public, private, profile = SETTINGS["public_key"], SETTINGS["private_key"], SETTINGS["profile"]
        labels = {setting.name: setting.name.replace("_", " ") for setting in (public, private)}
        missing = " and ".join(label for name, label in labels.items() if not getattr(self, name))
        found = [f"the {label} comes from {self.sources.get(name, 'a setting')}"
                 for name, label in labels.items() if getattr(self, name)]  # fmt: skip
        note = f" ({found[0]})" if found else ""
        credential_file = self.ucloud_credential_path or Path("~/.ucloud/credential.json")
        raise ConfigError(
            f"no UCloud API keys: {missing} missing{note}. Provide both in one of these ways: "
            f"env {public.env} and {private.env}; {public.key} and {private.key} under [{public.section}] "
            f"in {self.config_path} (then chmod 600 it); or a profile in the ucloud CLI's "
            f"{credential_file} (run `ucloud init`; pick one with {profile.flag} or {profile.env})"
        )

    def scrub(self, text: str) -> str:
        """``text`` with the value of every secret setting replaced by ``****``."""
        return scrub(text, (getattr(self, setting.name) for setting in TABLE if setting.secret))


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with each secret (of a length worth hiding) replaced by ``****``."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "****")
    return text


def check_base_url(url: str, allow_http: bool = False) -> str:
    """Return ``url`` (stripped) if usable: https always; http only to loopback unless allowed."""
    problem = base_url_problem(url, allow_http)
    if problem:
        raise ConfigError(f"base URL {url!r}: {problem}")
    return url.strip()


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Settings:
    """Resolve every setting. ``overrides`` (name -> value; None = not given) act as flags.

    ``env`` defaults to ``os.environ``; ``home`` (default ``Path.home()``) locates ``~/.ucloud``.
    Raises :class:`ConfigError` for bad values, corrupt files and unknown profiles.
    """
    given = {name: value for name, value in (overrides or {}).items() if value is not None}
    unknown = sorted(set(given) - set(SETTINGS))
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(unknown)}")
    secrets: list[str] = []
    try:
        return _load(given, os.environ if env is None else env, home or Path.home(), secrets)
    except ConfigError as error:
        # Defence in depth: a key pasted into the wrong setting must not be echoed back either.
        raise ConfigError(scrub(str(error), secrets)) from None
    finally:
        remember_all(secrets)  # every later line the command line prints is scrubbed of them too


Layer = dict[str, Raw]


def _flag_layer(given: Mapping[str, Any]) -> Layer:
    return {name: Raw(value, f"flag {SETTINGS[name].option}", SETTINGS[name].option, "flag")
            for name, value in given.items()}  # fmt: skip


def _env_layer(env: Mapping[str, str]) -> Layer:
    layer = {}
    for setting in TABLE:
        text = env.get(setting.env, "").strip() if setting.env else ""
        if setting.env and text:  # an empty variable counts as unset
            layer[setting.name] = Raw(text, f"env {setting.env}", setting.env, "env")
    return layer


def _add(layers: list[Layer], layer: Layer, secrets: list[str]) -> None:
    """Add a layer, remembering its secrets first so no later error can repeat them."""
    for setting in TABLE:
        raw = layer.get(setting.name)
        if setting.secret and raw is not None and isinstance(raw.value, str):
            secrets.append(raw.value.strip())
    layers.append(layer)


def _config_location(flags: Layer, environment: Layer) -> tuple[Path, Raw | None]:
    # The config file's own location can only come from a flag or the environment.
    setting = SETTINGS["config_path"]
    raw = flags.get(setting.name) or environment.get(setting.name)
    return (convert(setting.kind, setting.secret, raw) if raw else setting.default_value()), raw


def config_path_from_args(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> Path:
    """Where config.toml is, without reading any file (so a corrupt one can be located and fixed)."""
    flags = _flag_layer(_given_by_args(args))
    return _config_location(flags, _env_layer(os.environ if env is None else env))[0]


def _load(given: dict[str, Any], env: Mapping[str, str], home: Path, secrets: list[str]) -> Settings:
    from usms_tui.config.toml_file import read_config_toml
    from usms_tui.config.ucloud_profile import load_ucloud_profile

    layers: list[Layer] = []
    flags, environment = _flag_layer(given), _env_layer(env)
    _add(layers, flags, secrets)
    _add(layers, environment, secrets)

    config_path, config_raw = _config_location(flags, environment)
    values, warnings = read_config_toml(config_path, required="config_path" in flags)
    key_map: KeyMap = values.pop("key_map", (MappingProxyType({}), ""))[0]
    toml = {
        name: Raw(value, f"config.toml {config_path}", key, str(config_path))
        for name, (value, key) in values.items()
        if not (isinstance(value, str) and not value.strip())
    }
    _add(layers, toml, secrets)

    profile_setting = SETTINGS["profile"]
    profile_raw = next((layer["profile"] for layer in layers if "profile" in layer), None)
    profile_name = convert(profile_setting.kind, False, profile_raw) if profile_raw else None
    ucloud_config = paths.ucloud_config_file(env, home)
    ucloud_credential = paths.ucloud_credential_file(env, home)
    profile = load_ucloud_profile(
        profile_name, profile_raw.source if profile_raw else None, ucloud_config, ucloud_credential
    )
    warnings += profile.warnings
    label = f"ucloud profile {profile.name!r}"
    profile_layer = {
        name: Raw(value, f"{label} ({path})", key, f"{label} in {path}")
        for name, (value, key, path) in profile.values.items()
    }
    explicit_pair = all(any(name in layer for layer in layers) for name in ("public_key", "private_key"))
    _add(layers, profile_layer, secrets)
    oauth = pick_auth(profile_layer, explicit_pair=explicit_pair)

    resolved: dict[str, Any] = {"config_path": config_path, "profile": profile.name}
    sources: dict[str, str] = {
        "config_path": config_raw.source if config_raw else "default",
        "profile": _profile_source(profile_raw, profile.name, profile.chosen_by, ucloud_config),
    }
    for setting in TABLE:
        if setting.name in resolved:  # they said which files to read, so came first
            continue
        raw = next((layer[setting.name] for layer in layers if setting.name in layer), None)
        resolved[setting.name] = convert(setting.kind, setting.secret, raw) if raw else setting.default_value()
        sources[setting.name] = raw.source if raw else "default"
    resolved["auth_mode"] = OAUTH if oauth else SIGNED
    _check_base_url(resolved, layers)
    warnings += _key_pair_warnings(resolved, sources)
    return Settings(
        **resolved,
        key_map=key_map,
        sources=MappingProxyType({setting.name: sources[setting.name] for setting in TABLE}),
        warnings=tuple(warnings),
        ucloud_config_path=ucloud_config,
        ucloud_credential_path=ucloud_credential,
        profile_problem=profile.problem,
    )


def _check_base_url(resolved: Mapping[str, Any], layers: list[Layer]) -> None:
    # Checked once allow_http is known, naming where the URL was written.
    for name in ("base_url", "oauth_base_url"):
        raw = next((layer[name] for layer in layers if name in layer), None)
        problem = base_url_problem(resolved[name], resolved["allow_http"])
        if problem and raw is not None:
            raise ConfigError(f"{raw.name}={resolved[name]!r} ({raw.origin}): {problem}")


def _key_pair_warnings(resolved: Mapping[str, Any], sources: Mapping[str, str]) -> list[str]:
    if not (resolved["public_key"] and resolved["private_key"]):
        return []
    public_from, private_from = sources["public_key"], sources["private_key"]
    if public_from.split(" ")[0] == private_from.split(" ")[0]:
        return []
    return [
        f"warning: the public key comes from {public_from} but the private key from "
        f"{private_from}; make sure they are one pair"
    ]


def _profile_source(raw: Raw | None, name: str | None, chosen_by: str, config_file: Path) -> str:
    if raw is not None:
        return raw.source
    if name is None:
        return "default"
    return f"active profile in {config_file}"


_printed_warnings: set[str] = set()


def print_warnings(warnings: tuple[str, ...] | list[str], file: TextIO | None = None) -> None:
    """Print each warning to stderr, once per process however many times settings load."""
    for warning in warnings:
        if warning not in _printed_warnings:
            _printed_warnings.add(warning)
            print(f"usms-tui: {warning}", file=file or sys.stderr)


def _given_by_args(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the parsed flags gave (any attribute may be missing)."""
    given: dict[str, Any] = {}
    for setting in TABLE:
        if setting.flag is None:
            continue
        value = getattr(args, setting.attribute, None)
        if setting.kind.switch:
            if value is True:  # False is argparse's "absent" for a store_true flag
                given[setting.name] = True
        elif value is not None:
            given[setting.name] = value
    return given


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
    given = _given_by_args(args)
    given.update({name: value for name, value in (overrides or {}).items() if value is not None})
    settings = load_settings(given, env=env, home=home)
    if not quiet:
        print_warnings(settings.warnings)
    return settings
