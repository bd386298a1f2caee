"""``usms-tui config show|path|example``: what the effective settings are and where they came from.

The private key is never printed: ``show`` gives only its length, and the whole output is
scrubbed of it in case it was pasted into another setting.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

PATH_NAMES = ("config", "watchlist", "cache", "ucloud-config", "ucloud-credential", "all")
DURATIONS = ("timeout", "interval", "warn_after")
EPILOG = """\
exit codes:
  0  shown (missing credentials are reported in the output, not as an error)
  2  a bad setting, a corrupt config.toml or ucloud file, or an unknown --profile
"""


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``config`` with its actions ``show`` (the default), ``path`` and ``example``."""
    parser = subparsers.add_parser(
        "config",
        parents=[common],
        help="show effective settings, where each came from, and file locations",
        description="Show effective settings and where each came from (flag, env, config.toml, "
        "ucloud profile or default). The private key is always masked.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # SUPPRESS so `config --json` (show is the default action) and `config show --json` both work:
    # a subparser's False default would otherwise overwrite the parent's True.
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="show as JSON")
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION")
    show = actions.add_parser("show", parents=[common], help="every setting, its value and source (default)")
    show.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    path = actions.add_parser("path", parents=[common], help="print a file location (default: config.toml)")
    path.add_argument("which", nargs="?", choices=PATH_NAMES, default="config", help="which file")
    actions.add_parser("example", parents=[common], help="print a commented example config.toml")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Dispatch on the action; ``usms-tui config`` alone means ``show``."""
    action = getattr(args, "config_action", None) or "show"
    if action == "example":
        from usms_tui.config.toml_file import EXAMPLE

        print(EXAMPLE, end="")
        return 0
    if action == "path":
        return run_path(args)
    return run_show(args)


def mask_secret(secret: str | None) -> str | None:
    """``****(40 chars)``: enough to see a key is set and not truncated, nothing of it."""
    return None if not secret else f"****({len(secret)} chars)"


def format_seconds(seconds: float) -> str:
    """``15s``, ``2.5s``, ``12h``, ``1h30m``: a form config.toml accepts back."""
    if seconds != int(seconds) or seconds < 60:
        return f"{seconds:g}s"
    rest, parts = int(seconds), []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def _json_value(name: str, value: Any) -> Any:
    if name == "private_key":
        return mask_secret(value)
    if isinstance(value, Path):
        return str(value)
    return value


def _text_value(name: str, value: Any) -> str:
    if name == "private_key":
        value = mask_secret(value)
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in DURATIONS:
        return format_seconds(value)
    text = str(value)
    # Values from files are untrusted: never let them send escape sequences to the terminal.
    return text if text.isprintable() else repr(text)


def _scrub(text: str, secret: str | None) -> str:
    if secret and len(secret) >= 6:
        text = text.replace(secret, "****")
    return text


def _credentials_status(settings: Any) -> str:
    from usms_tui.domain.errors import ConfigError

    try:
        settings.credentials()
    except ConfigError as error:
        return f"missing: {error}"
    return "ok"


def run_show(args: argparse.Namespace) -> int:
    """Print every effective setting with its source (text table or ``--json``)."""
    from usms_tui.config.settings import SETTING_NAMES, settings_from_args

    settings = settings_from_args(args, quiet=True)  # warnings are part of this output
    files = {
        "ucloud_config": settings.ucloud_config_path,
        "ucloud_credential": settings.ucloud_credential_path,
    }
    credentials = _credentials_status(settings)
    if getattr(args, "json", False):
        document = {
            "settings": {
                name: {"value": _json_value(name, getattr(settings, name)), "source": settings.sources[name]}
                for name in SETTING_NAMES
            },
            "files": {
                name: {"path": str(path), "exists": bool(path and path.exists())} for name, path in files.items()
            },
            "credentials": credentials,
            "warnings": list(settings.warnings),
        }
        print(_scrub(json.dumps(document, indent=2, ensure_ascii=False), settings.private_key))
        return 0
    rows = [(name, _text_value(name, getattr(settings, name)), settings.sources[name]) for name in SETTING_NAMES]
    width = min(44, max(len(value) for _, value, _ in rows))
    lines = [f"{'SETTING':<15} {'VALUE':<{width}}  SOURCE"]
    lines += [f"{name:<15} {value:<{width}}  {source}" for name, value, source in rows]
    lines.append("")
    for name, path in files.items():
        state = "found" if path and path.exists() else "not found"
        lines.append(f"{name.replace('_', ' ')} file: {path} ({state})")
    lines.append(f"credentials: {credentials}")
    lines += list(settings.warnings)
    print(_scrub("\n".join(lines), settings.private_key))
    return 0


def run_path(args: argparse.Namespace) -> int:
    """Print one file location, or all of them labelled."""
    from usms_tui.config import paths

    which = getattr(args, "which", "config")
    env = os.environ
    direct = {
        # Computed without reading any file, so a corrupt file can still be located and fixed.
        "config": Path(args.config).expanduser() if getattr(args, "config", None) else paths.config_file(env),
        "ucloud-config": paths.ucloud_config_file(env),
        "ucloud-credential": paths.ucloud_credential_file(env),
    }
    if which in direct:
        print(direct[which])
        return 0
    from usms_tui.config.settings import settings_from_args

    settings = settings_from_args(args)
    found = {**direct, "watchlist": settings.watchlist_path, "cache": settings.cache_path}
    if which != "all":
        print(found[which])
        return 0
    for name in PATH_NAMES[:-1]:
        print(f"{name:<18} {found[name]}")
    return 0
