"""The UI's export writer: same columns as ``usms-tui export``, formulas defused, atomic."""

from __future__ import annotations

import csv
import io
import json

import pytest

from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize
from usms_tui.store.exporting import PHONE_COLUMNS, defuse, phone_rows, render, write_rows
from usms_tui.store.watchlist import WatchedSession


class State:
    def __init__(self, entry):
        self.entry = entry


def sample():
    receipts = [
        Receipt.from_api(
            {
                "Phone": "13800000001",
                "ReceiptResult": "Fail",
                "ReceiptCode": "UNDELIV",
                "ReceiptDesc": '=HYPERLINK("x")',
                "ReceiptTime": 1_796_025_000,
                "CostCount": 2,
            }
        ),
    ]
    summary = summarize(
        "usms-1",
        receipts,
        now=1_796_025_600,
        added_at=1_796_020_000,
        sent_at=1_796_020_000,
        known_phones=["13800000001", "13800000002"],
    )
    entry = WatchedSession("usms-1", label="Night [b]batch", added_at=1_796_020_000, sent_at=1_796_020_000)
    return [summary], {"usms-1": State(entry)}


def test_phone_rows_have_the_cli_export_columns():
    rows = phone_rows(*sample())
    assert [list(r) for r in rows] == [list(PHONE_COLUMNS)] * 2
    assert rows[0]["status"] == "failed" and rows[0]["receipt_time"] == "2026-11-30T07:50:00Z"
    assert rows[1]["status"] == "pending" and rows[1]["receipt_time"] is None
    assert rows[0]["label"] == "Night [b]batch" and rows[0]["sent_at"] == "2026-11-30T06:26:40Z"


def test_phone_rows_say_why_a_phone_failed():
    failed, pending = phone_rows(*sample())
    assert list(failed)[-5:] == ["carrier", "cause", "meaning", "advice", "meaning_source"]
    assert failed["carrier"] == "china_mobile" and failed["cause"] == "arrears"
    assert failed["meaning"] == "用户欠费停机" and failed["advice"] == "建议用户充值后重新尝试"
    assert failed["meaning_source"] == "carrier"
    assert pending["carrier"] == "china_mobile" and pending["cause"] is pending["meaning"] is pending["advice"] is None
    parsed = list(csv.DictReader(io.StringIO(render([failed, pending], "csv"))))
    assert parsed[0]["meaning"] == "用户欠费停机" and parsed[1]["cause"] == "" and parsed[1]["advice"] == ""


def test_csv_defuses_formulas_and_keeps_text(tmp_path):
    rows = phone_rows(*sample())
    target = tmp_path / "out.csv"
    assert write_rows(rows, "csv", target) == 2
    parsed = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert parsed[0]["desc"] == '\'=HYPERLINK("x")'
    assert parsed[1]["receipt_time"] == ""
    assert defuse("-1") == "'-1" and defuse("13800000001") == "13800000001" and defuse(3) == 3


def test_json_round_trips(tmp_path):
    rows = phone_rows(*sample())
    target = tmp_path / "out.json"
    write_rows(rows, "json", target)
    assert json.loads(target.read_text(encoding="utf-8")) == rows


def test_nested_values_become_json_in_csv_and_unknown_format_is_refused():
    text = render([{"code": "E", "statuses": {"failed": 2}}], "csv")
    assert text.splitlines()[1] == 'E,"{""failed"": 2}"'
    with pytest.raises(ValueError, match="unknown export format"):
        render([], "xml")


def test_unwritable_target_raises_oserror_and_leaves_nothing(tmp_path):
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(OSError):
        write_rows([], "csv", tmp_path / "a-folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder"]  # no temp file left


def test_a_fifo_is_written_into_not_replaced(tmp_path):
    # `-o >(gzip > x.gz)` or a named pipe: the atomic rename used to put a regular file in its
    # place (and as root the same happened to /dev/null), leaving the reader waiting forever.
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert write_rows(phone_rows(*sample()), "json", fifo) == 2
    reader.join(timeout=10)
    assert not reader.is_alive() and json.loads(received[0])[0]["session_no"] == "usms-1"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_pending_phone_of_an_overdue_session_is_marked_overdue():
    from usms_tui.domain.receipts import Receipt
    from usms_tui.domain.summary import summarize
    from usms_tui.store.exporting import phone_rows

    receipts = [Receipt.from_api({"Phone": "1", "ReceiptResult": "Success"})]
    old = summarize("old", receipts, now=50_000, added_at=0, known_phones=["1", "2"])
    new = summarize("new", [], now=50_000, added_at=49_000, known_phones=["3"])
    rows = phone_rows([old, new], {})
    assert [(r["phone"], r["overdue"]) for r in rows] == [("1", False), ("2", True), ("3", False)]


def test_csv_booleans_are_written_as_json_writes_them():
    text = render([{"overdue": True, "settled": False, "count": 1}], "csv")
    assert text.splitlines()[1] == "true,false,1"  # not Python's True/False
