"""What the UI shows of an explanation: groups by cause then code, filters, and short texts."""

from __future__ import annotations

from usms_tui.domain.carriers import Carrier
from usms_tui.domain.cause_groups import group_by_cause, phones_with_cause
from usms_tui.domain.causes import Cause
from usms_tui.domain.delivery import NO_DELIVERIES, DeliveryStats
from usms_tui.domain.explain import explain
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize

T0 = 1_796_000_000


def receipt(phone, result, code=""):
    return Receipt.from_api({"Phone": phone, "ReceiptResult": result, "ReceiptCode": code, "ReceiptTime": T0})


def summaries():
    a = [
        receipt("13800000001", "Fail", "UNDELIV"),  # China Mobile: arrears
        receipt("13800000002", "Fail", "UNDELIV"),
        receipt("18900000003", "Fail", "UNDELIV"),  # China Telecom: arrears too
        receipt("13000000004", "Fail", "UNDELIV"),  # China Unicom: no reason given
        receipt("13800000005", "Success", "DELIVRD"),
    ]
    b = [receipt("13800000006", "Fail", "MK:0001"), receipt("13800000007", "SubmitFail", "SUBMIT:0012")]
    return [summarize("a", a, now=T0, added_at=T0), summarize("b", b, now=T0, added_at=T0)]


def test_groups_by_cause_then_code_biggest_first():
    groups = group_by_cause(summaries())
    assert [(g.cause, g.count) for g in groups] == [
        (Cause.ARREARS, 3),
        (Cause.NUMBER_INVALID, 1),
        (Cause.NO_REASON, 1),
        (Cause.NOT_IN_TABLE, 1),
    ]
    [undeliv] = groups[0].by_size()
    assert (undeliv.code, undeliv.count, undeliv.sessions, undeliv.meaning) == ("UNDELIV", 3, 1, "用户欠费停机")
    assert [phone.phone for _, phone, _ in undeliv.phones] == ["13800000001", "13800000002", "18900000003"]
    not_in_table = groups[-1].by_size()[0]
    assert not_in_table.code == "SUBMIT:0012" and not_in_table.meaning is None


def test_phones_filtered_by_cause():
    found = phones_with_cause(summaries(), [Cause.NUMBER_INVALID, Cause.NO_REASON])
    assert [(no, r.phone) for no, r in found] == [("a", "13000000004"), ("b", "13800000006")]


def test_short_texts_for_a_detail_line():
    mobile = explain(receipt("13800000001", "Fail", "UNDELIV"))
    assert mobile.carrier_text() == "China Mobile (by prefix)" and mobile.source_text() == ""
    guess = explain(receipt("18900000001", "Fail", "DB:0141"))
    assert guess.source_text() == "China Mobile's row, a guess"
    shared = explain(receipt("13800000001", "Fail", "BWLIST_006"))
    assert shared.source_text() == "all three networks' row"
    assert explain(receipt("+44 20 7946 0000", "Fail", "UNDELIV")).carrier_text() == ""
    assert mobile.carrier is Carrier.CHINA_MOBILE and mobile.cause.label == "account in arrears"


def test_delivery_figures_read_short():
    assert DeliveryStats(3, 4, 125, 3900).describe() == "p50 4s · p95 2m · max 1h05m"
    assert NO_DELIVERIES.describe() == "-"
