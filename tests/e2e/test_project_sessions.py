"""Sessions sent under another project than the configured one: stored, listed and found."""

from __future__ import annotations

import json

from usms_tui.simulator import Scenario

ALL_DELIVERED = Scenario(never_share=0.0, fast_share=1.0, success_share=1.0, fail_share=0.0, long_share=0.0)
OTHER = "org-other-project"


def test_session_sent_under_another_project_is_found_and_batches_never_mix(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    home = server.simulator.send(["13800000001"])
    away = server.simulator.send(["13800000002"], project_id=OTHER)
    server.clock.advance(60)
    assert cli("add", home).returncode == 0
    out = cli("add", away, "--project-id", OTHER)
    assert out.returncode == 0, out.stderr

    out = cli("check", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert {s["session_no"]: s["settled"] for s in doc["sessions"]} == {home: True, away: True}

    listed = json.loads(cli("list", "--json").stdout)["sessions"]
    assert {s["session_no"]: s["project_id"] for s in listed} == {home: None, away: OTHER}
    table = cli("list")
    assert table.returncode == 0 and OTHER in table.stdout


def test_without_its_project_the_session_stays_pending(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    away = server.simulator.send(["13800000002"], project_id=OTHER)
    server.clock.advance(60)
    assert cli("add", away).returncode == 0
    doc = json.loads(cli("check", "--json").stdout)
    assert doc["sessions"][0]["settled"] is False


def test_project_round_trips_through_list_json_and_add_from(cli, tmp_path):
    assert cli("add", "s-1", "--project-id", OTHER).returncode == 0
    assert cli("add", "s-2").returncode == 0
    exported = tmp_path / "list.json"
    exported.write_text(cli("list", "--json").stdout)
    assert cli("remove", "s-1", "s-2").returncode == 0
    assert json.loads(cli("list", "--json").stdout)["sessions"] == []
    out = cli("add", "--from", exported)
    assert out.returncode == 0, out.stderr
    listed = json.loads(cli("list", "--json").stdout)["sessions"]
    assert {s["session_no"]: s["project_id"] for s in listed} == {"s-1": OTHER, "s-2": None}


def test_importer_takes_project_id_from_request_and_response_pairs(cli, tmp_path):
    pair = {
        "request": {"Action": "SendUSMSMessage", "ProjectId": OTHER, "PhoneNumbers": ["13800000001"]},
        "response": {"RetCode": 0, "SessionNo": "s-9"},
    }
    source = tmp_path / "sent.jsonl"
    source.write_text(json.dumps(pair) + "\n")
    assert cli("add", "--from", source).returncode == 0
    listed = json.loads(cli("list", "--json").stdout)["sessions"]
    assert listed[0]["project_id"] == OTHER


def test_bad_project_id_is_one_line_error(cli):
    for bad in ("", "a b", "x\x1b[31m", "p" * 65):
        out = cli("add", "s-1", "--project-id", bad)
        assert out.returncode != 0
        assert out.stderr.startswith("usms-tui: error: --project-id:") and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    assert not cli.watchlist.exists()
