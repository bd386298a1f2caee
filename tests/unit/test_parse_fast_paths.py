"""The whole-answer reading of receipts gives exactly what the careful, receipt-by-receipt
reading gives: the same receipts, the same error for a broken answer, and a list marked as
needing no merge only when merging would change nothing."""

from __future__ import annotations

import gc
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import examples
from usms_tui.domain import answers
from usms_tui.domain.answers import MalformedAnswer, parse_receipt_data
from usms_tui.domain.receipt_batch import receipts_from_api
from usms_tui.domain.receipts import DistinctPhones, Receipt, _merge_by_key, merge_phones

T0 = 1_750_000_000

# Mostly the usual values, with each kind of oddity the careful path handles differently.
phones = st.one_of(
    st.sampled_from(["13800000001", "13800000002", "15538605972", "+86 138 0000 0001", "(86)13800000001"]),
    st.sampled_from(
        [
            "008613800000001",
            "8613800000001",
            "",
            "   ",
            "\t",
            "\x1f",
            " 13800000001",
            "1380000000",
            "x",
            "１３８",
            "138\x1b1",
        ]
    ),
    st.integers(0, 10**12),
    st.none(),
)
results = st.sampled_from(
    ["Success", "Fail", "Unknow", "发送成功", "状态未知", "SubmitFail", "", "Weird", " Success", 1]
)
texts = st.one_of(
    st.sampled_from(["", "DELIVRD", "0", "用户接收成功", "Delivered", "\x1b[2J", "a\u202eb", "\udcff", "x" * 300]),
    st.text(max_size=6),
    st.integers(-1, 3),
    st.none(),
)
counts = st.one_of(st.integers(0, 3), st.sampled_from([-1, 10**19, 10**20, True, 1.0, "2", None]))
times = st.one_of(
    st.integers(T0 - 10, T0 + 10),
    st.sampled_from([0, 1, -5, 946_684_799, 4_102_444_800, T0 * 1000, True, 1.75e9, "1750000000", None]),
)
FIELDS = ("Phone", "ReceiptResult", "ReceiptCode", "ReceiptDesc", "CostCount", "ReceiptTime", "UserId")


@st.composite
def receipt_objects(draw: st.DrawFn) -> object:
    if draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from(["junk", 5, None, [], [{"Phone": "1"}]]))
    values = [draw(phones), draw(results), draw(texts), draw(texts), draw(counts), draw(times), draw(texts)]
    usual = draw(st.booleans())  # half of them the gateway's own shape
    if usual:
        values = [draw(st.sampled_from(["13800000001", "13800000002", "13900000003"])), "Success", "DELIVRD"]
        values += ["用户接收成功", 1, T0, ""]
    item = dict(zip(FIELDS, values, strict=True))
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=2)):
        item.pop(name, None)  # a field missing
    if draw(st.integers(0, 10)) == 0:
        item["Extra"] = 1
    return item


entries = st.one_of(
    st.fixed_dictionaries(
        {
            "SessionNo": st.one_of(st.sampled_from(["s1", "s2", "s3"]), st.sampled_from(["", " ", 7, None])),
            "ReceiptSet": st.one_of(st.lists(receipt_objects(), max_size=5), st.none(), st.just("x")),
        }
    ),
    st.fixed_dictionaries({"SessionNo": st.sampled_from(["s1", "s4"])}),
    st.sampled_from(["junk", 3, None]),
)


def careful(data: object) -> object:
    try:
        return answers._read_carefully(data)  # type: ignore[arg-type]
    except MalformedAnswer as problem:
        return f"MalformedAnswer: {problem}"


def fast(data: object) -> object:
    try:
        return parse_receipt_data(data)
    except MalformedAnswer as problem:
        return f"MalformedAnswer: {problem}"


@settings(max_examples=examples(500), deadline=None)
@given(data=st.lists(entries, max_size=6))
def test_the_whole_answer_reading_is_the_careful_one(data):
    data = json.loads(json.dumps(data))  # as an answer decodes: JSON's own types only
    got = fast(data)
    assert got == careful(data)
    if isinstance(got, dict):
        for receipts in got.values():
            assert all(type(r) is Receipt for r in receipts)
            if type(receipts) is DistinctPhones:  # marked: merging would change nothing
                assert _merge_by_key(receipts, ()) == receipts


@settings(max_examples=examples(500), deadline=None)
@given(items=st.lists(receipt_objects(), max_size=8))
def test_a_batch_of_receipts_reads_as_each_one_does(items):
    items = json.loads(json.dumps(items))
    read = receipts_from_api(items)
    if read is not None:
        receipts, distinct = read
        assert receipts == [Receipt.from_api(item) for item in items]
        if distinct:
            assert _merge_by_key(receipts, ()) == receipts


def test_the_gateways_own_answer_takes_the_whole_answer_path():
    items = [
        {
            "Phone": f"1380000000{i}",
            "CostCount": 1,
            "ReceiptResult": "Success" if i % 2 else "发送失败",
            "ReceiptCode": "DELIVRD",
            "ReceiptDesc": "用户接收成功",
            "ReceiptTime": T0 + i,
            "UserId": "",
        }
        for i in range(5)
    ]
    read = receipts_from_api(items)
    assert read is not None and read[1]
    assert read[0] == [Receipt.from_api(item) for item in items]
    parsed = parse_receipt_data([{"SessionNo": "a", "ReceiptSet": items[:3]}, {"SessionNo": "b", "ReceiptSet": None}])
    assert parsed == {"a": read[0][:3], "b": []}
    assert type(parsed["a"]) is DistinctPhones


def test_texts_are_shared_and_made_safe_as_from_api_makes_them():
    items = [
        {
            "Phone": "13800000001",
            "CostCount": 1,
            "ReceiptResult": "Fail",
            "ReceiptCode": "UN\udcffDELIV",
            "ReceiptDesc": "x" * 300,
            "ReceiptTime": T0,
            "UserId": "tag",
        }
    ] * 2
    read = receipts_from_api(json.loads(json.dumps(items)))
    assert read is not None
    first, second = read[0]
    assert first == Receipt.from_api(items[0]) and first.code == "UN\ufffdDELIV"
    assert first.code is second.code and first.user_id is second.user_id


@pytest.mark.parametrize(
    "phones",
    [
        ["13800000001", "13800000001"],  # the same phone twice (a long message per part)
        ["13800000001", "8613800000001"],  # one phone written two ways
        ["1380000000", "138000000012"],  # lengths that add up to two plain phones
        ["1380000000\n", "13800000002"],
    ],
)
def test_phones_that_must_be_merged_are_not_marked(phones):
    items = [
        {"Phone": p, "CostCount": 1, "ReceiptResult": r, "ReceiptCode": "", "ReceiptDesc": "", "ReceiptTime": T0}
        | {"UserId": ""}
        for p, r in zip(phones, ["", "Success"], strict=True)
    ]
    parsed = parse_receipt_data([{"SessionNo": "a", "ReceiptSet": items}])
    assert type(parsed["a"]) is not DistinctPhones
    assert merge_phones(parsed["a"]) == _merge_by_key(parsed["a"], ())


@settings(max_examples=examples(300), deadline=None)
@given(
    phone_list=st.lists(
        st.sampled_from(["13800000001", "13800000002", "8613800000001", "1380000000", "138000000012", "x", ""]),
        max_size=6,
    ),
    marked=st.booleans(),
)
def test_merging_takes_a_shortcut_only_where_it_changes_nothing(phone_list, marked):
    receipts = [Receipt.from_api({"Phone": p, "ReceiptResult": "Success"}) for p in phone_list]
    expected = _merge_by_key(receipts, ())
    got = merge_phones(receipts)
    assert got == expected and type(got) is list
    if marked and expected == receipts:  # a list marked by the reader is one that needs nothing
        assert merge_phones(DistinctPhones(receipts)) == expected


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was(enabled):
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        parse_receipt_data([{"SessionNo": "a", "ReceiptSet": [{"Phone": "13800000001", "ReceiptResult": "Success"}]}])
        assert gc.isenabled() is enabled
        with pytest.raises(MalformedAnswer):
            parse_receipt_data([{"SessionNo": "a", "ReceiptSet": ["junk"]}])
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_a_deferred_answer_leaves_the_collector_as_it_was(enabled):
    from usms_tui.api.errors import ApiError
    from usms_tui.api.responses import Answer

    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        good = Answer({}, None, raw=b'{"RetCode":0,"Data":[]}').document("GetUSMSSendReceipt", ())
        assert good == {"RetCode": 0, "Data": []} and gc.isenabled() is enabled
        for raw in (b'{"RetCode":0,"Data":[' + b"[" * 100_000, b'{"RetCode":0,"Data":1e99999x}'):
            with pytest.raises(ApiError):
                Answer({}, None, raw=raw).document("GetUSMSSendReceipt", ())
            assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
