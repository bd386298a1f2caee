"""The generator of the receipt-code data file: parsing UCloud's markdown, and reproducing
the committed file byte for byte."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from usms_tui.domain.carriers import Carrier
from usms_tui.domain.receipt_code_file import parse_header, parse_rows
from usms_tui.domain.receipt_codes import DATA_FILE

ROOT = Path(__file__).resolve().parents[2]
EXCERPT = Path(__file__).with_name("data") / "receipt_code_excerpt.md"

_spec = importlib.util.spec_from_file_location("gen_receipt_codes", ROOT / "scripts" / "gen_receipt_codes.py")
assert _spec and _spec.loader
gen = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("gen_receipt_codes", gen)  # dataclasses look their module up there
_spec.loader.exec_module(gen)


def test_parser_reads_the_excerpt_with_its_oddities():
    rows, report = gen.parse(EXCERPT.read_text(encoding="utf-8"))
    by_code = {(r.carrier_id, r.code): r for r in rows}
    # Only the first table; the second one ("不是 | 这张表") has other columns.
    assert len(rows) == 13 and {r.product for r in rows} == {"国内短信"}
    # <br> and <br/> read as spaces; the text otherwise as published.
    assert by_code[Carrier.CHINA_MOBILE, "2"].description == "1、发送频率高 2、内容含有敏感词 3、号码在运营商防骚扰名单"
    # An escaped pipe is part of the cell, entities are decoded, tabs and outer spaces trimmed.
    odd = by_code[Carrier.CHINA_UNICOM, "A|B"]
    assert odd.description == "代码含竖线 | 和 <标签>" and odd.advice == "建议 重试"
    # An empty advice stays empty; a backslash stays a backslash; full-width colons stay as published.
    assert by_code[Carrier.CHINA_UNICOM, "CU开头的"].advice == ""
    assert (Carrier.CHINA_TELECOM, "650(660\\99") in by_code
    assert (Carrier.ALL_NETWORKS, "CL32：1") in by_code
    assert by_code[Carrier.CHINA_UNICOM, "UNDELIV"].carrier == "中国联通"
    # The exact duplicate is dropped and reported; the code published twice differently is kept twice.
    assert [r.code for r in rows if r.carrier_id is Carrier.CHINA_TELECOM and r.code == "6"] == ["6", "6"]
    assert [(n, r.code) for n, r in report.exact_duplicates] == [(20, "6")]
    assert report.conflicting == {("china_telecom", "6"): 2}
    assert [n for n, _ in report.skipped] == [24]  # the row with no code
    assert "CL32：1" in {code for _, code in report.odd_codes}
    assert any("dropped exact duplicate (line 20)" in line for line in report.lines())


def test_a_row_of_an_unknown_carrier_is_reported_not_guessed():
    table = "| 产品类型 | 运营商 | 状态码 | 状态码描述 | 建议的处理方案 |\n| --- | --- | --- | --- | --- |\n"
    rows, report = gen.parse(table + "| 国内短信 | 中国铁通 | 9 | 未知 | 无 |\n| 国内短信 | 三网 | 9 | 未知 | 无 |\n")
    assert [r.carrier_id for r in rows] == [Carrier.ALL_NETWORKS]
    assert [n for n, _ in report.skipped] == [3] and "unknown carrier '中国铁通'" in report.skipped[0][1]


def test_rendered_excerpt_reads_back_field_for_field_and_sorted():
    rows, _ = gen.parse(EXCERPT.read_text(encoding="utf-8"))
    text = gen.render(rows, commit="c0ffee", committed="2026-07-17", retrieved="2026-12-02")
    header, back = parse_rows(text)
    assert header["commit"] == "c0ffee" and header["retrieved"] == "2026-12-02" and header["rows"] == "13"
    assert header["source"].endswith("/blob/c0ffee/api_docs/error_code/receipt_code.md")
    assert sorted(back, key=repr) == sorted(rows, key=repr)
    mobile = [r.code for r in back if r.carrier_id is Carrier.CHINA_MOBILE]
    assert mobile == ["2", "10", "MI:xxxx", "UNDELIV"]  # numbers in numeric order
    assert [r.description for r in back if r.code == "6"] == ["空号", "运营商黑名单"]  # published order kept
    assert gen.render(back, commit="c0ffee", committed="2026-07-17", retrieved="2026-12-02") == text


def test_the_committed_data_file_is_what_the_generator_writes():
    """Without UCloud's markdown at hand: the committed file, parsed and rendered again, is
    byte for byte itself (so its order, escapes and header are the generator's)."""
    text = DATA_FILE.read_bytes().decode("utf-8")
    header, rows = parse_rows(text)
    again = gen.render(rows, commit=header["commit"], committed=header["committed"], retrieved=header["retrieved"])
    assert again.encode("utf-8") == DATA_FILE.read_bytes()
    assert header["source"].startswith("https://github.com/UCloudDoc-Team/usms/blob/")
    assert len(header["commit"]) == 40 and int(header["rows"]) == len(rows)


@pytest.mark.skipif(
    not os.environ.get("USMS_DOCS_GIT_DIR"),
    reason="set USMS_DOCS_GIT_DIR to a clone or mirror of UCloudDoc-Team/usms to regenerate from the source",
)
def test_regenerating_from_the_source_reproduces_the_file(tmp_path):
    out = tmp_path / "receipt_codes.tsv"
    out.write_bytes(DATA_FILE.read_bytes())  # so the retrieval date is kept, as on a rerun
    header = parse_header(DATA_FILE.read_text(encoding="utf-8").splitlines())
    command = [sys.executable, str(ROOT / "scripts" / "gen_receipt_codes.py"), "--git-dir"]
    command += [os.environ["USMS_DOCS_GIT_DIR"], "--rev", header["commit"], "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == DATA_FILE.read_bytes()
    assert "wrote 2599 rows" in done.stderr and "dropped exact duplicate" in done.stderr
