"""``usms-tui simulate`` as a real process: startup line, signed queries, clean exit on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import httpx
import pytest

from usms_tui.api.signing import sign
from usms_tui.domain.credentials import Credentials
from usms_tui.simulator import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY


def start(*args: str) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(
        [sys.executable, "-m", "usms_tui", "simulate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if not line:
        process.kill()
        raise AssertionError(f"no startup line; stderr: {process.stderr.read()}")
    return process, json.loads(line)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> int:
    process.send_signal(sig)
    try:
        return process.wait(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()


def test_startup_line_queries_and_sigterm():
    process, info = start("--port", "0", "--sessions", "20", "--phones", "3", "--seed", "1")
    try:
        assert info["pid"] == process.pid
        assert info["public_key"] == DEMO_PUBLIC_KEY and info["demo_keys"] is True
        assert info["base_url"].startswith("http://127.0.0.1:")
        assert DEMO_PRIVATE_KEY not in json.dumps(info)
        with open(info["sessions_file"], encoding="utf-8") as handle:
            session_nos = handle.read().split()
        assert len(session_nos) == len(set(session_nos)) == 20

        credentials = Credentials(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY)
        form = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": session_nos}, credentials)
        response = httpx.post(info["base_url"], data=form, timeout=5)
        body = response.json()
        assert response.headers["X-UCLOUD-REQUEST-UUID"]
        assert body["RetCode"] == 0 and [e["SessionNo"] for e in body["Data"]] == session_nos
        assert any(e["ReceiptSet"] for e in body["Data"])

        bad = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": session_nos[:1]}, Credentials(DEMO_PUBLIC_KEY, "x"))
        assert httpx.post(info["base_url"], data=bad, timeout=5).json()["RetCode"] == 171
    finally:
        code = stop(process)
    assert code == 0
    assert not os.path.exists(info["sessions_file"])  # the temporary file is cleaned up


def test_same_seed_same_session_nos_and_sigint_exits_cleanly(tmp_path):
    path = tmp_path / "sessions.txt"
    process, info = start(
        "--sessions",
        "5",
        "--seed",
        "3",
        "--sessions-file",
        str(path),
        "--public-key",
        "pk",
        "--private-key",
        "sk-secret",
        "--fault",
        "http503:1",
    )
    try:
        assert info["demo_keys"] is False and info["faults"][0]["kind"] == "http503"
        assert "sk-secret" not in json.dumps(info)
        first = path.read_text().split()
        form = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": first}, Credentials("pk", "sk-secret"))
        assert httpx.post(info["base_url"], data=form, timeout=5).status_code == 503
    finally:
        assert stop(process, signal.SIGINT) == 0
    assert path.read_text().split() == first  # a file the user named is kept

    process, info = start("--sessions", "5", "--seed", "3", "--sessions-file", str(path))
    assert stop(process) == 0
    assert path.read_text().split() == first


@pytest.mark.parametrize(
    "args, message",
    [
        (["--fault", "nonsense"], "unknown fault"),
        (["--phones", "0"], "--phones"),
    ],
)
def test_bad_flags_are_one_line_errors(args, message):
    out = subprocess.run(
        [sys.executable, "-m", "usms_tui", "simulate", *args], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr and out.stdout == ""


def test_port_in_use_is_a_one_line_error():
    process, info = start("--port", "0")
    try:
        port = info["base_url"].rsplit(":", 1)[1]
        out = subprocess.run(
            [sys.executable, "-m", "usms_tui", "simulate", "--port", port], capture_output=True, text=True, timeout=30
        )
        assert out.returncode == 2 and "cannot listen" in out.stderr and "Traceback" not in out.stderr
        assert out.stdout == ""
    finally:
        assert stop(process) == 0


def test_import_file_feeds_add_with_send_times_and_phones(cli):
    """The documented path from a bare simulator to a watched, overdue session: add --from."""
    process, info = start("--sessions", "12", "--phones", "2", "--seed", "5")
    try:
        added = cli("add", "--from", info["import_file"])
        assert added.returncode == 0, added.stderr
        listed = json.loads(cli("list", "--json").stdout)["sessions"]
        assert len(listed) == 12 and all(s["sent_at"] for s in listed)
        env = dict(
            cli.env,
            UCLOUD_PUBLIC_KEY=DEMO_PUBLIC_KEY,
            UCLOUD_PRIVATE_KEY=DEMO_PRIVATE_KEY,
            UCLOUD_API_BASE_URL=info["base_url"],
        )
        checked = subprocess.run(
            [sys.executable, "-m", "usms_tui", "check", "--json"], env=env, capture_output=True, text=True, timeout=60
        )
        assert checked.returncode == 0, checked.stderr
        sessions = json.loads(checked.stdout)["sessions"]
        assert any(s["overdue"] for s in sessions)  # precreated sessions include >12 h pending ones
        assert all(len(s["phones"]) == 2 for s in sessions)  # known phones listed, pending or not
    finally:
        assert stop(process) == 0
    assert not os.path.exists(info["import_file"])


def test_without_sessions_flag_the_import_file_still_feeds_add(cli):
    """A bare `usms-tui simulate` used to pre-create nothing: `add --from` added 0, exit 0."""
    process, info = start()
    try:
        assert info["sessions"] > 0
        added = cli("add", "--from", info["import_file"])
        assert added.returncode == 0, added.stderr
        assert f"added {info['sessions']}," in added.stdout
    finally:
        assert stop(process, signal.SIGHUP) == 0  # a closed terminal stops it cleanly too
    assert not os.path.exists(info["import_file"]) and not os.path.exists(info["sessions_file"])


def test_an_empty_import_file_says_nothing_to_add(cli):
    process, info = start("--sessions", "0")
    try:
        added = cli("add", "--from", info["import_file"])
    finally:
        assert stop(process) == 0
    assert added.returncode == 2 and added.stdout == ""
    assert added.stderr.strip() == (
        "usms-tui: error: nothing to add: the input held no SessionNo (an empty file or standard input?)"
    )


def test_help_lists_the_startup_line_keys():
    out = subprocess.run(
        [sys.executable, "-m", "usms_tui", "simulate", "--help"], capture_output=True, text=True, timeout=30
    )
    text = " ".join(out.stdout.split())
    for key in ("base_url", "public_key", "sessions_file", "import_file", "pid"):
        assert key in text
    assert "usms-tui add --from" in text.replace("'", "")
