"""UCloud's receipt-code table as shipped: loading, lookups per carrier and the fall-backs."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from usms_tui.domain.carriers import Carrier
from usms_tui.domain.causes import Cause
from usms_tui.domain.receipt_code_file import CodeRow
from usms_tui.domain.receipt_codes import (
    DATA_FILE,
    CodeTable,
    CodeTableMissing,
    Source,
    check_installed,
    default_table,
    load_table,
    normalize_code,
)

M, U, T, A = Carrier.CHINA_MOBILE, Carrier.CHINA_UNICOM, Carrier.CHINA_TELECOM, Carrier.ALL_NETWORKS


@pytest.fixture(scope="module")
def table() -> CodeTable:
    return default_table()


def test_the_shipped_table_has_every_published_row(table):
    # UCloud publishes 911 / 479 / 776 / 445 rows; twelve China Telecom rows are exact copies.
    assert Counter(r.carrier_id for r in table.rows) == {M: 911, U: 479, T: 764, A: 445}
    assert table.header["commit"] == "fbe928f511fca21ddad62edab0bedf6a00c276b8"
    assert table.header["retrieved"] and table.header["source"].startswith("https://github.com/UCloudDoc-Team/usms/")
    assert default_table() is table  # read once, kept


def test_no_published_text_holds_control_or_format_characters(table):
    # They would act on a terminal or hide text in a spreadsheet; the generator drops them.
    texts = {t for r in table.rows for t in (r.product, r.carrier, r.code, r.description, r.advice)}
    assert not [t for t in texts if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in t)]


def test_the_same_code_means_different_things_per_carrier(table):
    mobile, unicom = table.lookup(M, "UNDELIV"), table.lookup(U, "UNDELIV")
    assert mobile.entry.meaning == "用户欠费停机" and mobile.source is Source.CARRIER
    assert mobile.entry.cause is Cause.ARREARS and mobile.entry.advice == "建议用户充值后重新尝试"
    assert unicom.entry.meaning == "发送失败" and unicom.entry.cause is Cause.NO_REASON
    assert table.lookup(T, "MK:0005").entry.meaning == "关机"
    assert table.lookup(M, "MK:0005").entry.meaning == "空号、停机、暂停服务"


def test_fall_back_to_all_networks_then_to_another_carrier_as_a_guess(table):
    # No carrier publishes BWLIST_006: the all-networks row explains it.
    shared = table.lookup(M, "BWLIST _006")
    assert shared.source is Source.ALL_NETWORKS and shared.entry.carrier is A and not shared.guess
    # DB:0141 is published for China Mobile only: a Telecom number gets it as a guess.
    guess = table.lookup(T, "DB:0141")
    assert guess.source is Source.OTHER_CARRIER and guess.guess and guess.entry.carrier is M
    # Numbers with no carrier (foreign, unallocated prefix) use all networks, then any carrier.
    assert table.lookup(None, "BWLIST _006").source is Source.ALL_NETWORKS
    assert table.lookup(None, "DB:0141").entry.carrier is M
    # Broadnet has no table: China Mobile's rows come first.
    assert table.lookup(Carrier.CHINA_BROADNET, "UNDELIV").entry.carrier is M


def test_codes_match_as_a_person_reads_them(table):
    full_width = table.lookup(M, "CL32:1")  # published as CL32：1
    assert full_width is not None and full_width.entry.code == "CL32：1"
    assert table.lookup(M, "cl32：1") == full_width
    assert table.lookup(M, "  UNDELIV ") == table.lookup(M, "UNDELIV")
    assert table.lookup(A, "BWLIST_006").entry.code == "BWLIST _006"
    assert normalize_code("ｍｋ：０００１") == "MK:0001"


def test_published_patterns(table):
    ranged = table.lookup(T, "114")  # 112～116
    assert ranged.entry.code == "112～116" and ranged.entry.cause is Cause.INTERCEPTED
    assert table.lookup(U, "CU0042").entry.code == "CU开头的" and table.lookup(U, "CU0042").pattern
    assert table.lookup(M, "MI:0777").entry.code == "MI:xxxx"
    assert table.lookup(M, "MI:0013").entry.code == "MI:0013" and not table.lookup(M, "MI:0013").pattern
    assert table.lookup(T, "SMGPERR:120042").entry.code == "SMGPERR:12××××"
    # "UNDELIV MK：NNNN" (all networks) explains a bare MK code no carrier row has.
    bare = table.lookup(U, "MK:0042")
    assert bare.entry.code == "UNDELIV MK：NNNN" and bare.source is Source.ALL_NETWORKS
    assert table.lookup(M, "MC").entry.code == "MC、MI"


def test_codes_published_twice_keep_both_texts(table):
    six = table.lookup(T, "6").entry
    assert [r.description for r in six.rows] == ["空号", "运营商黑名单"]
    assert six.meaning == "空号 / 运营商黑名单" and six.cause is Cause.NUMBER_INVALID


@pytest.mark.parametrize("code", ["", " ", "DELIVRD", "NO-SUCH-CODE", "x" * 65, "\x00\x1b[31m", "[b]UNDELIV[/b]"])
def test_codes_in_no_table_are_no_match(table, code):
    assert table.lookup(M, code) is None


@given(code=st.text(max_size=80), carrier=st.sampled_from([M, U, T, A, Carrier.CHINA_BROADNET, None]))
def test_any_code_is_a_match_or_none_never_an_error(code, carrier):
    match = default_table().lookup(carrier, code)
    assert match is None or match.entry.meaning


def test_a_missing_data_file_is_a_clear_error_naming_it(tmp_path):
    missing = tmp_path / "usms_tui" / "domain" / "data" / "receipt_codes.tsv"
    with pytest.raises(CodeTableMissing, match=r"receipt-code table .*receipt_codes\.tsv is missing"):
        load_table(missing)
    with pytest.raises(CodeTableMissing, match=re.escape(str(missing))):
        check_installed(missing)
    check_installed()  # the package's own is there


def test_a_damaged_data_file_is_a_clear_error_too(tmp_path):
    damaged = tmp_path / "receipt_codes.tsv"
    damaged.write_text("# commit: x\nproduct\tcarrier\n", encoding="utf-8")
    with pytest.raises(CodeTableMissing, match="damaged: the column line"):
        load_table(damaged)
    header = DATA_FILE.read_text(encoding="utf-8").split("\n")[:8]
    damaged.write_text("\n".join([*header, "国内短信\t中国移动\tchina_unicom\t1\tx\ty"]) + "\n", encoding="utf-8")
    with pytest.raises(CodeTableMissing, match="line 9: carrier '中国移动' is not 'china_unicom'"):
        load_table(damaged)


def test_a_table_from_rows_needs_no_file():
    rows = [CodeRow("国内短信", "中国移动", M, "X1", "关机", ""), CodeRow("国内短信", "三网", A, "X2", "空号", "换号")]
    table = CodeTable(rows)
    assert table.lookup(M, "X1").entry.advice is None and table.lookup(M, "X1").entry.cause is Cause.UNREACHABLE
    assert table.lookup(U, "X2").entry.cause is Cause.NUMBER_INVALID and len(table) == 2


def test_loading_shares_strings():
    code = (
        "from usms_tui.domain.receipt_codes import default_table; table = default_table();"
        "texts = [r.description for r in table.rows];"
        "print(len(texts), len({id(t) for t in texts}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    # How fast it loads is for bench/, not for a test on a shared machine.
    assert int(out[1]) < int(out[0]) * 0.6  # one string object per distinct description
