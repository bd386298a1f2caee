"""Bad input to the headless commands: refused in one line, exit 2, nothing changed or lost."""

from __future__ import annotations

import json

import pytest


def session_nos(cli) -> list[str]:
    return [s["session_no"] for s in json.loads(cli("list", "--json").stdout)["sessions"]]


@pytest.mark.parametrize("value", ["nan", "inf", "-5m"])
def test_remove_older_than_a_non_duration_removes_nothing(cli, value):
    # float("nan") parses, and a NaN age compares false with everything: every session matched.
    cli("add", "a", "b")
    out = cli("remove", f"--older-than={value}")
    assert out.returncode == 2 and "--older-than" in out.stderr and "Traceback" not in out.stderr
    assert session_nos(cli) == ["a", "b"]


@pytest.mark.parametrize("value", ["nan", "inf", "1e20"])
def test_add_sent_at_that_cannot_be_stored_is_refused(cli, value):
    out = cli("add", "a", "--sent-at", value)
    assert out.returncode == 2 and "--sent-at" in out.stderr and "Traceback" not in out.stderr
    assert not cli.watchlist.exists()


@pytest.mark.parametrize("value", ["nan", "5x", ""])
def test_wait_timeout_that_is_not_a_duration_is_one_line(cli, value):
    out = cli("wait", "--timeout", value)
    assert out.returncode == 2 and "--timeout" in out.stderr and "Traceback" not in out.stderr


def test_imported_json_with_an_unusable_sent_at_is_refused_and_the_file_stays_readable(cli):
    out = cli("add", "-", input='{"sessions": [{"session_no": "x", "sent_at": 1e300}, {"session_no": "y"}]}')
    assert out.returncode == 2 and "sent_at" in out.stderr
    assert session_nos(cli) == ["y"]


def test_export_to_dev_stdout_writes_into_the_pipe(cli):
    cli("add", "s-1", "--phone", "13800000001")
    out = cli("export", "-o", "/dev/stdout", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["status"] == "pending"


def test_check_against_a_closed_port_is_one_line_exit_5(cli, closed_port_url):
    cli("add", "s-1", "s-2")
    cli.env.update(
        UCLOUD_PUBLIC_KEY="pub", UCLOUD_PRIVATE_KEY="private-key-never-shown", UCLOUD_API_BASE_URL=closed_port_url
    )
    out = cli("check", "--json")
    assert out.returncode == 5 and "Traceback" not in out.stderr
    [line] = out.stderr.splitlines()
    assert "connection failed" in line and "gave up after" in line and "(2 sessions)" in line
    assert json.loads(out.stdout)["errors"][0]["kind"] == "transient"
    assert "private-key-never-shown" not in out.stdout + out.stderr


def test_check_with_only_archived_sessions_says_so(cli):
    from usms_tui.store.watchlist import Watchlist

    cli("add", "s-1")
    watchlist = Watchlist(cli.watchlist)
    watchlist.load()
    watchlist.update("s-1", archived=True)
    cli.env.update(UCLOUD_PUBLIC_KEY="pub", UCLOUD_PRIVATE_KEY="priv", UCLOUD_API_BASE_URL="http://127.0.0.1:9")
    out = cli("check")
    assert out.returncode == 0, out.stderr
    assert "all 1 watched are archived" in out.stdout and "Add some" not in out.stdout
