"""Usage errors name the command they belong to, and a negative duration is called one."""

from __future__ import annotations

import pytest

from usms_tui.cli.main import main


@pytest.fixture(autouse=True)
def _no_user_files(monkeypatch, tmp_path):
    for name in ("USMS_TUI_WATCHLIST", "USMS_TUI_CACHE", "USMS_TUI_CONFIG"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["list", "--bogus"], "usage: usms-tui list "),
        (["export", "--json", "x"], "usage: usms-tui export "),
        (["config", "show", "--bogus"], "usage: usms-tui config show "),
        (["--bogus"], "usage: usms-tui [-h]"),  # no command: the top-level usage is the right one
    ],
)
def test_an_unknown_option_prints_the_usage_of_its_command(capsys, argv, usage):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage) and "unrecognized arguments:" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["wait", "--timeout", "-5m"],
        ["wait", "--timeout=-5m"],
        ["remove", "--older-than", "-3d"],
    ],
)
def test_a_negative_duration_is_named_not_expected_one_argument(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "is a negative duration, which is not allowed" in err, err
    assert "expected one argument" not in err


def test_a_negative_setting_reaches_the_setting_check(capsys):
    assert main(["wait", "--interval", "-30s"]) == 2
    err = capsys.readouterr().err
    assert "--interval='-30s'" in err and "at least 1 second" in err and "expected one argument" not in err


def test_a_value_after_double_dash_is_left_alone(capsys):
    assert main(["add", "--", "-5"]) == 0  # a SessionNo that starts with a dash
    assert "added 1" in capsys.readouterr().out
