"""A phone's receipt explained: carrier, cause, UCloud's meaning and advice; bad data never crashes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from usms_tui.domain.carriers import Carrier
from usms_tui.domain.causes import Cause
from usms_tui.domain.explain import FIELDS, explain, explain_fields, explain_report
from usms_tui.domain.receipt_codes import Source
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize

T0 = 1_796_000_000


def receipt(phone: str, result: str, code: str = "", receipt_time: int | None = None) -> Receipt:
    return Receipt.from_api({"Phone": phone, "ReceiptResult": result, "ReceiptCode": code, "ReceiptTime": receipt_time})


def test_a_failed_mobile_phone_gets_its_carriers_meaning():
    explained = explain(receipt("+86 138 0000 0000", "Fail", "UNDELIV"))
    assert explained.carrier is Carrier.CHINA_MOBILE and explained.carrier_from_prefix
    assert explained.cause is Cause.ARREARS and explained.source is Source.CARRIER and not explained.guess
    assert explained.meaning == "用户欠费停机" and explained.advice == "建议用户充值后重新尝试"
    assert explain_fields(receipt("13000000000", "发送失败", "UNDELIV")) == {
        "carrier": "china_unicom",
        "cause": "no_reason",
        "meaning": "发送失败",
        "advice": "建议用户重新发送或联系客服人员进行解决",
        "meaning_source": "carrier",
    }


def test_another_carriers_row_is_marked_a_guess():
    explained = explain(receipt("18900000000", "Fail", "DB:0141"))  # a China Mobile code
    assert explained.carrier is Carrier.CHINA_TELECOM and explained.guess
    assert explained.to_dict()["meaning_source"] == "other_carrier" and explained.cause is Cause.BLACKLISTED


def test_delivered_and_pending_phones_have_nothing_to_explain_but_a_carrier():
    for done in (receipt("13800000000", "Success", "DELIVRD"), Receipt.pending("13800000000")):
        assert explain_fields(done) == dict.fromkeys(FIELDS) | {"carrier": "china_mobile"}
    assert explain_fields(Receipt.pending("+1 415 555 0100")) == dict.fromkeys(FIELDS)


def test_unknown_and_submit_fail_are_explained_too():
    assert explain(receipt("13800000000", "Unknow", "UNKNOWN")).meaning == "手机号码为空号或不存在"
    submit = explain(receipt("13800000000", "SubmitFail", "SUBMIT:0012"))
    assert submit.cause is Cause.NOT_IN_TABLE and submit.meaning is None and submit.advice is None


def test_codes_in_no_table_empty_or_odd_are_not_in_the_table():
    for code in ("", "   ", "NOPE:1", "\x1b[31m", "[bold]x[/]", "码" * 500):
        explained = explain(receipt("13800000000", "Fail", code))
        assert explained.cause is Cause.NOT_IN_TABLE and explained.to_dict()["meaning"] is None


@given(
    phone=st.text(max_size=30),
    result=st.sampled_from(["Fail", "Unknow", "SubmitFail", "Weird", "Success", ""]),
    code=st.text(max_size=70),
)
def test_any_receipt_explains_without_crashing(phone, result, code):
    fields = explain_fields(receipt(phone, result, code))
    assert list(fields) == list(FIELDS)
    if result in ("Fail", "Unknow", "SubmitFail", "Weird"):
        assert fields["cause"] in {c.value for c in Cause}
    else:
        assert fields["cause"] is None


def test_equal_receipts_share_one_explanation():
    assert explain(receipt("13800000000", "Fail", "UNDELIV")) is explain(receipt("13900000000", "Fail", "UNDELIV"))


def test_report_gains_delivery_seconds_and_phone_fields():
    phones = [
        receipt("13800000001", "Success", "DELIVRD", T0 + 3),
        receipt("13800000002", "Success", "DELIVRD", T0 + 8),
        receipt("13800000003", "Fail", "MK:0001", T0 + 9),
    ]
    summaries = [summarize("a", phones, now=T0 + 60, added_at=T0), summarize("b", [], now=T0 + 60, added_at=T0)]
    doc = {
        "checked_at": T0 + 60,
        "sessions": [
            {"session_no": s.session_no, "phones": [r.to_dict() for r in s.phones], "cost_count": 0} for s in summaries
        ],
        "errors": [],
    }
    assert explain_report(doc, summaries) is doc
    first, second = doc["sessions"]
    assert list(first) == ["session_no", "cost_count", "delivery_seconds", "phones"]
    assert first["delivery_seconds"] == {"p50": 3, "p95": 8, "max": 8}
    assert second["delivery_seconds"] == {"p50": None, "p95": None, "max": None}
    assert doc["delivery_seconds"] == {"p50": 3, "p95": 8, "max": 8}
    failed = first["phones"][2]
    assert failed["code"] == "MK:0001" and failed["cause"] == "number_invalid" and failed["meaning"] == "空号"
    assert first["phones"][0]["cause"] is None and first["phones"][0]["carrier"] == "china_mobile"
