"""The real command line against hostile servers, files, input and arguments: no terminal
takeover, no hang, no traceback, nothing lost, no secret echoed. One test (at least) per
class of failure; the property tests over the same inputs are in tests/unit/test_hostile_*.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.cli_inprocess import run_main
from tests.hostile_servers import LoopbackServer, answer, drip

#: What no output may carry raw: C0 (but newline and tab), DEL, C1, bidi, separators, surrogates.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
OSC52 = "\x1b]52;c;cHduZWQ=\x07"
EVIL = f"{OSC52}\x1b]0;pwned\x07\x9b2J\u202eevil\u2066"


@pytest.fixture
def run(cli, tmp_path):
    """``cli`` without the subprocess: the same environment and files, ten times faster.
    Tests of what only a real process shows (bytes in argv, binary stdin, process limits,
    umask, wall-clock deadlines) keep using ``cli``."""

    def call(*args: object, input: str | bytes = b"") -> subprocess.CompletedProcess:
        result = run_main([str(a) for a in args], cli.env, input, cwd=tmp_path)
        assert result.error is None, f"traceback: {result.error!r}"
        return result

    call.env = cli.env
    call.watchlist = cli.watchlist
    return call


def clean(out: subprocess.CompletedProcess) -> bool:
    """No raw control character, and no traceback, on either stream."""
    text = out.stdout.replace("\r\n", "\n") + out.stderr
    return RAW.search(text) is None and "Traceback" not in text


def receipts_answer(session_no: str, **receipt) -> bytes:
    item = {"Phone": "13800000001", "ReceiptResult": "Fail", "ReceiptCode": "UNDELIV", "ReceiptTime": 1_790_000_000}
    item.update(receipt)
    return json.dumps({"RetCode": 0, "Data": [{"SessionNo": session_no, "ReceiptSet": [item]}]}).encode()


def point_at(cli, server, private_key: str = "priv-key-for-hostile-tests") -> None:
    cli.env.update(UCLOUD_PUBLIC_KEY="pub", UCLOUD_PRIVATE_KEY=private_key, UCLOUD_API_BASE_URL=server.url)


# -- 1. terminal takeover --------------------------------------------------------------


def test_api_text_never_reaches_the_terminal_raw_through_any_output(run):
    run("add", "s-1", "--label", "night")
    with LoopbackServer(
        answer(receipts_answer("s-1", ReceiptDesc=EVIL, ReceiptCode="\u202e1", UserId="\x9b"))
    ) as server:
        point_at(run, server)
        check_json = run("check", "--json")
        check_table = run("check")
    outputs = [
        check_json,
        check_table,
        run("list"),
        run("list", "--phones"),
        run("list", "--json"),
        run("export"),
        run("export", "--format", "json"),
    ]
    for out in outputs:
        assert out.returncode == 0, out.stderr
        assert clean(out), out.args
    # JSON keeps the data exact: the escapes decode to the very characters the API sent.
    phone = json.loads(check_json.stdout)["sessions"][0]["phones"][0]
    assert phone["desc"] == EVIL and phone["code"] == "\u202e1" and phone["user_id"] == "\x9b"
    assert "\\u009b" in check_json.stdout and "\\u202e" in check_json.stdout
    assert json.loads(run("export", "--format", "json").stdout)[0]["desc"] == EVIL
    # CSV has no escapes of its own: the characters are written visibly, formulas still defused.
    assert "\\x1b]52;c;cHduZWQ=\\x07" in run("export").stdout


def test_an_export_file_is_as_safe_to_cat_as_stdout(run, tmp_path):
    run("add", "s-1")
    with LoopbackServer(answer(receipts_answer("s-1", ReceiptDesc="=HYPERLINK()" + EVIL))) as server:
        point_at(run, server)
        assert run("check").returncode == 0
    for fmt in ("csv", "json"):
        target = tmp_path / f"out.{fmt}"
        assert run("export", "--format", fmt, "-o", target).returncode == 0
        text = target.read_text(encoding="utf-8")
        assert RAW.search(text.replace("\r\n", "\n")) is None
    assert ",'=HYPERLINK()" in (tmp_path / "out.csv").read_text()


@pytest.mark.parametrize(
    "args",
    [
        ["list", EVIL],  # argparse's own "unrecognized arguments"
        ["export", "--status", EVIL],  # argparse's "invalid choice"
        ["add", "x", "--label", EVIL],
        ["add", "--from", f"/nonexistent/{EVIL}"],
        ["list", "--config", f"/nonexistent/{EVIL}/config.toml"],
        ["list", "--watchlist", f"~{EVIL}/w.json"],  # ~user of no user: expanduser's RuntimeError
        ["check", "--session", EVIL],
        ["wait", "--timeout", EVIL],
        ["remove", "--older-than", EVIL],
        ["add", "x", "--sent-at", EVIL],
        ["config", "--profile", EVIL],
    ],
)
def test_error_lines_echo_arguments_paths_and_flag_values_escaped(run, args):
    run.env.update(UCLOUD_PUBLIC_KEY="pub", UCLOUD_PRIVATE_KEY="priv-key-x", UCLOUD_API_BASE_URL="http://127.0.0.1:9")
    out = run(*args)
    assert out.returncode == 2 and clean(out), out.stderr
    assert "error:" in out.stderr.splitlines()[-1]  # one error line (after argparse's usage)


# -- 2. overall deadlines --------------------------------------------------------------


def test_check_timeout_bounds_the_whole_command_against_a_dripping_server(cli):
    cli("add", "s-1")
    with LoopbackServer(drip(every=0.2)) as server:
        point_at(cli, server)
        started = time.monotonic()
        out = cli("check", "--timeout", "1", timeout=30)
        elapsed = time.monotonic() - started
    assert out.returncode == 5 and clean(out)
    assert "no complete answer within 1s" in out.stderr and "gave up after 4 attempts" in out.stderr
    # 4 attempts of 1 s and at most 1.75 s of backoff plus start-up: ~7 s; a drip with no
    # overall deadline would hold it for the whole 30 s. Room for a loaded machine between.
    assert elapsed < 20


# -- 3. no traceback on malicious input -------------------------------------------------

DEEP_ARRAY = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
HUGE_INT = '{"session_no": "s", "sent_at": ' + "1" * 5000 + "}"
LONG_INT = '{"session_no": "s", "sent_at": ' + "1" * 4000 + "}"  # parses, then overflows float()


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_OBJECT, HUGE_INT, LONG_INT], ids=["array", "object", "5000", "4000"])
def test_hostile_json_on_stdin_and_in_files_is_refused_in_one_line(run, tmp_path, text):
    source = tmp_path / "in.json"
    source.write_text(text)
    for args, given in ((["add", "-"], text), (["add", "--from", source], None), (["remove", "-"], text)):
        out = run(*args, input=given)
        assert out.returncode == 2 and clean(out), (args, out.stderr[-300:])
        assert len(out.stderr.splitlines()) <= 2


def test_binary_data_on_stdin_is_one_clear_refusal(cli):
    out = subprocess.run(
        [sys.executable, "-m", "usms_tui", "add", "-"],
        input=b"\xff\xfe\x00garbage\x9b\n" * 100,
        env=cli.env,
        capture_output=True,
    )
    assert out.returncode == 2 and b"Traceback" not in out.stderr
    assert b"standard input: not UTF-8 text (byte 0)" in out.stderr and not cli.watchlist.exists()


def test_bytes_that_are_not_utf8_in_arguments_are_refused_and_shown_escaped(cli, tmp_path):
    bad = b"s-\xff\xfe"
    run = [sys.executable, "-m", "usms_tui"]
    out = subprocess.run([*run, "add", bad, b"s-good", b"--label", b"ok"], env=cli.env, capture_output=True)
    assert out.returncode == 2 and b"Traceback" not in out.stderr
    assert b"\\udcff" in out.stderr and b"not UTF-8" in out.stderr
    assert [s["session_no"] for s in json.loads(cli("list", "--json").stdout)["sessions"]] == ["s-good"]
    # In a path too: the file is named as the bytes say, the message escapes them.
    out = subprocess.run(
        [*run, "list", b"--watchlist", bytes(tmp_path) + b"/w\xff.json"], env=cli.env, capture_output=True
    )
    assert out.returncode == 0 and b"Traceback" not in out.stdout + out.stderr
    out = subprocess.run([*run, "add", b"--label", b"\xff", b"x"], env=cli.env, capture_output=True)
    assert out.returncode == 2 and b"Traceback" not in out.stderr and b"\\udcff" not in out.stdout


@pytest.mark.parametrize(
    "document",
    [
        '{"version": 1, "junk": ' + DEEP_ARRAY + ', "sessions": []}',
        '{"version": 1, "sessions": [{"session_no": "a", "added_at": ' + "1" * 4000 + "}]}",
        '{"version": 1, "sessions": [{"session_no": "a", "added_at": ' + "1" * 5000 + "}]}",
        '{"version": ' + "[" * 900 + "]" * 900 + ', "sessions": []}',
    ],
    ids=["deep", "4000-digit", "5000-digit", "deep-version"],
)
def test_a_hostile_watchlist_stops_every_command_in_one_line_and_stays_as_it_was(run, document):
    run.watchlist.parent.mkdir(parents=True)
    run.watchlist.write_text(document)
    before = run.watchlist.read_bytes()
    for args in (["list"], ["add", "x"], ["remove", "a"], ["export"], ["check"]):
        out = run(*args)
        assert out.returncode == 2 and clean(out), (args, out.stderr[-300:])
        assert run.watchlist.read_bytes() == before


# -- 4. odd but valid files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "key"),
    [
        ('{"version": 1, "sessions": [{"session_no": "a"}], "sessions": [{"session_no": "b"}]}', '"sessions"'),
        ('{"version": 1, "sessions": [{"session_no": "a", "label": "x", "label": "y"}]}', '"label"'),
        ('{"version": 1, "version": 1, "sessions": []}', '"version"'),
    ],
)
def test_a_watchlist_with_a_duplicated_key_is_refused_naming_it_and_left_byte_for_byte(run, document, key):
    run.watchlist.parent.mkdir(parents=True)
    run.watchlist.write_text(document)
    for args in (["add", "c"], ["remove", "a"], ["list"]):
        out = run(*args)
        assert out.returncode == 2 and f"the key {key} appears twice" in out.stderr, out.stderr
    assert run.watchlist.read_text() == document


def test_an_import_with_a_duplicated_key_is_refused_not_half_read(run, tmp_path):
    source = tmp_path / "sent.jsonl"
    source.write_text('{"RetCode": 0, "SessionNo": "a", "SessionNo": "b"}\n{"RetCode": 0, "SessionNo": "c"}\n')
    out = run("add", "--from", source)
    assert out.returncode == 2 and 'line 1: the key "SessionNo" appears twice' in out.stderr
    assert [s["session_no"] for s in json.loads(run("list", "--json").stdout)["sessions"]] == ["c"]


# -- 5. malformed answers --------------------------------------------------------------


@pytest.mark.parametrize("data", [{"SessionNo": "s-1"}, "s-1", None, 7], ids=["object", "string", "null", "number"])
def test_data_of_the_wrong_shape_is_malformed_exit_6_and_nothing_is_marked_checked(run, data):
    run("add", "s-1")
    with LoopbackServer(answer(json.dumps({"RetCode": 0, "Data": data}).encode())) as server:
        point_at(run, server)
        out = run("check", "--json")
    assert out.returncode == 6 and clean(out)
    assert "malformed response, Data is" in out.stderr
    assert json.loads(run("list", "--json").stdout)["sessions"][0]["last_checked"] is None


def test_a_receipt_without_a_phone_adds_no_phantom_phone(run):
    run("add", "s-1", "--phone", "13800000001")
    body = json.dumps(
        {"RetCode": 0, "Data": [{"SessionNo": "s-1", "ReceiptSet": [{"Phone": None, "ReceiptResult": "Success"}]}]}
    )
    with LoopbackServer(answer(body.encode())) as server:
        point_at(run, server)
        out = run("check", "--json")
    assert out.returncode == 6 and "has no Phone" in out.stderr
    [session] = json.loads(run("list", "--json").stdout)["sessions"]
    assert [p["phone"] for p in session["phones"]] == ["13800000001"] and session["counts"]["pending"] == 1


def test_an_impossible_receipt_time_is_kept_raw_and_shown_as_unknown(run):
    # Every other impossible value is in tests/unit/test_hostile_answers.py.
    run("add", "s-1")
    with LoopbackServer(answer(receipts_answer("s-1", ReceiptTime=99_999_999_999))) as server:
        point_at(run, server)
        out = run("check", "--json")
    assert out.returncode == 0, out.stderr
    phone = json.loads(out.stdout)["sessions"][0]["phones"][0]
    assert phone["receipt_time"] is None and phone["receipt_time_raw"] == "99999999999"  # year 5138
    assert "unknown time" in run("list", "--phones").stdout
    assert json.loads(run("export", "--format", "json").stdout)[0]["receipt_time"] is None


# -- 7. secrets and the process ------------------------------------------------------------

KEY = "5f3c0d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d"


def test_a_private_key_pasted_as_a_session_or_a_profile_is_never_echoed(run, tmp_path):
    run("add", "s-1")
    run.env.update(UCLOUD_PUBLIC_KEY="pub", UCLOUD_PRIVATE_KEY=KEY, UCLOUD_API_BASE_URL="http://127.0.0.1:9")
    out = run("check", "--session", KEY)
    assert out.returncode == 2 and "not watched: ****" in out.stderr
    assert KEY not in out.stdout + out.stderr
    # A key that lives only in the ucloud CLI's credential file, pasted as a profile name.
    del run.env["UCLOUD_PRIVATE_KEY"], run.env["UCLOUD_PUBLIC_KEY"]
    home = run.env["HOME"]
    os.makedirs(f"{home}/.ucloud")
    with open(f"{home}/.ucloud/credential.json", "w") as handle:
        json.dump([{"public_key": "pub", "private_key": KEY, "profile": "default"}], handle)
    os.chmod(f"{home}/.ucloud/credential.json", 0o600)
    for args in (["check", "--profile", KEY], ["list", "--profile", KEY], ["check", "--session", KEY]):
        out = run(*args)
        assert out.returncode == 2 and KEY not in out.stdout + out.stderr, args
    assert KEY[:20] not in out.stderr


def test_core_dumps_are_off_for_the_whole_process(cli):
    script = (
        "import ctypes, resource, sys\n"
        "from usms_tui.cli.main import main\n"
        "main(['config', 'path'])\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE), ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))\n"  # PR_GET_DUMPABLE
    )
    out = subprocess.run([sys.executable, "-c", script], env=cli.env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == ("(0, 0) 0" if sys.platform.startswith("linux") else "(0, 0) -1")


def test_under_umask_000_every_folder_and_file_is_owner_only(cli, tmp_path):
    cli.env.update(
        USMS_TUI_WATCHLIST=str(tmp_path / "new" / "data" / "w.json"),
        USMS_TUI_CACHE=str(tmp_path / "new" / "state" / "c.sqlite3"),
    )
    script = "import os, sys\nos.umask(0)\nfrom usms_tui.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
    for args in (["add", "s-1"], ["list"], ["export", "-o", str(tmp_path / "new" / "data" / "e.csv")]):
        out = subprocess.run([sys.executable, "-c", script, *args], env=cli.env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    modes = {
        str(path.relative_to(tmp_path)): oct(path.stat().st_mode & 0o777) for path in (tmp_path / "new").rglob("*")
    }
    assert modes and all(m == ("0o700" if (tmp_path / p).is_dir() else "0o600") for p, m in modes.items()), modes


# -- 8. smaller ------------------------------------------------------------------------


def test_a_flood_of_refused_lines_is_summarised_on_stderr(run):
    flood = "bad session\n" * 300_000
    out = run("add", "-", input=flood + "good-1\n")
    assert out.returncode == 2 and clean(out)
    lines = out.stderr.splitlines()
    assert len(lines) == 21 and "... and 299980 more refused (300000 in all" in lines[-1]
    assert "added 1," in out.stdout


def test_from_refuses_control_characters_in_labels_as_label_does(run, tmp_path):
    source = tmp_path / "list.json"
    source.write_text(json.dumps({"sessions": [{"session_no": "a", "label": "x\x1b]0;t\x07"}, {"session_no": "b"}]}))
    out = run("add", "--from", source)
    assert out.returncode == 2 and "label" in out.stderr and "control character (U+001B)" in out.stderr
    assert clean(out)
    same = run("add", "c", "--label", "x\x1b]0;t\x07")
    assert same.returncode == 2 and "control character (U+001B)" in same.stderr


def test_a_bom_is_accepted_by_from_and_by_the_watchlist_alike(run, tmp_path):
    source = tmp_path / "in.txt"
    source.write_bytes(b"\xef\xbb\xbfs-1\n")
    assert run("add", "--from", source).returncode == 0
    out = run("list", "--json")
    assert out.returncode == 0 and [s["session_no"] for s in json.loads(out.stdout)["sessions"]] == ["s-1"]
    # A JSON watchlist an editor on Windows saved (with a BOM) is still read when it moves.
    run.watchlist.with_suffix(".db").unlink()
    run.watchlist.write_bytes(b'\xef\xbb\xbf{"version": 1, "sessions": [{"session_no": "s-1"}]}')
    out = run("list", "--json")
    assert out.returncode == 0 and [s["session_no"] for s in json.loads(out.stdout)["sessions"]] == ["s-1"]
    assert run("add", "s-2").returncode == 0
