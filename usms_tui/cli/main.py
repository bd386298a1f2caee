"""The ``usms-tui`` command line: argparse subcommands, each defined in ``usms_tui.cli``.

Kept import-light so ``--help`` and ``--version`` start fast: textual is imported only when
the UI opens, and each command module imports what it needs inside its ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Iterator, Sequence

from usms_tui import __version__

#: Subcommand modules under ``usms_tui.cli``; each has ``register(subparsers, common)``.
COMMAND_MODULES: tuple[str, ...] = (
    "simulate", "config", "watch", "export", "ui", "demo", "check", "wait", "doctor", "monitor", "metrics",
)  # fmt: skip
#: Which module registers each command, so ``usms-tui check --help`` (or any ``check``) imports
#: that module alone; a test holds this to what the modules really register.
COMMAND_MODULE_OF: dict[str, str] = {
    "simulate": "simulate", "config": "config", "add": "watch", "remove": "watch", "list": "watch",
    "export": "export", "ui": "ui", "demo": "demo", "check": "check", "wait": "wait", "doctor": "doctor",
    "monitor": "monitor", "metrics": "metrics",
}  # fmt: skip


def build_parser(modules: Sequence[str] = COMMAND_MODULES, *, command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line (or only the commands of ``modules``). With ``command``, a
    module that registers several commands builds that one alone when it has a
    ``register_<command>`` (``watch``: ``add`` needs neither ``remove`` nor ``list``)."""
    from usms_tui.config.flags import setting_options

    common = setting_options()  # the flags every command takes, before or after its name
    parser = argparse.ArgumentParser(
        prog="usms-tui",
        description="Watch UCloud SMS (USMS) delivery receipts. With no command, opens the UI.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"usms-tui {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        module = importlib.import_module(f"usms_tui.cli.{name}")
        register = getattr(module, f"register_{command}", None) if command else None
        (register or module.register)(subparsers, common)
    return parser


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and every subcommand parser under it."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _parsers(sub)


def _glue_negative_values(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``--timeout -5m`` -> ``--timeout=-5m``: argparse takes ``-5m`` for an option and says
    "expected one argument"; glued, the value reaches its parser, which says what is wrong."""
    takes_value = {
        option
        for each in _parsers(parser)
        for action in each._actions
        if action.nargs is None and action.option_strings
        for option in action.option_strings
    }
    out: list[str] = []
    for arg in argv:
        if "--" in out:  # after "--" everything is positional
            out.append(arg)
        elif out and out[-1] in takes_value and _LOOKS_NEGATIVE.match(arg):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


_LOOKS_NEGATIVE = re.compile(r"^-\.?\d")


def _value_before_command(parser: argparse.ArgumentParser, argv: list[str]) -> bool:
    """The first word that is not an option is the value of the option before it (``--config
    check``): then it is not the command, and the partial parser is the wrong one."""
    takes_value = {option for action in parser._actions if action.nargs is None for option in action.option_strings}
    for before, arg in zip(["", *argv], argv, strict=False):
        if not arg.startswith("-"):
            return before in takes_value
    return False


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse; an unknown option is reported with the usage of the command it was given to
    (``list --bogus`` shows ``list``'s usage, ``config show --bogus`` that of ``show``)."""
    args, extras = parser.parse_known_args(argv)
    if args.command is None and not extras:
        args, extras = parser.parse_known_args(["ui", *argv])
    if extras:
        culprit = parser
        while True:
            sub = next((a for a in culprit._actions if isinstance(a, argparse._SubParsersAction)), None)
            chosen = getattr(args, sub.dest, None) if sub is not None and sub.dest else None
            if sub is None or chosen not in sub.choices:
                break
            culprit = sub.choices[chosen]
        culprit.error(f"unrecognized arguments: {' '.join(extras)}")
    return args


def _command_in(argv: Sequence[str]) -> str | None:
    """The first word that is not an option: the command, unless it is an option's value."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _modules_for(argv: Sequence[str]) -> Sequence[str]:
    """The command modules a command line needs: the named command's alone, else all (the
    UI by default, the top-level help's list of commands, a misspelt command's suggestions)."""
    module = COMMAND_MODULE_OF.get(_command_in(argv) or "")
    return (module,) if module is not None else COMMAND_MODULES


def _partial_parser(modules: Sequence[str], argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser of the named command alone. A value that looks negative is glued to the
    option before it when any command built takes that option (``_glue_negative_values``), so
    with one the module's every command is built, and each error reads as it always has."""
    if any(_LOOKS_NEGATIVE.match(arg) for arg in argv):
        return build_parser(modules)
    return build_parser(modules, command=_command_in(argv))


def main(argv: Sequence[str] | None = None) -> int:
    given = list(argv if argv is not None else sys.argv[1:])
    if given == ["--version"]:  # the one answer that needs no parser, no settings, no command
        sys.stdout.write(f"usms-tui {__version__}\n")
        return 0
    from usms_tui.cli._process import disable_core_dumps, safe_streams

    disable_core_dumps()
    with safe_streams():
        return _main(given)


def _main(given: list[str]) -> int:
    import signal

    from usms_tui.cli._signals import Terminated, after_hangup, exits_cleanly
    from usms_tui.domain.errors import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, UsmsError
    from usms_tui.domain.text import safe

    modules = _modules_for(given)
    parser = build_parser() if modules == COMMAND_MODULES else _partial_parser(modules, given)
    glued = _glue_negative_values(parser, given)
    if modules != COMMAND_MODULES and _value_before_command(parser, glued):
        parser = build_parser()  # the first word was an option's value, not the command
        glued = _glue_negative_values(parser, given)
    args = _parse(parser, glued)
    try:
        from usms_tui.domain.code_table_path import code_table_on_disk  # here: --help stays light

        if not code_table_on_disk():  # one stat; the table's reader only when it is not there
            from usms_tui.domain.receipt_codes import check_installed

            check_installed()  # a broken install says so now, naming the file, not mid-refresh
        with exits_cleanly():
            return int(args.run(args) or 0)
    except Terminated as stopped:
        if stopped.signum == signal.SIGHUP:
            after_hangup()
        return stopped.exit_code
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
