"""``usms-tui export``: the output folder is the user's, booleans as JSON writes them, the UI's
sort orders, masking on request and a note when full phones land in a file."""

from __future__ import annotations

import csv
import io
import json
import time

from usms_tui.domain.receipts import Receipt
from usms_tui.store.cache import ReceiptCache


def _two_sessions(cli) -> None:
    """``b-few`` (added first, 1 failed) and ``a-many`` (2 failed, overdue phone pending)."""
    out = cli("add", "b-few", "--label", "zebra", "--phone", "13800000001", "--sent-at", "1h ago")
    assert out.returncode == 0, out.stderr
    out = cli("add", "a-many", "--label", "alpha", "--phone", "13800000009", "--sent-at", "13h ago")
    assert out.returncode == 0, out.stderr
    fail = {"ReceiptResult": "Fail", "ReceiptCode": "UNDELIV"}
    with ReceiptCache(cli.cache) as cache:
        cache.store_results(
            {
                "b-few": [Receipt.from_api({"Phone": "13800000001", **fail})],
                "a-many": [
                    Receipt.from_api({"Phone": "13800000002", **fail}),
                    Receipt.from_api({"Phone": "13800000003", **fail}),
                ],
            },
            checked_at=time.time() - 60,
        )


def test_a_missing_output_folder_is_exit_2_naming_it_and_never_created(cli, tmp_path):
    cli("add", "s-1", "--phone", "13800000001")
    target = tmp_path / "missing" / "x.csv"
    out = cli("export", "-o", target)
    assert out.returncode == 2
    assert f"the folder {tmp_path / 'missing'} does not exist" in out.stderr and "nothing was written" in out.stderr
    assert not (tmp_path / "missing").exists()


def test_booleans_are_true_false_in_csv_and_json_booleans_in_json(cli):
    _two_sessions(cli)
    table = list(csv.DictReader(io.StringIO(cli("export").stdout)))
    assert {r["overdue"] for r in table} == {"true", "false"}
    assert [r["phone"] for r in table if r["overdue"] == "true"] == ["13800000009"]
    rows = json.loads(cli("export", "--format", "json").stdout)
    assert {type(r["overdue"]) for r in rows} == {bool}


def test_sort_orders_sessions_as_the_ui_does(cli):
    _two_sessions(cli)

    def order(*flags: str) -> list[str]:
        out = cli("export", "--format", "json", *flags)
        assert out.returncode == 0, out.stderr
        return list(dict.fromkeys(r["session_no"] for r in json.loads(out.stdout)))

    assert order() == ["b-few", "a-many"]  # watchlist order
    assert order("--sort", "name") == ["a-many", "b-few"]  # alpha before zebra
    assert order("--sort", "failed") == ["a-many", "b-few"]
    assert order("--sort", "age") == ["a-many", "b-few"]  # oldest first
    bad = cli("export", "--sort", "bogus")
    assert bad.returncode == 2 and "usms-tui export" in bad.stderr


def test_mask_and_the_note_about_unmasked_phones_in_a_file(cli, tmp_path):
    _two_sessions(cli)
    target = tmp_path / "out.csv"
    out = cli("export", "-o", target)
    assert out.returncode == 0, out.stderr
    assert f"phones are not masked in {target} (--mask masks them)" in out.stderr
    assert "13800000002" in target.read_text()
    out = cli("export", "-o", target, "--mask")
    assert out.returncode == 0 and "not masked" not in out.stderr
    phones = [r["phone"] for r in csv.DictReader(io.StringIO(target.read_text()))]
    assert phones == ["138****0001", "138****0002", "138****0003", "138****0009"]
    # Into a pipe (another program reads it) there is nothing to say.
    assert "not masked" not in cli("export").stderr


def test_the_note_also_comes_when_stdout_is_redirected_into_a_file(cli, tmp_path):
    import subprocess
    import sys

    _two_sessions(cli)
    target = tmp_path / "redirected.csv"
    with open(target, "w") as handle:
        done = subprocess.run(
            [sys.executable, "-m", "usms_tui", "export"], env=cli.env, stdout=handle, stderr=subprocess.PIPE, text=True
        )
    assert done.returncode == 0 and "phones are not masked in the output file" in done.stderr
    assert "13800000002" in target.read_text()
