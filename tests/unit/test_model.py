from __future__ import annotations

import pytest

from usms_tui.domain.answers import MalformedAnswer, parse_receipt_data, receipts_of
from usms_tui.domain.receipts import Receipt, Status, classify, mask_phone, shows_raw_result
from usms_tui.domain.summary import summarize


def test_classify_documented_and_unknown_results():
    assert classify("Success") is Status.DELIVERED
    assert classify("发送成功") is Status.DELIVERED
    assert classify("Fail") is Status.FAILED
    assert classify("发送失败") is Status.FAILED
    assert classify("Unknow") is Status.UNKNOWN
    assert classify("状态未知") is Status.UNKNOWN
    assert classify("Weird") is Status.OTHER
    assert classify("") is Status.PENDING
    assert classify(None) is Status.PENDING


def test_submit_fail_counts_as_failed_and_keeps_its_raw_word():
    # The submission to the carrier failed: a failure, but not UCloud's own word for one.
    for raw in ("SubmitFail", " submitfail "):
        receipt = Receipt.from_api({"Phone": "13800000000", "ReceiptResult": raw})
        assert receipt.status is Status.FAILED and receipt.result == raw
        assert receipt.to_dict()["result"] == raw and Receipt.from_dict(receipt.to_dict()) == receipt
        assert shows_raw_result(receipt.status, receipt.result)
    assert not shows_raw_result(Status.FAILED, "Fail") and not shows_raw_result(Status.FAILED, "发送失败")
    assert shows_raw_result(Status.OTHER, "Weird") and not shows_raw_result(Status.OTHER, "")


def test_receipt_from_api_is_lenient():
    r = Receipt.from_api(
        {"Phone": "13800000000", "CostCount": "2", "ReceiptResult": "Weird", "ReceiptTime": "1700000000", "X": 1}
    )
    assert r.status is Status.OTHER and r.result == "Weird"
    assert r.cost_count == 2 and r.receipt_time == 1700000000
    assert r.code == "" and r.user_id == ""
    assert Receipt.from_dict(r.to_dict()) == r


def test_parse_receipt_data_pending_shapes():
    # No Data key at all, an empty, null or missing ReceiptSet: no receipts yet (pending).
    assert receipts_of({"RetCode": 0}) == {}
    parsed = parse_receipt_data(
        [{"SessionNo": "a", "ReceiptSet": []}, {"SessionNo": "b"}, {"SessionNo": "c", "ReceiptSet": None}]
    )
    assert parsed == {"a": [], "b": [], "c": []}
    # An entry that is not an object is a broken answer, not a quiet one.
    with pytest.raises(MalformedAnswer, match=r"Data\[1\] is a string"):
        parse_receipt_data([{"SessionNo": "a"}, "junk"])


def test_summarize_counts_settled_overdue():
    receipts = [Receipt.from_api({"Phone": "1", "ReceiptResult": "Success", "CostCount": 2})]
    s = summarize("s", receipts, now=100_000, added_at=0, known_phones=["1", "2"], warn_after=50_000)
    assert s.counts[Status.DELIVERED] == 1 and s.counts[Status.PENDING] == 1
    assert not s.settled and s.overdue and s.cost_count == 2
    s2 = summarize("s", receipts, now=100_000, added_at=0, sent_at=90_000, known_phones=["1"], warn_after=50_000)
    assert s2.settled and not s2.overdue and s2.age_seconds == 10_000
    empty = summarize("s", [], now=10, added_at=0)
    assert not empty.settled and not empty.overdue


def test_mask_phone():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("(86)13812341234") == "(86)138****1234"


def test_receipt_time_in_milliseconds_is_scaled_to_seconds():
    # The docs only imply seconds; a millisecond value would otherwise be a date no formatter
    # can show (year 57425) and crash `list --phones`, `export` and the UI's phone pane.
    from usms_tui.domain.timefmt import format_iso_utc

    for raw in (1_700_000_000, 1_700_000_000_123, "1700000000123", 1_700_000_000_123_456, 1_700_000_000.7):
        receipt = Receipt.from_api({"Phone": "1", "ReceiptResult": "Success", "ReceiptTime": raw})
        assert receipt.receipt_time == 1_700_000_000, raw
        assert format_iso_utc(receipt.receipt_time) == "2023-11-14T22:13:20Z"
    for raw in (0, -5, "", "soon", float("nan"), "inf", None, True):
        assert Receipt.from_api({"Phone": "1", "ReceiptTime": raw}).receipt_time is None, raw
    # A cache written before this fix may hold milliseconds too.
    assert Receipt.from_dict({"phone": "1", "receipt_time": 1_700_000_000_123}).receipt_time == 1_700_000_000


def test_known_phones_match_receipts_in_any_country_code_form():
    from usms_tui.domain.receipts import phone_key

    assert {phone_key(p) for p in ("(86)13812341234", "+86 138-1234-1234", "008613812341234", "13812341234")} == {
        "13812341234"
    }
    assert phone_key("(60)123456789") == "60123456789"  # other countries keep their code
    receipts = [Receipt.from_api({"Phone": "13812341234", "ReceiptResult": "Success"})]
    s = summarize("s", receipts, now=10, added_at=0, known_phones=["(86)13812341234"])
    assert s.settled and s.total == 1 and s.phones[0].phone == "13812341234"


def test_a_watched_session_is_an_immutable_tuple_whose_constructor_and_replace_take_every_field():
    import inspect

    from usms_tui.domain.sessions import WatchedSession

    names = ["session_no", "label", "added_at", "sent_at", "phones", "note", "archived", "project_id"]
    params = list(inspect.signature(WatchedSession.__new__).parameters)[1:]
    assert params == names
    assert list(inspect.signature(WatchedSession.replace).parameters)[1:] == names
    values = ("s", "label", 1.0, 2.0, ("1", "2"), "note", True, "org-1")
    entry = WatchedSession(*values)
    assert tuple(getattr(entry, name) for name in names) == values
    assert entry == WatchedSession(**dict(zip(names, values, strict=True)))
    assert hash(entry) == hash(WatchedSession(*values))
    assert entry.replace(label="other") == WatchedSession(*values[:1], "other", *values[2:])
    assert entry.replace(sent_at=None).sent_at is None and entry.replace().sent_at == 2.0
    assert entry.replace(project_id=None).project_id is None and entry.replace() == entry
    assert entry.replace(phones=("3",)).phones == ("3",)
    with pytest.raises(AttributeError):
        entry.label = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "phones",
    [(), ("",), ("13800000000",), ("a", ""), ("", "a"), ("[x", "y"), ("line\nbreak",), ("138", "139", "852")],
)
def test_a_sessions_phones_read_back_as_given_and_equal_sessions_store_the_same_text(phones):
    from usms_tui.domain.sessions import WatchedSession, phones_from_text, phones_to_text

    entry = WatchedSession("s", phones=phones)
    assert entry.phones == phones
    assert phones_from_text(phones_to_text(phones)) == phones
    # What the store reads back is the same session, by value and hash.
    stored = WatchedSession.stored("s", "", 0.0, None, entry.phones_text, "", False, None)
    assert stored == entry and hash(stored) == hash(entry) and stored.phones == phones
