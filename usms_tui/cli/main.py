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
from usms_tui.config.flags import setting_options
from usms_tui.domain.errors import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, UsmsError
from usms_tui.domain.text import safe

#: Subcommand modules under ``usms_tui.cli``; each has ``register(subparsers, common)``.
COMMAND_MODULES: tuple[str, ...] = (
    "simulate", "config", "watch", "export", "ui", "demo", "check", "wait", "doctor", "monitor", "metrics",
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    common = setting_options()  # the flags every command takes, before or after its name
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
    from usms_tui.cli._process import disable_core_dumps, safe_streams

    disable_core_dumps()
    with safe_streams():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["ui", *(argv if argv is not None else sys.argv[1:])])
    try:
        from usms_tui.domain.receipt_codes import check_installed  # here: --help stays light

        check_installed()  # a broken install says so now, naming the file, not mid-refresh
        return int(args.run(args) or 0)
    except UsmsError as error:
        # Every expected failure, whatever layer raised it: one line, its own exit code. The
        # message may quote a file or the API, so it is made safe for the terminal.
        print(f"usms-tui: error: {safe(error)}", file=sys.stderr)
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
