"""A command line naming one command builds that command's parser alone (``add`` without
``remove`` and ``list``), and says exactly what the parser of all the module's commands
says: the same ``--help``, the same errors for bad flags and stray values."""

from __future__ import annotations

import pytest

from usms_tui.cli import main as cli_main
from usms_tui.cli.main import COMMAND_MODULE_OF, _partial_parser

ALL_OF_EACH_MODULE = cli_main.build_parser


def _choices(parser) -> list[str]:
    [commands] = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return list(commands.choices)


def _run(argv: list[str], capsys) -> tuple[object, str, str]:
    try:
        code: object = cli_main.main(argv)
    except SystemExit as stop:  # argparse's --help and usage errors
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def _as_before(argv: list[str], capsys, monkeypatch) -> tuple[object, str, str]:
    """What the command line said when every command of the named one's module was built."""
    with monkeypatch.context() as patch:
        patch.setattr(
            cli_main, "build_parser", lambda modules=cli_main.COMMAND_MODULES, command=None: ALL_OF_EACH_MODULE(modules)
        )
        return _run(argv, capsys)


@pytest.fixture(autouse=True)
def _fixed_width(monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "100")  # argparse wraps --help to the terminal's width
    monkeypatch.setenv("USMS_TUI_WATCHLIST", str(tmp_path / "w.json"))
    monkeypatch.setenv("USMS_TUI_CACHE", str(tmp_path / "c.sqlite3"))
    monkeypatch.setenv("USMS_TUI_CONFIG", str(tmp_path / "c.toml"))


def test_add_builds_its_own_parser_alone_and_a_negative_value_every_one_of_its_module():
    assert _choices(_partial_parser(["watch"], ["add", "usms-x-1"])) == ["add"]
    assert _choices(_partial_parser(["watch"], ["list", "--region", "cn-sh2"])) == ["list"]
    assert _choices(_partial_parser(["watch"], ["add", "x", "--sent-at", "-5"])) == ["add", "remove", "list"]
    # A module registering one command has no register_<command>: built as it always was.
    assert _choices(_partial_parser(["check"], ["check"])) == ["check"]


@pytest.mark.parametrize("command", sorted(COMMAND_MODULE_OF))
def test_every_commands_help_is_as_before(command, capsys, monkeypatch):
    shown = _run([command, "--help"], capsys)
    assert shown[0] == 0 and "usage: usms-tui " + command in shown[1]
    assert shown == _as_before([command, "--help"], capsys, monkeypatch)


@pytest.mark.parametrize(
    "argv",
    [
        ["add", "usms-x-1", "--bogus"],
        ["add", "--label"],  # expected one argument
        ["add", "usms-x-1", "--older-than", "-5m"],  # remove's flag, a value glued to it
        ["add", "usms-x-1", "--interval", "-5"],  # another module's flag
        ["add", "usms-x-1", "--phone", "-5"],  # a negative value of add's own flag, refused
        ["add", "usms-x-1", "--settled"],  # remove's switch
        ["remove", "--label", "x", "usms-x-1"],  # add's flag
        ["remove", "--older-than"],
        ["list", "--phone", "13800000000"],  # add's flag
        ["list", "usms-x-1"],  # list takes no SessionNo
        ["list", "--json", "--bogus=1"],
        ["--region", "list", "add"],  # the first word is an option's value, not the command
    ],
)
def test_a_bad_command_line_is_refused_as_before(argv, capsys, monkeypatch):
    shown = _run(argv, capsys)
    assert shown[0] != 0
    assert shown == _as_before(argv, capsys, monkeypatch)


@pytest.mark.parametrize("argv", [["--region", "add", "list"], ["list", "--json"], ["list", "--timeout", "-5"]])
def test_a_command_line_that_reads_is_answered_as_before(argv, capsys, monkeypatch):
    assert _run(argv, capsys) == _as_before(argv, capsys, monkeypatch)
