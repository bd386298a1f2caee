"""``usms-tui config show|path|example``: what the effective settings are and where they came from.

A secret (the private key) is never printed: ``show`` says only that it is set and where it
came from, and the whole output is scrubbed of it in case it was pasted into another setting. Which settings are
listed, in what order and how, is the settings table.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from usms_tui.domain import json_safety

#: On a terminal, a value wider than what leaves room for SOURCE (a deep path) gets its own
#: line, its source under SOURCE on the next; the column stays at least this wide.
MIN_VALUE_WIDTH = 20
PATH_NAMES = ("config", "watchlist", "cache", "ucloud-config", "ucloud-credential", "all")
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
        from usms_tui.config.toml_file import example_text

        print(example_text(), end="")
        return 0
    if action == "path":
        return run_path(args)
    return run_show(args)


def _credentials_status(settings: Any) -> str:
    from usms_tui.domain.errors import ConfigError

    try:
        settings.login()
    except ConfigError as error:
        return f"missing: {error}"
    return "ok (OAuth login: Bearer token)" if settings.auth_mode == "oauth" else "ok"


def run_show(args: argparse.Namespace) -> int:
    """Print every effective setting with its source (text table or ``--json``)."""
    from usms_tui.cli._common import terminal_width
    from usms_tui.config.keys import key_rows
    from usms_tui.config.settings import settings_from_args
    from usms_tui.config.table import TABLE

    settings = settings_from_args(args, quiet=True)  # warnings are part of this output
    files = {
        "ucloud_config": settings.ucloud_config_path,
        "ucloud_credential": settings.ucloud_credential_path,
    }
    credentials = _credentials_status(settings)
    keys = key_rows(settings.key_map, f"config.toml {settings.config_path}")
    if getattr(args, "json", False):
        document = {
            "settings": {
                setting.name: {
                    "value": setting.json(getattr(settings, setting.name)),
                    "source": settings.sources[setting.name],
                }
                for setting in TABLE
            },
            "files": {
                name: {"path": str(path), "exists": bool(path and path.exists())} for name, path in files.items()
            },
            "keys": {name.partition(".")[2]: {"value": value, "source": source} for name, value, source in keys},
            "credentials": credentials,
            "warnings": list(settings.warnings),
        }
        print(settings.scrub(json_safety.dumps(document, indent=2)))
        return 0
    rows = [(s.name, s.show(getattr(settings, s.name)), settings.sources[s.name]) for s in TABLE]
    width = max(len(value) for _, value, _ in rows)
    columns = terminal_width()
    if columns is not None:  # on a terminal, keep SOURCE on screen: longer values get a line each
        width = min(width, max(MIN_VALUE_WIDTH, columns - 18 - max(len(source) for _, _, source in rows)))
    lines = [f"{'SETTING':<15} {'VALUE':<{width}}  SOURCE"]
    for name, value, source in rows:
        if len(value) <= width:
            lines.append(f"{name:<15} {value:<{width}}  {source}")
        else:  # a long path: whole on its line, its source below in the SOURCE column
            lines += [f"{name:<15} {value}", f"{'':<15} {'':<{width}}  {source}"]
    lines += ["", *_key_lines(keys), ""]
    for name, path in files.items():
        state = "found" if path and path.exists() else "not found"
        lines.append(f"{name.replace('_', ' ')} file: {path} ({state})")
    lines.append(f"credentials: {credentials}")
    lines += list(settings.warnings)
    print(settings.scrub("\n".join(lines)))
    return 0


def _key_lines(rows: list[tuple[str, str, str]]) -> list[str]:
    """The effective key map as its own small table: each action as config.toml's [keys] names
    it, its keys, and whether [keys] or the default gave them."""
    names = max(len(name) for name, _, _ in rows)
    width = max(len(keys) for _, keys, _ in rows)
    return [f"{'ACTION':<{names}} {'KEYS':<{width}}  SOURCE"] + [
        f"{name:<{names}} {keys:<{width}}  {source}" for name, keys, source in rows
    ]


def run_path(args: argparse.Namespace) -> int:
    """Print one file location, or all of them labelled."""
    from usms_tui.config import paths
    from usms_tui.config.settings import config_path_from_args

    which = getattr(args, "which", "config")
    env = os.environ
    direct = {
        # Computed without reading any file, so a corrupt file can still be located and fixed.
        "config": config_path_from_args(args, env),
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
