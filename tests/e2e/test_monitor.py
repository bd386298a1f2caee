"""``monitor`` and ``metrics`` against the simulator: /metrics parsed with prometheus_client's
own parser, the textfile replaced atomically, events logged once, exit 0 on SIGTERM."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.test_alerts import ALL_FAIL, add_overdue
from tests.e2e.test_cli_check import watch
from usms_tui.domain.causes import Cause


class Monitor:
    """``usms-tui monitor`` in a subprocess; its stderr lines arrive on a queue as they come."""

    def __init__(self, cli, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "usms_tui", "monitor", *args],
            env=cli.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def until(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """The first line (from now on) matching ``pattern``; fails when it exits first."""
        while True:
            line = self._queue.get(timeout=timeout)
            assert line is not None, f"monitor exited: {self.lines}"
            self.lines.append(line)
            if match := re.search(pattern, line):
                return match

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=60)
        while (line := self._queue.get(timeout=10)) is not None:
            self.lines.append(line)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def monitors():
    started: list[Monitor] = []
    yield started
    for monitor in started:
        monitor.kill()


def families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def value(parsed: dict, name: str, **labels: str) -> float:
    family = parsed[name.removesuffix("_total")]
    return next(s.value for s in family.samples if s.name == name and s.labels == labels)


def test_monitor_serves_metrics_logs_events_and_stops_cleanly_on_sigterm(cli, make_sim, tmp_path, monitors):
    server = make_sim(ALL_FAIL)
    nos = watch(cli, server, sessions=2, phones=2)
    textfile = tmp_path / "textfile" / "usms.prom"
    textfile.parent.mkdir()  # node_exporter's folder: the user's, never made by us
    told = tmp_path / "events.jsonl"
    assert cli("metrics", "-o", str(textfile)).returncode == 0  # an older file, held open by a reader
    with open(textfile, "rb") as old:
        old_inode = os.fstat(old.fileno()).st_ino
        monitor = Monitor(
            cli, "--metrics-listen", "127.0.0.1:0", "--metrics-textfile", str(textfile), "--fail-above", "10%",
            "--on-event", f"cat >> '{told}'",
        )  # fmt: skip
        monitors.append(monitor)
        url = monitor.until(r"info: serving metrics at (http://127\.0\.0\.1:\d+/metrics)").group(1)
        monitor.until(r"info: monitoring 2 sessions")
        with urllib.request.urlopen(url, timeout=10) as response:
            first = families(response.read().decode())
        assert sum(value(first, "usms_sessions", state=state) for state in ("pending", "settled")) == 2

        failed = [monitor.until(r"phone_failed failed: 138\*\*\*\*\d{4} in ") for _ in range(4)]
        assert len(failed) == 4
        monitor.until(r"threshold_crossed threshold crossed: 100% of final receipts not delivered \(above 10%\)")
        with urllib.request.urlopen(url, timeout=10) as response:
            text = response.read().decode()
        parsed = families(text)
        assert value(parsed, "usms_phones", status="failed") == 4
        assert value(parsed, "usms_sessions", state="settled") == 2
        by_cause = {s.labels["cause"]: s.value for s in parsed["usms_failed_phones"].samples}
        assert sum(by_cause.values()) == 4 and set(by_cause) <= {c.value for c in Cause} - {"not_in_table"}
        assert value(parsed, "usms_api_requests_total", outcome="ok") >= 1
        assert value(parsed, "usms_api_last_retcode") == 0
        labels = {v for family in parsed.values() for s in family.samples for v in s.labels.values()}
        assert not any(no in text for no in nos) and not any(v.startswith("138") for v in labels)
        assert "13800000000" not in text

        # The textfile was replaced, not rewritten: the old reader still has the old file, whole.
        assert os.stat(textfile).st_ino != old_inode
        assert value(families(old.read().decode()), "usms_sessions", state="pending") == 2  # never checked then
    assert value(families(textfile.read_text()), "usms_phones", status="failed") == 4
    assert [p.name for p in textfile.parent.iterdir()] == ["usms.prom"]  # no temp file left

    assert monitor.stop(signal.SIGTERM) == 0
    assert monitor.lines[-1].endswith("info: stopped")
    assert "Traceback" not in "\n".join(monitor.lines)
    assert sorted(json.loads(line)["event"] for line in told.read_text().splitlines()) == [
        "phone_failed", "phone_failed", "phone_failed", "phone_failed", "threshold_crossed",
    ]  # fmt: skip
    with pytest.raises(OSError):  # the port is closed
        urllib.request.urlopen(url, timeout=2)


def test_monitor_json_lines_once_across_restarts_and_sigint(cli, make_sim, monitors):
    server = make_sim(ALL_FAIL)
    watch(cli, server, sessions=1, phones=1)
    add_overdue(cli)
    assert cli("check").returncode == 0  # the data is in the cache before the monitor starts
    first = Monitor(cli, "--json")
    monitors.append(first)
    first.until(r'"message":"monitoring 2 sessions')
    # What the cache holds is told at start, before the first refresh: nobody was told yet.
    told = {doc["event"]: doc for doc in map(json.loads, first.lines) if doc["log"] == "event"}
    assert sorted(told) == ["phone_failed", "session_overdue"]
    assert told["session_overdue"]["label"] == "silent" and told["phone_failed"]["phone"].startswith("138****")
    assert first.stop(signal.SIGINT) == 0

    again = Monitor(cli, "--json")  # a restart: what was told is not told again
    monitors.append(again)
    again.until(r'"message":"monitoring 2 sessions')
    assert again.stop() == 0
    assert [json.loads(line)["log"] for line in again.lines] == ["info", "info"]


def test_monitor_refuses_a_bad_listen_address(cli, sim):
    out = cli("monitor", "--metrics-listen", "localhost:99999")
    assert out.returncode == 2 and "--metrics-listen: 'localhost:99999' is not HOST:PORT" in out.stderr


def test_metrics_command_reads_the_store_without_network(cli, make_sim, closed_port_url, tmp_path):
    server = make_sim(ALL_FAIL)
    watch(cli, server, sessions=2, phones=2)
    assert cli("check").returncode == 0
    server.stop()
    cli.env["UCLOUD_API_BASE_URL"] = closed_port_url
    out = cli("metrics")
    assert out.returncode == 0, out.stderr
    parsed = families(out.stdout)
    assert value(parsed, "usms_phones", status="failed") == 4
    assert value(parsed, "usms_api_requests_total", outcome="ok") == 1  # check's request, counted
    assert value(parsed, "usms_api_last_retcode") == 0
    target = tmp_path / "tf" / "usms.prom"
    missing = cli("metrics", "-o", str(target))  # a folder is never made for it
    assert missing.returncode == 2 and f"the folder {target.parent} does not exist" in missing.stderr
    target.parent.mkdir()
    assert cli("metrics", "-o", str(target)).returncode == 0
    with open(target, "rb") as old:
        assert cli("check").returncode == 0  # nothing due: still counts as a good refresh
        assert cli("metrics", "-o", str(target)).returncode == 0
        assert os.fstat(old.fileno()).st_ino != os.stat(target).st_ino  # replaced by a rename
        families(old.read().decode())  # the old file is whole
    assert oct(target.stat().st_mode & 0o777) == "0o644"
