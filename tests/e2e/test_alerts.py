"""Thresholds and event hooks against the simulator: check's exit 7 and what wins over it, and
every event kind told once, never again after a restart, with failing and hanging hooks."""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path

import pytest

from tests.e2e.test_cli_check import watch
from usms_tui.simulator import Scenario

ALL_FAIL = Scenario(never_share=0.0, fast_share=1.0, success_share=0.0, fail_share=1.0, long_share=0.0)
HALF_FAIL = Scenario(never_share=0.0, fast_share=1.0, success_share=0.5, fail_share=0.5, long_share=0.0)
#: Never sent through the simulator, so it never gets a receipt: pending for ever.
SILENT = "never-answered-0001"


def add_overdue(cli, session_no=SILENT, hours=13):
    sent_at = str(int(time.time() - hours * 3600))
    out = cli("add", session_no, "--sent-at", sent_at, "--phone", "13700000000", "--label", "silent")
    assert out.returncode == 0, out.stderr


def write_config(cli, text: str) -> None:
    path = Path(cli.env["USMS_TUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_check_exits_7_above_a_threshold_and_says_which_in_json(cli, make_sim):
    server = make_sim(ALL_FAIL)
    watch(cli, server, sessions=2, phones=2)
    out = cli("check", "--json", "--fail-above", "10%")
    assert out.returncode == 7, out.stderr
    doc = json.loads(out.stdout)
    assert doc["alerts"] == [{"rule": "fail_above", "value": 100.0, "threshold": 10.0}]
    assert "usms-tui: alert: 100% of final receipts not delivered (above 10%)" in out.stderr
    assert cli("check", "--fail-above", "100%").returncode == 0  # not above 100
    add_overdue(cli)
    out = cli("check", "--json", "--overdue-above", "0")
    assert out.returncode == 7 and json.loads(out.stdout)["alerts"] == [
        {"rule": "overdue_above", "value": 1, "threshold": 0}
    ]
    assert cli("check", "--overdue-above", "1").returncode == 0
    # The same rule from config.toml, for the UI and monitor too.
    write_config(cli, '[alerts]\nfail_above = "50%"\n')
    assert cli("check").returncode == 7
    assert cli("check", "--fail-above", "100").returncode == 0  # the flag wins over the file


@pytest.mark.parametrize(("fault", "code"), [("ret171", 4), ("http503", 5), ("ret230", 6)])
def test_untrusted_data_wins_over_a_crossed_threshold(cli, make_sim, fault, code):
    server = make_sim(ALL_FAIL)
    watch(cli, server, sessions=1, phones=2)
    assert cli("check").returncode == 0  # now cached: 100% failed
    add_overdue(cli)  # a session still polled, so the fault is met
    server.simulator.add_fault(fault)
    out = cli("check", "--json", "--fail-above", "10%", "--overdue-above", "0")
    assert out.returncode == code, out.stderr
    assert [a["rule"] for a in json.loads(out.stdout)["alerts"]] == ["fail_above", "overdue_above"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--fail-above", "150%"], "--fail-above='150%' (flag): over 100%"),
        (["--fail-above", "abc"], "--fail-above='abc' (flag): not a percentage"),
        (["--fail-above", "-1"], "--fail-above='-1' (flag): negative"),
        (["--overdue-above", "-1"], "--overdue-above='-1' (flag): not a whole number"),
        (["--overdue-above", "two"], "--overdue-above='two' (flag): not a whole number"),
    ],
)
def test_bad_threshold_is_exit_2_naming_the_flag(cli, sim, args, says):
    watch(cli, sim, sessions=1)
    out = cli("check", *args)
    assert out.returncode == 2 and says in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_bad_threshold_in_the_config_file_names_the_key(cli, sim):
    watch(cli, sim, sessions=1)
    write_config(cli, '[alerts]\nfail_above = "lots"\n')
    out = cli("check")
    assert out.returncode == 2 and "[alerts] fail_above='lots'" in out.stderr


def test_help_lists_exit_7():
    from usms_tui.cli.main import build_parser

    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    text = action.choices["check"].format_help()
    assert "\n  7  a threshold was crossed" in text and "--fail-above PCT" in text


def events_of(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_every_event_kind_is_told_once_and_not_again_after_a_restart(cli, make_sim, tmp_path):
    server = make_sim(ALL_FAIL)
    failing = watch(cli, server, sessions=1, phones=2)[0]
    add_overdue(cli)
    write_config(cli, '[alerts]\nfail_above = "10%"\n')
    told = tmp_path / "events.jsonl"
    env_file = tmp_path / "hook.env"
    hook = f"cat >> {shlex.quote(str(told))}; env > {shlex.quote(str(env_file))}"
    cli.env["SOME_COPY"] = cli.env["UCLOUD_PRIVATE_KEY"]  # the key under another name
    cli.env["UCLOUD_ACCESS_TOKEN"] = "an-oauth-access-token-xyz"

    def wait():
        return cli("wait", "--timeout", "0s", "--quiet", "--on-event", hook)

    assert wait().returncode == 3  # the silent session stays pending: timed out
    events = events_of(told)
    kinds = sorted(e["event"] for e in events)
    assert kinds == ["phone_failed", "phone_failed", "session_overdue", "threshold_crossed"]
    failed = [e for e in events if e["event"] == "phone_failed"]
    assert {e["session_no"] for e in failed} == {failing} and all(e["phone"].startswith("138") for e in failed)
    for event in events:
        assert list(event)[:8] == ["event", "at", "session_no", "label", "phone", "status", "code", "cause"]
    # The simulator sends real carrier codes, so each failure has a cause from the table.
    assert all(e["cause"] not in (None, "not_in_table") for e in failed)
    overdue = next(e for e in events if e["event"] == "session_overdue")
    assert overdue["session_no"] == SILENT and overdue["label"] == "silent" and overdue["pending"] == 1
    crossed = next(e for e in events if e["event"] == "threshold_crossed")
    assert (crossed["rule"], crossed["value"], crossed["threshold"]) == ("fail_above", 100.0, 10.0)
    hook_env = env_file.read_text()
    assert cli.env["UCLOUD_PRIVATE_KEY"] not in hook_env and "an-oauth-access-token" not in hook_env
    assert "USMS_TUI_EVENT=" in hook_env and f"UCLOUD_PUBLIC_KEY={cli.env['UCLOUD_PUBLIC_KEY']}" in hook_env

    assert wait().returncode == 3  # a restart over the same data
    assert len(events_of(told)) == 4

    server.simulator.add_fault("ret171")
    assert wait().returncode == 4
    assert wait().returncode == 4
    fatal = [e for e in events_of(told) if e["event"] == "api_fatal"]
    assert len(fatal) == 1 and fatal[0]["ret_code"] == 171 and "RetCode 171" in fatal[0]["message"]

    server.simulator.clear_faults()
    assert wait().returncode == 3
    assert wait().returncode == 3
    assert [e["event"] for e in events_of(told)][4:] == ["api_fatal", "api_recovered"]


def test_a_failing_hook_is_reported_and_changes_nothing_else(cli, make_sim):
    server = make_sim(HALF_FAIL)
    watch(cli, server, sessions=2, phones=2)
    out = cli("wait", "--timeout", "1m", "--on-event", "echo boom >&2; exit 3")
    assert out.returncode == 1, out.stderr  # settled, some failed: what wait says anyway
    assert "usms-tui: warning: hook for phone_failed failed with exit code 3: boom" in out.stderr


def test_a_hanging_hook_is_killed_after_its_timeout_and_reported(cli, make_sim):
    server = make_sim(ALL_FAIL)
    watch(cli, server, sessions=1, phones=1)
    write_config(cli, '[alerts]\nhook_timeout = "1s"\n')
    started = time.monotonic()
    out = cli("wait", "--timeout", "1m", "--on-event", "sleep 60")
    assert out.returncode == 1, out.stderr
    assert "hook for phone_failed timed out after 1." in out.stderr and "killed it" in out.stderr
    assert time.monotonic() - started < 30  # not the hook's 60 s
