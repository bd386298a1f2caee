"""``add``, ``remove``, ``list`` and ``export`` through the real command line (no network)."""

from __future__ import annotations

import csv
import io
import json
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from usms_tui.domain.receipts import Receipt
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.watchlist import Watchlist


def session_nos(cli) -> list[str]:
    out = cli("list", "--json")
    assert out.returncode == 0, out.stderr
    return [s["session_no"] for s in json.loads(out.stdout)["sessions"]]


def test_add_list_json_shape_and_update_not_double(cli):
    out = cli("add", "s-1", "s-2", "--label", "promo", "--sent-at", "2026-11-30T08:00:00Z", "--phone", "13800000001")
    assert out.returncode == 0, out.stderr
    assert "added 2, updated 0" in out.stdout
    out = cli("add", " s-1 ", "--label", "renamed")
    assert out.returncode == 0 and "added 0, updated 1" in out.stdout
    data = json.loads(cli("list", "--json").stdout)
    first = data["sessions"][0]
    assert list(data) == ["sessions", "delivery_seconds"]  # nothing fetched: nulls
    assert data["delivery_seconds"] == {"p50": None, "p95": None, "max": None}
    assert list(first)[:4] == ["session_no", "label", "added_at", "sent_at"]
    assert (first["session_no"], first["label"], first["sent_at"]) == ("s-1", "renamed", 1796025600.0)
    assert data["sessions"][1]["label"] == "promo"
    assert isinstance(first["added_at"], float)
    assert session_nos(cli) == ["s-1", "s-2"]


def test_refused_session_nos_are_reported_and_the_rest_kept(cli):
    out = cli("add", "good-1", "has space", "x" * 129, "", "ctl\x1b[31m", "good-2")
    assert out.returncode == 2
    assert "added 2" in out.stdout and "refused 4" in out.stdout
    assert "contains whitespace" in out.stderr
    assert "longer than 128" in out.stderr
    assert "empty" in out.stderr
    assert "control character" in out.stderr
    assert "\x1b" not in out.stderr  # the refused input is echoed escaped, never raw
    assert session_nos(cli) == ["good-1", "good-2"]


def test_import_plain_lines_from_stdin(cli):
    text = "# from the sender\n\nline-1\n  line-2  \n# done\nbad one\n"
    out = cli("add", "-", input=text)
    assert out.returncode == 2
    assert "stdin line 6" in out.stderr and "whitespace" in out.stderr
    assert session_nos(cli) == ["line-1", "line-2"]


def test_import_json_lines_with_requests_and_phones(cli, tmp_path):
    lines = [
        {"RetCode": 0, "Action": "SendUSMSMessageResponse", "SessionNo": "jl-1", "Message": ""},
        {"request": {"PhoneNumbers": ["13800000001", "13800000002"]}, "response": {"RetCode": 0, "SessionNo": "jl-2"}},
        {"PhoneNumbers": ["13800000003"], "SessionNo": "jl-3"},
        {"RetCode": 0, "Action": "SendBatchUSMSMessageResponse", "SuccessCount": 0, "FailContent": [{"Phone": "1"}]},
        {"RetCode": 18013, "Message": "balance exhausted"},
    ]
    path = tmp_path / "sent.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n{broken\n")
    out = cli("add", "--from", path)
    assert out.returncode == 2
    assert "added 3" in out.stdout and "refused 3" in out.stdout
    assert "SendBatchUSMSMessage response without SessionNo" in out.stderr
    assert "RetCode 18013" in out.stderr and "not valid JSON" in out.stderr
    sessions = {s.session_no: s for s in Watchlist(cli.watchlist).load()}
    assert list(sessions) == ["jl-1", "jl-2", "jl-3"]
    assert sessions["jl-2"].phones == ("13800000001", "13800000002")
    assert sessions["jl-3"].phones == ("13800000003",)


def test_import_json_array_of_batch_responses(cli):
    array = [
        {
            "request": {"TaskContent": [{"TemplateId": "T", "Target": [{"Phone": "139"}, {"Phone": "137"}]}]},
            "response": {"RetCode": 0, "SessionNo": "batch-1", "SuccessCount": 2, "FailContent": []},
        },
        {"RetCode": 0, "SessionNo": "batch-2", "SuccessCount": 1},
        {"RetCode": 0, "SuccessCount": 0, "FailContent": []},
        "plain-string",
    ]
    out = cli("add", "-", input=json.dumps(array))
    assert out.returncode == 2, out.stderr
    assert "stdin[2]" in out.stderr
    sessions = {s.session_no: s for s in Watchlist(cli.watchlist).load()}
    assert list(sessions) == ["batch-1", "batch-2", "plain-string"]
    assert sessions["batch-1"].phones == ("139", "137")


def test_list_json_round_trips_into_another_watchlist(cli, tmp_path):
    cli("add", "a-1", "a-2", "--label", "L", "--phone", "13800000001")
    exported = cli("list", "--json").stdout
    cli.env["USMS_TUI_WATCHLIST"] = str(tmp_path / "other.json")
    out = cli("add", "-", input=exported)
    assert out.returncode == 0, out.stderr
    copy = Watchlist(tmp_path / "other.json").load()
    assert [(s.session_no, s.label, s.phones) for s in copy] == [
        ("a-1", "L", ("13800000001",)),
        ("a-2", "L", ("13800000001",)),
    ]


def test_remove_named_settled_and_older_than(cli):
    cli("add", "old", "--sent-at", str(time.time() - 5 * 86400))
    cli("add", "new", "done")
    with ReceiptCache(cli.cache) as cache:
        cache.store_results({"done": [Receipt.from_api({"Phone": "1", "ReceiptResult": "Success"})]}, time.time())
    out = cli("remove", "--older-than", "3d")
    assert out.returncode == 0 and "removed 1" in out.stdout
    out = cli("remove", "--settled")
    assert out.returncode == 0 and "removed 1" in out.stdout
    assert session_nos(cli) == ["new"]
    out = cli("remove", "new", "ghost")
    assert out.returncode == 2 and "not watched: ghost" in out.stderr
    assert session_nos(cli) == []
    assert cli("remove").returncode == 2


CORRUPT = b'{"version": 1, "sessions": [{"session_no": "ok"}, {"session_no": '


@pytest.mark.parametrize(
    "args",
    [("list",), ("list", "--json"), ("add", "x"), ("remove", "ok"), ("remove", "--settled"), ("export",)],
)
def test_corrupt_watchlist_stops_every_command_and_is_untouched(cli, args):
    cli.watchlist.parent.mkdir(parents=True)
    cli.watchlist.write_bytes(CORRUPT)
    out = cli(*args)
    assert out.returncode == 2
    assert str(cli.watchlist) in out.stderr and "not valid JSON" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert cli.watchlist.read_bytes() == CORRUPT


def test_newer_format_is_refused_not_rewritten(cli):
    cli.watchlist.parent.mkdir(parents=True)
    raw = b'{"version": 2, "sessions": [], "future": true}'
    cli.watchlist.write_bytes(raw)
    out = cli("add", "x")
    assert out.returncode == 2 and "newer usms-tui" in out.stderr
    assert cli.watchlist.read_bytes() == raw


def _cache_some_receipts(cli):
    with ReceiptCache(cli.cache) as cache:
        cache.store_results(
            {
                "s-1": [
                    Receipt.from_api(
                        {
                            "Phone": "13800000001",
                            "ReceiptResult": "Success",
                            "ReceiptCode": "DELIVRD",
                            "ReceiptTime": 1796025600,
                            "CostCount": 2,
                            "UserId": "u1",
                        }
                    ),
                    Receipt.from_api(
                        {
                            "Phone": "13800000002",
                            "ReceiptResult": "Fail",
                            "ReceiptCode": "UNDELIV",
                            "ReceiptDesc": '=HYPERLINK("http://x")',
                        }
                    ),
                ],
            },
            checked_at=time.time() - 60,
        )


def test_list_after_restart_shows_cached_receipts_without_network(cli, closed_port_url):
    cli("add", "s-1", "--phone", "13800000003", "--label", "promo")
    _cache_some_receipts(cli)
    cli.env.update(UCLOUD_API_BASE_URL=closed_port_url, UCLOUD_PUBLIC_KEY="k", UCLOUD_PRIVATE_KEY="secret-xyz")
    out = cli("list", "--phones")
    assert out.returncode == 0, out.stderr
    assert "promo" in out.stdout and "138****0001" in out.stdout and "delivered" in out.stdout
    assert "failed" in out.stdout and "UNDELIV" in out.stdout and "pending" in out.stdout  # known phone, no receipt
    assert "1m ago" in out.stdout
    data = json.loads(cli("list", "--json").stdout)["sessions"][0]
    assert data["counts"] == {"delivered": 1, "failed": 1, "unknown": 0, "pending": 1, "other": 0}
    assert "secret-xyz" not in out.stdout + out.stderr


def test_export_csv_json_status_filter_and_formula_guard(cli, tmp_path):
    cli("add", "s-1", "--label", "+promo", "--sent-at", "1796025000")
    _cache_some_receipts(cli)
    out = cli("export")
    assert out.returncode == 0, out.stderr
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(table[0]) == [
        "session_no",
        "label",
        "phone",
        "status",
        "result",
        "code",
        "desc",
        "cost_count",
        "receipt_time",
        "user_id",
        "sent_at",
        "overdue",
        *("carrier", "cause", "meaning", "advice", "meaning_source"),
    ]
    assert [r["status"] for r in table] == ["delivered", "failed"]
    assert table[1]["cause"] and table[0]["cause"] == ""  # a failure is explained, a delivery not
    assert table[0]["label"] == "'+promo"
    assert table[1]["desc"].startswith("'=HYPERLINK")
    assert table[0]["receipt_time"] == "2026-11-30T08:00:00Z" and table[0]["sent_at"] == "2026-11-30T07:50:00Z"
    target = tmp_path / "out" / "failed.json"
    target.parent.mkdir()  # the user's folder: export never creates it
    out = cli("export", "--format", "json", "--status", "failed", "-o", target)
    assert out.returncode == 0, out.stderr
    rows = json.loads(target.read_text())
    assert [(r["phone"], r["code"], r["desc"]) for r in rows] == [("13800000002", "UNDELIV", '=HYPERLINK("http://x")')]
    assert [p.name for p in target.parent.iterdir()] == ["failed.json"]  # no temp left behind


ADDER = textwrap.dedent(
    """
    import sys
    from usms_tui.cli.main import main
    prefix = sys.argv[1]
    # 100 SessionNos in 10 separate adds (each a locked read-modify-write), racing the others.
    for i in range(10):
        rc = main(["add", *(f"{prefix}-{i}-{j}" for j in range(10))])
        if rc:
            sys.exit(rc)
    """
)


def test_four_cli_processes_adding_100_each_find_400(cli):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, f"p{n}"],
            env=cli.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    found = session_nos(cli)
    assert len(found) == 400 and len(set(found)) == 400


KILLED = textwrap.dedent(
    """
    import sys
    from usms_tui.cli.main import main
    prefix = sys.argv[1]
    for i in range(100000):
        if main(["add", f"{prefix}-{i}", "--label", "x" * (i % 5) * 40]) == 0:
            print(f"OK {prefix}-{i}", file=sys.stderr, flush=True)
    """
)


def test_sigkill_during_cli_adds_never_loses_an_add_that_succeeded(cli):
    rng = random.Random(11)
    confirmed: set[str] = set()
    for round_no in range(10):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED, f"k{round_no}"],
            env=cli.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        first = proc.stderr.readline()
        time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stderr.read()
        proc.wait()
        for line in (first + rest).split("\n")[:-1]:
            if line.startswith("OK "):
                confirmed.add(line[3:])
        out = cli("list", "--json")
        assert out.returncode == 0, out.stderr
        held = {s["session_no"] for s in json.loads(out.stdout)["sessions"]}
        assert confirmed <= held
    assert len(confirmed) >= 10


def test_corrupt_cache_is_a_warning_not_an_error(cli):
    cli("add", "s-1")
    cli.cache.parent.mkdir(parents=True, exist_ok=True)
    cli.cache.write_bytes(b"garbage, not sqlite" * 200)
    out = cli("list")
    assert out.returncode == 0, out.stderr
    assert "warning" in out.stderr and "started afresh" in out.stderr and "s-1" in out.stdout
    # Once, and only as a 'usms-tui: warning:' line (logging once echoed it raw as well).
    assert out.stderr.count("started afresh") == 1, out.stderr
    assert all(line.startswith("usms-tui: warning: ") for line in out.stderr.splitlines()), out.stderr
    assert any(".corrupt-" in p.name for p in cli.cache.parent.iterdir())


def test_unreadable_input_file_is_one_line_exit_2(cli, tmp_path):
    out = cli("add", "--from", tmp_path / "missing.txt")
    assert out.returncode == 2 and "cannot read" in out.stderr and "Traceback" not in out.stderr
    assert not cli.watchlist.exists()


def test_remove_reads_standard_input(cli):
    cli("add", "a", "b", "c")
    out = cli("remove", "-", input="# done ones\na\nc\n")
    assert out.returncode == 0 and "removed 2" in out.stdout
    assert session_nos(cli) == ["b"]


def test_output_into_a_closed_pipe_is_no_traceback(cli):
    """``usms-tui list | head -1`` on a long list: the reader leaves, we exit quietly."""
    import subprocess
    import sys

    cli("add", *[f"pipe-{i:04d}" for i in range(2000)], "--label", "x" * 60)
    process = subprocess.Popen(
        [sys.executable, "-m", "usms_tui", "list"], env=cli.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.readline()
    process.stdout.close()  # like head -1
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err
    assert process.returncode in (0, 141)


def test_label_with_a_control_character_is_refused_like_in_the_ui(cli):
    result = cli("add", "s-1", "--label", "x\x1b[31mred")
    assert result.returncode == 2
    assert "--label: contains a control character (U+001B)" in result.stderr
    assert not cli.watchlist.exists()  # nothing was written
