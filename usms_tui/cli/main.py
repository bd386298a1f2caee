"""The ``usms-tui`` command line: argparse subcommands, each defined in ``usms_tui.cli``.

Kept import-light so ``--help`` and ``--version`` start fast: textual is imported only when
the UI opens, and each command module imports what it needs inside its ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from usms_tui import __version__
from usms_tui.domain.errors import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, UserError

#: Subcommand modules under ``usms_tui.cli``; each has ``register(subparsers, common)``.
COMMAND_MODULES: tuple[str, ...] = ("simulate", "config", "watch", "export", "ui", "demo", "check", "wait")


def common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand (SUPPRESS keeps the last one given)."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("common options")
    s = argparse.SUPPRESS
    group.add_argument("--watchlist", metavar="PATH", default=s, help="watchlist file (env USMS_TUI_WATCHLIST)")
    group.add_argument("--config", metavar="PATH", default=s, help="config.toml to read (env USMS_TUI_CONFIG)")
    group.add_argument("--profile", metavar="NAME", default=s, help="ucloud CLI profile (env UCLOUD_PROFILE)")
    group.add_argument("--project-id", metavar="ID", default=s, help="UCloud project (env UCLOUD_PROJECT_ID)")
    group.add_argument("--region", metavar="REGION", default=s, help="UCloud region (env UCLOUD_REGION)")
    group.add_argument("--base-url", metavar="URL", default=s, help="API base URL (env UCLOUD_API_BASE_URL)")
    group.add_argument("--timeout", metavar="SECONDS", default=s, help="HTTP timeout (env UCLOUD_TIMEOUT_SECOND)")
    group.add_argument(
        "--allow-http", action="store_true", default=s, help="allow plain http:// to a non-loopback host"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="usms-tui",
        description="Watch UCloud SMS (USMS) delivery receipts. With no command, opens the UI.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"usms-tui {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"usms_tui.cli.{name}")
        module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["ui", *(argv if argv is not None else sys.argv[1:])])
    try:
        return int(args.run(args) or 0)
    except UserError as error:
        print(f"usms-tui: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # ``usms-tui check --json | head -1``: the reader left early. Not worth a traceback;
        # point stdout at /dev/null so the interpreter's final flush cannot raise again, and
        # exit as a tool killed by SIGPIPE would.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
