"""Every headless command documents its exit codes in --help, and registering is import-light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.process_env import isolated_env
from usms_tui.cli.main import build_parser

COMMANDS = ["add", "remove", "list", "check", "wait", "export", "config", "doctor", "monitor", "metrics"]


def _subparser(name):
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices[name]


@pytest.mark.parametrize("name", COMMANDS)
def test_help_documents_exit_codes(name):
    text = _subparser(name).format_help()
    assert "exit codes:" in text
    assert "\n  0  " in text and "\n  2  " in text


def test_wait_documents_its_own_codes_and_timeout_is_the_deadline():
    text = _subparser("wait").format_help()
    for code in ("0", "1", "3", "4"):
        assert f"\n  {code}  " in text
    args = build_parser().parse_args(["wait", "--timeout", "10m"])
    assert args.wait_timeout == "10m" and not hasattr(args, "timeout")
    # The common HTTP --timeout still works for every other command.
    assert build_parser().parse_args(["check", "--timeout", "5"]).timeout == "5"


def test_registering_commands_imports_no_http_or_ui_library():
    code = (
        "import sys; from usms_tui.cli.main import build_parser; build_parser(); "
        "print(sorted(m for m in ('httpx', 'textual', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_add_reads_no_receipt_code_table_and_a_missing_one_is_still_named(tmp_path, monkeypatch, capsys):
    # `add` never explains a code: the install check is one stat, not the table's reader
    # (which compiles the cause rules), unless the file is not where an install puts it.
    code = (
        "import sys, runpy; sys.argv = ['usms-tui', 'add', 'usms-x-1'];\n"
        "try:\n    runpy.run_module('usms_tui', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('usms_tui.domain.receipt_codes', 'usms_tui.domain.causes') if m in sys.modules))"
    )
    env = isolated_env(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr

    from usms_tui.cli import main as cli_main
    from usms_tui.domain import code_table_path

    monkeypatch.setattr(code_table_path, "CODE_TABLE_FILE", tmp_path / "absent.tsv")
    monkeypatch.setattr("usms_tui.domain.receipt_codes.DATA_NAME", "data/absent.tsv")
    monkeypatch.setenv("USMS_TUI_WATCHLIST", str(tmp_path / "w.json"))
    assert cli_main.main(["list"]) != 0  # a broken install still says so, naming the file
    assert "receipt-code table" in capsys.readouterr().err
