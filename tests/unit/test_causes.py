"""Every published row has a cause of the project's own; the exceptions are still needed."""

from __future__ import annotations

from collections import Counter

import pytest

from usms_tui.domain.carriers import Carrier
from usms_tui.domain.causes import EXCEPTIONS, Cause, cause_by_rules, cause_of
from usms_tui.domain.receipt_codes import default_table

#: Rows per cause in the shipped table (commit fbe928f). A change here is a change of the
#: rules or of UCloud's table: review the rows that moved before updating the numbers.
EXPECTED_ROWS = {
    Cause.GATEWAY: 834,
    Cause.INTERCEPTED: 379,
    Cause.NUMBER_INVALID: 372,
    Cause.UNREACHABLE: 300,
    Cause.BLACKLISTED: 156,
    Cause.FREQUENCY_LIMIT: 143,
    Cause.CONTENT_BLOCKED: 125,
    Cause.HANDSET: 84,
    Cause.ARREARS: 64,
    Cause.NO_REASON: 56,
    Cause.SIGNATURE: 50,
    Cause.EXPIRED: 26,
    Cause.NOT_A_FAILURE: 10,
}


def rows_per_cause() -> Counter[Cause]:
    table = default_table()
    return Counter(table.lookup(row.carrier_id, row.code).entry.cause for row in table.rows)


def test_every_row_has_a_cause_and_the_count_per_cause_is_known(capsys):
    counts = rows_per_cause()
    with capsys.disabled():
        print("\nrows per cause:", ", ".join(f"{c.value} {n}" for c, n in counts.most_common()))
    assert sum(counts.values()) == len(default_table().rows)
    assert Cause.NOT_IN_TABLE not in counts  # that cause is for codes the table lacks
    assert dict(counts) == EXPECTED_ROWS


def test_every_cause_but_not_in_the_table_names_some_rows():
    assert set(rows_per_cause()) == set(Cause) - {Cause.NOT_IN_TABLE}


@pytest.mark.parametrize(("key", "cause"), sorted(EXCEPTIONS.items()))
def test_each_exception_names_a_published_row_the_rules_read_otherwise(key, cause):
    carrier, code = key
    rows = [r for r in default_table().rows if (r.carrier_id, r.code) == key]
    assert rows, f"no row {carrier.value} {code} any more: drop the exception"
    assert cause_by_rules(rows[0].description) is not cause, "the rules agree now: drop the exception"
    assert cause_of(carrier, code, rows[0].description) is cause


@pytest.mark.parametrize(
    ("description", "cause"),
    [
        ("停机、空号", Cause.NUMBER_INVALID),
        ("关机、停机或空号的", Cause.UNREACHABLE),  # the first cause named wins
        ("用户欠费停机", Cause.ARREARS),
        ("号码在运营商防骚扰黑名单", Cause.BLACKLISTED),
        ("短信内容含有敏感词被运营商网关拦截", Cause.CONTENT_BLOCKED),
        ("签名没有报备", Cause.SIGNATURE),
        ("同一个手机号码，1小时发送超过3条（运营商防轰炸拦截）", Cause.FREQUENCY_LIMIT),
        ("手机终端内存满", Cause.HANDSET),
        ("运营商未告知的原因拦截", Cause.INTERCEPTED),
        ("短消息超过有效期", Cause.EXPIRED),
        ("未知错误", Cause.NO_REASON),
        ("接收成功", Cause.NOT_A_FAILURE),
        ("SGIP协议MT标识错,中国联通网关的错误", Cause.GATEWAY),
        ("something nobody wrote", Cause.GATEWAY),
    ],
)
def test_rules_on_descriptions(description, cause):
    assert cause_by_rules(description) is cause


def test_labels_are_short_english():
    assert Cause.UNREACHABLE.label == "switched off or unreachable"
    assert all(c.label.isascii() and len(c.label) <= 40 for c in Cause)
    assert cause_of(Carrier.CHINA_MOBILE, "no-such", "关机") is Cause.UNREACHABLE
