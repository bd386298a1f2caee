"""Metrics: the exposition parsed by prometheus_client's own parser, no personal labels,
the textfile replaced atomically, the endpoint on loopback."""

from __future__ import annotations

import os
import stat
import urllib.request

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from usms_tui.domain.causes import Cause
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize
from usms_tui.monitor.metrics import (
    DELIVERY_BUCKETS,
    MetricsSnapshot,
    exposition,
    make_registry,
    render,
    request_outcomes,
    snapshot,
)
from usms_tui.monitor.metrics_export import is_loopback, parse_listen, serve, write_textfile
from usms_tui.monitor.poller import RefreshReport
from usms_tui.store.api_stats import ApiStats

NOW = 1_800_000_000.0
SENT = NOW - 3600


def phone(n: int, result: str, delay: float | None = None) -> Receipt:
    item = {"Phone": f"1380000{n:04d}", "ReceiptResult": result, "ReceiptCode": "UNDELIV" if result == "Fail" else ""}
    if delay is not None:
        item["ReceiptTime"] = int(SENT + delay)
    return Receipt.from_api(item)


def summaries():
    return [
        summarize("SESSION-A", [phone(1, "Success", 0.5), phone(2, "Success", 7), phone(3, "Fail")],
                  now=NOW, added_at=SENT, sent_at=SENT),
        summarize("SESSION-B", [phone(4, "Success", 5000), phone(5, "Unknow")], now=NOW, added_at=SENT,
                  sent_at=SENT, known_phones=["13800000006"]),
        summarize("SESSION-C", [], now=NOW, added_at=NOW - 13 * 3600, known_phones=["13800000007"]),
    ]  # fmt: skip


def families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def samples(family) -> dict:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value for sample in family.samples}


def test_exposition_parses_with_prometheus_own_parser_and_says_the_figures():
    api = ApiStats({"ok": 7, "transient": 2}, last_retcode=0, last_refresh=NOW - 5)
    text = render(snapshot(summaries(), archived=4, api=api, cause_of=lambda r: "carrier" if r.code else None))
    parsed = families(text.decode())
    assert set(parsed) == {
        "usms_phones", "usms_sessions", "usms_sessions_overdue", "usms_failed_phones", "usms_delivery_seconds",
        "usms_api_requests", "usms_api_last_retcode", "usms_last_refresh_timestamp_seconds",
        "usms_oldest_pending_age_seconds",
    }  # fmt: skip
    assert samples(parsed["usms_phones"]) == {
        ("usms_phones", (("status", s),)): v
        for s, v in {"delivered": 3, "failed": 1, "unknown": 1, "pending": 2, "other": 0}.items()
    }
    sessions = {labels[0][1]: v for (_, labels), v in samples(parsed["usms_sessions"]).items()}
    assert sessions == {"settled": 1, "pending": 1, "overdue": 1, "archived": 4}
    assert parsed["usms_sessions_overdue"].samples[0].value == 1
    assert samples(parsed["usms_failed_phones"]) == {("usms_failed_phones", (("cause", "carrier"),)): 1}
    assert parsed["usms_api_requests"].type == "counter"
    requests = {s.labels["outcome"]: s.value for s in parsed["usms_api_requests"].samples if s.name.endswith("_total")}
    assert requests == {"ok": 7, "transient": 2, "throttled": 0, "fatal": 0, "other": 0}
    assert parsed["usms_api_last_retcode"].samples[0].value == 0
    assert parsed["usms_last_refresh_timestamp_seconds"].samples[0].value == NOW - 5
    assert parsed["usms_oldest_pending_age_seconds"].samples[0].value == 13 * 3600

    histogram = parsed["usms_delivery_seconds"]
    assert histogram.type == "histogram"
    buckets = {s.labels["le"]: s.value for s in histogram.samples if s.name.endswith("_bucket")}
    assert buckets["1.0"] == 1 and buckets["5.0"] == 1 and buckets["10.0"] == 2 and buckets["3600.0"] == 2
    assert buckets["+Inf"] == 3 and len(buckets) == len(DELIVERY_BUCKETS) + 1
    count = next(s.value for s in histogram.samples if s.name == "usms_delivery_seconds_count")
    total = next(s.value for s in histogram.samples if s.name == "usms_delivery_seconds_sum")
    assert count == 3 and total == 0 + 7 + 5000  # ReceiptTime is whole seconds


def test_no_phone_number_or_session_no_in_any_label_value():
    text = render(snapshot(summaries(), api=ApiStats({"ok": 1}, last_retcode=171))).decode()
    values = {v for family in text_string_to_metric_families(text) for s in family.samples for v in s.labels.values()}
    assert not any(v.startswith(("SESSION-", "138")) for v in values)
    assert "SESSION-" not in text and "13800000" not in text  # nor anywhere else
    assert values <= {"delivered", "failed", "unknown", "pending", "other", "settled", "overdue", "archived",
                      "unclassified", "ok", "transient", "throttled", "fatal"} | {c.value for c in Cause} | {
        f"{b:.1f}" for b in DELIVERY_BUCKETS} | {"+Inf"}  # fmt: skip


def test_before_anything_is_known_the_gauges_without_a_value_have_no_sample():
    parsed = families(render(MetricsSnapshot()).decode())
    assert parsed["usms_api_last_retcode"].samples == []
    assert parsed["usms_last_refresh_timestamp_seconds"].samples == []
    assert parsed["usms_sessions_overdue"].samples[0].value == 0


def test_the_registry_is_private():
    registry, collector = make_registry()
    assert registry is not REGISTRY
    assert REGISTRY.get_sample_value("usms_sessions_overdue") is None
    collector.update(snapshot(summaries()))
    assert registry.get_sample_value("usms_sessions_overdue") == 1


def test_request_outcomes_of_a_cycle():
    transient = BatchError(ErrorKind.TRANSIENT, "HTTP 503", http_status=503, attempts=3)
    fatal = BatchError(ErrorKind.FATAL, "Signature VerifyAC Error", ret_code=171, attempts=1)
    skipped = BatchError(ErrorKind.FATAL, "not sent", ret_code=171, attempts=0)
    assert request_outcomes(RefreshReport(requests=6, errors=[transient])) == (
        {"ok": 3, "transient": 3, "throttled": 0, "fatal": 0, "other": 0}, -1)  # fmt: skip
    outcomes, retcode = request_outcomes(RefreshReport(requests=5, errors=[transient, fatal, skipped]))
    assert outcomes["fatal"] == 1 and outcomes["ok"] == 1 and retcode == 171
    assert request_outcomes(RefreshReport(requests=2)) == ({"ok": 2, "transient": 0, "throttled": 0,
                                                            "fatal": 0, "other": 0}, 0)  # fmt: skip
    assert request_outcomes(RefreshReport())[1] is None  # nothing asked: the last RetCode stands


def test_textfile_is_replaced_atomically_and_readable_by_node_exporter(tmp_path, monkeypatch):
    path = tmp_path / "textfile" / "usms.prom"
    path.parent.mkdir()  # node_exporter's folder: the user's, never made by us
    registry, collector = make_registry()
    collector.update(snapshot(summaries()))
    write_textfile(path, exposition(registry))
    first = path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644

    replaced = []
    real_replace = os.replace

    def spy(src, dst):
        # At the moment of the rename the temp file is whole, in the same folder, not a *.prom.
        src = os.fspath(src)
        with open(src, "rb") as handle:
            replaced.append((os.path.dirname(src), os.path.basename(src), handle.read()))
        assert path.read_bytes() == first  # readers still see the old file, whole
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    collector.update(snapshot(summaries()[:1]))
    write_textfile(path, exposition(registry))
    ((folder, name, data),) = replaced
    assert folder == str(path.parent) and not name.endswith(".prom") and data == path.read_bytes() != first
    assert sorted(p.name for p in path.parent.iterdir()) == ["usms.prom"]  # no temp left behind

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    collector.update(MetricsSnapshot())
    with pytest.raises(OSError):
        write_textfile(path, exposition(registry))
    assert path.read_bytes() == data  # the old figures stay whole
    assert sorted(p.name for p in path.parent.iterdir()) == ["usms.prom"]
    path.chmod(0o640)
    monkeypatch.setattr(os, "replace", real_replace)
    write_textfile(path, exposition(registry))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # a mode the user chose stays


@pytest.mark.parametrize(
    ("text", "expected"),
    [("9464", ("127.0.0.1", 9464)), (":9464", ("127.0.0.1", 9464)), ("127.0.0.1:0", ("127.0.0.1", 0)),
     ("[::1]:9464", ("::1", 9464)), ("0.0.0.0:9464", ("0.0.0.0", 9464)), ("localhost:1", ("localhost", 1))],
)  # fmt: skip
def test_listen_address_defaults_to_loopback(text, expected):
    assert parse_listen(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1.2.3.4:", "1.2.3.4:99999", "::1:9464", "[::1]", "h/x:1", "-1"])
def test_bad_listen_addresses_say_what_is_accepted(text):
    with pytest.raises(ValueError, match="is not HOST:PORT"):
        parse_listen(text)


def test_loopback_rule():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.9.9.9")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.1") and not is_loopback("example.com")


def test_endpoint_serves_metrics_on_loopback_and_frees_the_port():
    registry, collector = make_registry()
    collector.update(snapshot(summaries()))
    host, port = parse_listen("127.0.0.1:0")
    server = serve(registry, host, port)
    try:
        assert server.port > 0 and server.url == f"http://127.0.0.1:{server.port}/metrics"
        with urllib.request.urlopen(server.url, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            parsed = families(response.read().decode())
        assert parsed["usms_sessions_overdue"].samples[0].value == 1
    finally:
        server.close()
    with pytest.raises(OSError):
        urllib.request.urlopen(server.url, timeout=2)
