"""Every setting, spelled once: its kind, default, environment variable, config.toml key and flag.

Everything else is generated from :data:`TABLE`: the command-line flags
(:mod:`usms_tui.config.flags`), reading the environment and the flags back
(:mod:`usms_tui.config.settings`), the config.toml keys and ``config example``
(:mod:`usms_tui.config.toml_file`), the order, formatting and masking of ``config show``, and
the defaults of :class:`~usms_tui.config.settings.Settings` (whose fields a test holds to this
table). The ``ucloud`` CLI's own files are read by :mod:`usms_tui.config.ucloud_profile`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from usms_tui.config import paths
from usms_tui.config.values import PATH, PERCENT, SWITCH, TEXT, Kind, Seconds, Whole
from usms_tui.domain.base_url import DEFAULT_BASE_URL, DEFAULT_OAUTH_BASE_URL
from usms_tui.domain.overdue import DEFAULT_WARN_AFTER


@dataclass(frozen=True)
class Setting:
    """One setting. ``None`` in a column means it cannot be set that way."""

    name: str  #: the Settings field, and the name ``config show`` lists
    kind: Kind
    help: str  #: one line: the flag's help and the comment in ``config example``
    default: Any = None  #: the value when nothing sets it (None: not set)
    default_factory: Callable[[], Any] | None = None  #: for a default that depends on the platform
    env: str | None = None  #: the environment variable
    toml: str | None = None  #: ``section.key`` in config.toml
    flag: str | None = None  #: the command-line flag
    metavar: str | None = None  #: what follows the flag in ``--help`` (default: the kind's)
    commands: tuple[str, ...] | None = None  #: the commands taking the flag; None: every one (common)
    shadowed_by: tuple[str, ...] = ()  #: commands with an option of their own spelled like the flag
    secret: bool = False  #: never shown, repeated in an error, or accepted as a flag
    example: str | None = None  #: a value ``config example`` shows, commented out, when the default is None

    @property
    def section(self) -> str | None:
        return self.toml.partition(".")[0] if self.toml else None

    @property
    def key(self) -> str | None:
        return self.toml.partition(".")[2] if self.toml else None

    @property
    def toml_name(self) -> str:
        """``[ui] interval``: how an error names the key it is about."""
        return f"[{self.section}] {self.key}"

    @property
    def option(self) -> str:
        """The flag, or for a setting without one the ``--name`` that overrides are called by."""
        return self.flag or "--" + self.name.replace("_", "-")

    @property
    def attribute(self) -> str:
        """The argparse attribute the flag stores its value under."""
        return self.option.removeprefix("--").replace("-", "_")

    def default_value(self) -> Any:
        return self.default_factory() if self.default_factory is not None else self.default

    def takes_flag(self, command: str | None) -> bool:
        """Whether ``command``'s parser (None: the common options) defines this setting's flag."""
        if self.flag is None or command in self.shadowed_by:
            return False
        if self.commands is None:
            return True
        return command is not None and command in self.commands

    def show(self, value: Any) -> str:
        """For ``config show``: ``(not set)``, a secret masked, a duration as ``30s``."""
        if self.secret:
            value = mask_secret(value)
        if value is None:
            return "(not set)"
        text = value if self.secret else self.kind.show(value)
        # Values from files are untrusted: never let them send escape sequences to the terminal.
        return text if text.isprintable() else repr(text)

    def json(self, value: Any) -> Any:
        """For ``config show --json``: a secret masked, a path as text."""
        if self.secret:
            return mask_secret(value)
        return None if value is None else self.kind.json(value)


#: What ``config show`` says of a secret that is set: that it is, and nothing of it (not
#: even its length, which narrows a guess); the source column says where it came from.
SECRET_SET = "set (hidden)"


def mask_secret(secret: str | None) -> str | None:
    """:data:`SECRET_SET` when ``secret`` is set, else None."""
    return None if not secret else SECRET_SET


#: Every setting, in the order ``config show`` lists them.
TABLE: tuple[Setting, ...] = (
    Setting("public_key", TEXT, "UCloud API public key", env="UCLOUD_PUBLIC_KEY", toml="ucloud.public_key",
            example="..."),
    Setting("private_key", TEXT, "UCloud API private key: a key in this file makes it a secret, chmod 600 it",
            env="UCLOUD_PRIVATE_KEY", toml="ucloud.private_key", secret=True, example="..."),
    Setting("project_id", TEXT, "UCloud project; sub-accounts must set one", env="UCLOUD_PROJECT_ID",
            toml="ucloud.project_id", flag="--project-id", metavar="ID", example="org-xxxxxx"),
    Setting("region", TEXT, "UCloud region", env="UCLOUD_REGION", toml="ucloud.region", flag="--region",
            metavar="REGION", example="cn-sh2"),
    Setting("zone", TEXT, "UCloud zone", env="UCLOUD_ZONE", toml="ucloud.zone", example="cn-sh2-02"),
    Setting("base_url", TEXT, "API base URL: https, or http:// only to loopback",
            default=DEFAULT_BASE_URL, env="UCLOUD_API_BASE_URL", toml="ucloud.base_url", flag="--base-url",
            metavar="URL"),
    # 15 s is the ucloud CLI's default; the SDKs' 30 s is long for a monitor.
    Setting("timeout", Seconds(0, "not a positive number of seconds (e.g. 15, 2.5 or 15s)"), "HTTP timeout",
            default=15.0, env="UCLOUD_TIMEOUT_SECOND", toml="ucloud.timeout", flag="--timeout",
            metavar="SECONDS", shadowed_by=("wait",)),  # wait's --timeout is its overall deadline
    Setting("allow_http", SWITCH, "allow plain http:// to a non-loopback host", default=False,
            toml="ucloud.allow_http", flag="--allow-http"),
    Setting("channel_key", TEXT, "channel key of a dedicated-cloud channel, sent as the channel-key header",
            env="UCLOUD_CHANNEL_KEY", toml="ucloud.channel_key", flag="--channel-key", metavar="KEY",
            example="..."),
    Setting("profile", TEXT, "ucloud CLI profile to read instead of its active one", env="UCLOUD_PROFILE",
            toml="ucloud.profile", flag="--profile", metavar="NAME", example="default"),
    # What a `ucloud auth login` profile holds: read from the profile only, and written back there.
    Setting("auth_mode", TEXT, "signed (key pair) or oauth (the Bearer token of a ucloud auth login profile)",
            default="signed"),
    Setting("access_token", TEXT, "OAuth access token of the ucloud profile", secret=True),
    Setting("refresh_token", TEXT, "OAuth refresh token of the ucloud profile", secret=True),
    Setting("expires_at", Whole(0, 2**53), "when the OAuth access token expires (Unix seconds)"),
    Setting("oauth_base_url", TEXT, "where OAuth tokens are renewed: https, or http:// only to loopback",
            default=DEFAULT_OAUTH_BASE_URL),
    # The config file cannot name itself: no TOML key.
    Setting("config_path", PATH, "config.toml to read", default_factory=paths.config_file,
            env="USMS_TUI_CONFIG", flag="--config"),
    Setting("watchlist_path", PATH, "watchlist file",
            default_factory=paths.watchlist_file, env="USMS_TUI_WATCHLIST", toml="paths.watchlist",
            flag="--watchlist", example="~/usms/watchlist.json"),
    Setting("cache_path", PATH, "receipt cache (sqlite; disposable)", default_factory=paths.cache_file,
            env="USMS_TUI_CACHE", toml="paths.cache", example="~/usms/receipts.sqlite3"),
    Setting("state_path", PATH, "UI state: the theme picked in ctrl+p (disposable)",
            default_factory=paths.ui_state_file, env="USMS_TUI_STATE", toml="paths.state",
            example="~/usms/ui-state.json"),
    Setting("interval", Seconds(1, "not a duration of at least 1 second (e.g. 30s, 2m)"),
            "pause between refreshes", default=30.0, toml="ui.interval", flag="--interval",
            commands=("wait", "monitor")),
    Setting("warn_after", Seconds(0, "not a positive duration (e.g. 12h, 90m, 3600)"),
            "flag a message with no final receipt after this long", default=DEFAULT_WARN_AFTER,
            toml="ui.warn_after"),
    Setting("batch_size", Whole(1, 100), "SessionNos per request", default=100, toml="api.batch_size"),
    Setting("concurrency", Whole(1, 16), "requests in flight", default=4, toml="api.concurrency"),
    Setting("max_retry_times", Whole(0, 20), "retries of a request after a transient failure (as the ucloud CLI)",
            default=3, toml="api.max_retry_times", flag="--max-retry-times"),
    Setting("bell", SWITCH, "ring the terminal bell on new failures", default=False, toml="ui.bell"),
    Setting("theme", TEXT, "Textual theme name", toml="ui.theme", example="textual-dark"),
    Setting("mask_phones", SWITCH, "show 138****5678 instead of full numbers", default=True,
            toml="ui.mask_phones"),
    Setting("read_only", SWITCH, "no add, delete or label keys: for a screen others watch too", default=False,
            toml="ui.read_only", flag="--read-only", commands=("ui", "demo")),
    Setting("no_mouse", SWITCH, "leave the mouse to the terminal, so its own selection and scrollback work "
            "over SSH", default=False, toml="ui.no_mouse", flag="--no-mouse", commands=("ui", "demo")),
    # Thresholds: check exits 7 when one is crossed; the UI's status line and monitor show it.
    Setting("fail_above", PERCENT, "alert when more than PCT of the phones with a final receipt were not "
            "delivered", toml="alerts.fail_above", flag="--fail-above", commands=("check", "monitor"),
            example="5%"),
    Setting("overdue_above", Whole(0, 1_000_000), "alert when more than N sessions are overdue",
            toml="alerts.overdue_above", flag="--overdue-above", commands=("check", "monitor"), example="0"),
    Setting("on_event", TEXT, "shell command run once per event, the event as JSON on stdin",
            toml="alerts.on_event", flag="--on-event", metavar="CMD", commands=("ui", "wait", "monitor"),
            example="jq -c . >> ~/usms-events.jsonl"),
    Setting("hook_timeout", Seconds(0, "not a positive duration (e.g. 10s, 1m)"),
            "kill an --on-event command (and what it started) after this long", default=10.0,
            toml="alerts.hook_timeout"),
)  # fmt: skip

#: config.toml's one table that holds no setting: the UI's keys (:mod:`usms_tui.config.keys`).
#: Spelled here, so reading a config.toml can tell it apart without importing that module.
KEYS_SECTION = "keys"

SETTINGS: Mapping[str, Setting] = MappingProxyType({setting.name: setting for setting in TABLE})


def default(name: str) -> Any:
    """The default of setting ``name``, for code outside the settings that needs one."""
    return SETTINGS[name].default_value()


def toml_keys() -> dict[str, dict[str, Setting]]:
    """section -> key -> setting, in table order."""
    sections: dict[str, dict[str, Setting]] = {}
    for setting in TABLE:
        if setting.section and setting.key:
            sections.setdefault(setting.section, {})[setting.key] = setting
    return sections
