"""``doctor``: one request even with nothing due; exit 0 ok, 4 fatal, 5 transient; --json."""

from __future__ import annotations

import json


def test_ok_with_an_empty_watchlist_reports_source_endpoint_rtt_and_skew(cli, sim):
    out = cli("doctor")
    assert out.returncode == 0, out.stderr
    lines = {line.split("  ")[0].strip(): line for line in out.stdout.splitlines()}
    assert lines["credentials"].endswith("env UCLOUD_PUBLIC_KEY; private key: env UCLOUD_PRIVATE_KEY")
    assert "signed" in lines["auth mode"] and sim.base_url in lines["base URL"]
    assert "(none: the account's default)" in lines["project"] and "RetCode 0 in" in lines["request"]
    assert lines["verdict"].endswith("ok") and "against the server" in lines["clock skew"]
    assert sim.simulator.requests == 1  # asked although nothing is watched

    doc = json.loads(cli("doctor", "--json", "--project-id", "org-x").stdout)
    assert (doc["verdict"], doc["exit_code"], doc["auth_mode"], doc["error"]) == ("ok", 0, "signed", None)
    assert doc["project_id"] == "org-x" and doc["project_source"] == "flag --project-id"
    # Near zero: both clocks are this machine's; a loaded machine can stall the read for seconds.
    assert doc["round_trip_ms"] >= 0 and abs(doc["clock_skew_seconds"]) <= 30 and doc["request_id"]
    assert doc["public_key"] == sim.public_key and sim.private_key not in json.dumps(doc)


def test_a_clock_far_from_the_servers_is_reported_and_warned(cli, sim):
    sim.clock.advance(900)  # the server's Date is 15 minutes ahead of this machine
    out = cli("doctor", "--json")
    assert out.returncode == 0
    assert 890 <= json.loads(out.stdout)["clock_skew_seconds"] <= 900
    assert "clock is" in out.stderr and "behind the server's" in out.stderr and "NTP" in out.stderr


def test_fatal_is_exit_4_with_retcode_and_advice(cli, sim):
    cli.env["UCLOUD_PRIVATE_KEY"] = "not-the-private-key-0123"
    out = cli("doctor")
    assert out.returncode == 4
    assert "verdict      fatal: RetCode 171: GetUSMSSendReceipt: Signature VerifyAC Error" in out.stdout
    assert "advice       the signature was rejected" in out.stdout
    assert "not-the-private-key" not in out.stdout + out.stderr
    doc = json.loads(cli("doctor", "--json").stdout)
    assert (doc["verdict"], doc["exit_code"], doc["error"]["ret_code"]) == ("fatal", 4, 171)


def test_transient_is_exit_5_after_one_request(cli, sim, closed_port_url):
    sim.simulator.add_fault("http503")
    doc = json.loads(cli("doctor", "--json").stdout)
    assert (doc["verdict"], doc["exit_code"], doc["error"]["kind"]) == ("transient", 5, "transient")
    assert sim.simulator.requests == 1  # no retry: doctor reports what one request met
    cli.env["UCLOUD_API_BASE_URL"] = closed_port_url
    out = cli("doctor")
    assert out.returncode == 5 and "connection failed" in out.stdout


def test_no_credentials_is_exit_2(cli):
    out = cli("doctor")
    assert out.returncode == 2 and "no UCloud API keys" in out.stderr and out.stdout == ""
