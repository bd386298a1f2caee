"""``check`` and ``wait`` against the built-in simulator (no network), and the restart story."""

from __future__ import annotations

import json

import pytest

from usms_tui.simulator import Scenario

ALL_DELIVERED = Scenario(never_share=0.0, fast_share=1.0, success_share=1.0, fail_share=0.0, long_share=0.0)
SOME_FAIL = Scenario(never_share=0.0, fast_share=1.0, success_share=0.5, fail_share=0.5)

SESSION_KEYS = [
    *("session_no", "label", "sent_at", "age_seconds", "settled", "overdue", "counts", "cost_count"),
    *("delivery_seconds", "phones"),
]
PHONE_KEYS = [
    *("phone", "status", "result", "code", "desc", "cost_count", "receipt_time", "user_id"),
    *("carrier", "cause", "meaning", "advice", "meaning_source"),
]


def watch(cli, server, sessions=3, phones=2, advance=60.0):
    nos = [server.simulator.send([f"138{i:04d}{j:04d}" for j in range(phones)]) for i in range(sessions)]
    server.clock.advance(advance)
    out = cli("add", *nos, "--label", "batch")
    assert out.returncode == 0, out.stderr
    return nos


def test_check_json_shape_and_cache_then_list_after_restart_without_network(cli, make_sim, closed_port_url):
    server = make_sim(ALL_DELIVERED)
    nos = watch(cli, server)
    out = cli("check", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert list(doc) == ["checked_at", "sessions", "errors", "alerts", "delivery_seconds"]
    assert doc["errors"] == doc["alerts"] == []
    assert [s["session_no"] for s in doc["sessions"]] == nos
    first = doc["sessions"][0]
    assert list(first) == SESSION_KEYS
    assert list(first["phones"][0]) == PHONE_KEYS
    assert first["counts"] == {"delivered": 2, "failed": 0, "unknown": 0, "pending": 0, "other": 0}
    # Sent, then receipts within the simulator's 1-10 s, then watched 60 s later.
    assert all(0 <= s["delivery_seconds"]["p50"] <= s["delivery_seconds"]["max"] <= 10 for s in doc["sessions"])
    assert 0 <= doc["delivery_seconds"]["p95"] <= doc["delivery_seconds"]["max"] <= 10
    assert first["phones"][0]["carrier"] == "china_mobile" and first["phones"][0]["cause"] is None
    assert first["settled"] is True and first["phones"][0]["result"] == "Success"
    requests = server.simulator.requests

    # "Restart": the API is gone; list still shows every last known receipt at once.
    server.stop()
    cli.env["UCLOUD_API_BASE_URL"] = closed_port_url
    out = cli("list", "--phones")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("delivered") == 6 and "settled" in out.stdout
    assert "138****0000" in out.stdout
    listed = json.loads(cli("list", "--json").stdout)["sessions"]
    assert [s["counts"]["delivered"] for s in listed] == [2, 2, 2]
    assert server.simulator.requests == requests


def test_check_table_and_settled_sessions_are_not_fetched_again(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    watch(cli, server)
    out = cli("check")
    assert out.returncode == 0, out.stderr
    assert "batch" in out.stdout and "settled" in out.stdout and "fetched 3 sessions in 1 request" in out.stdout
    before = server.simulator.requests
    out = cli("check")
    assert out.returncode == 0 and "fetched 0 sessions" in out.stdout and "settled" in out.stdout
    assert server.simulator.requests == before


def test_check_pending_then_delivered(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    nos = watch(cli, server, sessions=1, advance=0.0)
    doc = json.loads(cli("check", "--json").stdout)
    # No receipt yet and no phone known: pending, not settled, nothing invented.
    assert doc["sessions"][0]["phones"] == [] and doc["sessions"][0]["settled"] is False
    cli("add", nos[0], "--phone", "13800000000", "--phone", "13800000001")
    doc = json.loads(cli("check", "--json").stdout)
    assert doc["sessions"][0]["counts"]["pending"] == 2 and doc["sessions"][0]["settled"] is False
    server.clock.advance(3600)
    doc = json.loads(cli("check", "--json", "--session", nos[0]).stdout)
    assert doc["sessions"][0]["counts"]["delivered"] == 2


def test_fatal_error_exit_4_and_key_never_printed(cli, sim):
    watch(cli, sim)
    cli.env["UCLOUD_PRIVATE_KEY"] = "wrong-private-key-123"
    out = cli("check", "--json")
    assert out.returncode == 4
    doc = json.loads(out.stdout)
    assert doc["errors"][0]["kind"] == "fatal" and doc["errors"][0]["ret_code"] == 171
    assert "RetCode 171" in out.stderr and "Traceback" not in out.stderr
    assert "wrong-private-key-123" not in out.stdout + out.stderr
    assert cli("wait", "--timeout", "1h").returncode == 4


def test_transient_failures_outlasting_retries_exit_5(cli, sim):
    watch(cli, sim, sessions=1)
    sim.simulator.add_fault("http503")
    out = cli("check")
    assert out.returncode == 5, out.stderr
    assert "HTTP 503" in out.stderr
    # check has given up: it says so rather than promising a retry nobody will make.
    assert "gave up after 4 attempts" in out.stderr and "will retry" not in out.stderr


def test_other_api_error_exit_6(cli, sim):
    watch(cli, sim, sessions=1)
    sim.simulator.add_fault("ret230")
    out = cli("check", "--json")
    assert out.returncode == 6, out.stderr
    assert json.loads(out.stdout)["errors"][0]["ret_code"] == 230


def test_usage_errors_exit_2_one_line(cli, sim, tmp_path):
    watch(cli, sim, sessions=1)
    out = cli("check", "--session", "not-watched")
    assert out.returncode == 2 and "not watched" in out.stderr
    for name in ("UCLOUD_PUBLIC_KEY", "UCLOUD_PRIVATE_KEY"):
        cli.env.pop(name)
    out = cli("check")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["check", "wait"])
def test_corrupt_watchlist_stops_check_and_wait_untouched(cli, sim, command):
    cli.watchlist.parent.mkdir(parents=True)
    raw = b'{"version": 1, "sessions": [{"session_no": "a", "archived": "yes"}]}'
    cli.watchlist.write_bytes(raw)
    out = cli(command)
    assert out.returncode == 2 and str(cli.watchlist) in out.stderr and "archived" in out.stderr
    assert "Traceback" not in out.stderr
    assert cli.watchlist.read_bytes() == raw


def test_wait_exit_0_when_all_delivered(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    watch(cli, server)
    out = cli("wait", "--timeout", "1m", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["timed_out"] is False and all(s["settled"] for s in doc["sessions"])


def test_wait_exit_1_when_some_failed(cli, make_sim):
    server = make_sim(SOME_FAIL)
    watch(cli, server, sessions=4)
    out = cli("wait", "--timeout", "1m")
    assert out.returncode == 1, out.stderr
    assert "settled" in out.stdout


def test_wait_exit_3_on_timeout_with_pending(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    watch(cli, server, sessions=2, advance=0.0)
    out = cli("wait", "--timeout", "0s")
    assert out.returncode == 3, out.stderr
    assert "timed out" in out.stdout and "0/2 sessions settled" in out.stderr


def test_wait_with_nothing_watched_exits_0(cli, sim):
    out = cli("wait")
    assert out.returncode == 0 and "nothing to wait for" in out.stderr


def test_export_after_check_has_real_receipts(cli, make_sim, tmp_path):
    server = make_sim(SOME_FAIL)
    watch(cli, server, sessions=4)
    cli("check")
    out = cli("export", "--status", "failed", "--format", "json")
    rows = json.loads(out.stdout)
    assert rows and {r["status"] for r in rows} == {"failed"}
    assert all(r["label"] == "batch" for r in rows)
    # Failed phones say why: the simulator's codes are real ones from UCloud's table.
    assert all(r["carrier"] == "china_mobile" and r["cause"] not in (None, "not_in_table") for r in rows)
    assert all(r["meaning"] and r["meaning_source"] for r in rows)
    csv_out = cli("export", "--status", "failed")
    assert csv_out.stdout.splitlines()[0].endswith(",overdue,carrier,cause,meaning,advice,meaning_source")
    assert server.private_key not in out.stdout


def test_check_table_never_prints_terminal_escapes(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    nos = watch(cli, server, sessions=1)
    # 'add --label' refuses control characters, but a hand-edited watchlist can still hold them.
    from usms_tui.store.watchlist import Watchlist

    Watchlist(cli.watchlist).update(nos[0], label="night\x1b]0;pwned\x07\x1b[2J")
    server.simulator.add_fault("unlisted-result")
    out = cli("check")
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout + out.stderr and "\x07" not in out.stdout
    assert "night\\x1b]0;pwned" in out.stdout
    out = cli("list", "--phones", "--archived")
    assert "\x1b" not in out.stdout and "failed (SubmitFail)" in out.stdout
