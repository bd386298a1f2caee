"""Classes 3 and 5 for API answers: malformed ones are errors (never good news), hostile ones
never raise, and impossible values are kept raw instead of becoming plausible ones.

The property test feeds ReceiptClient.fetch arbitrary bodies through MockTransport: the
fetch returns, every session asked for is either fetched or in an error, no phone is "",
and no receipt time outside 2000..2100 is taken as a date.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import examples
from usms_tui.api.client import ReceiptClient, RetryPolicy
from usms_tui.domain.credentials import Credentials
from usms_tui.domain.failures import ErrorKind
from usms_tui.domain.receipts import Receipt

CREDS = Credentials("pub-key-for-tests", "very-secret-private-key-0123456789")
FIELDS = ["Phone", "ReceiptResult", "ReceiptCode", "ReceiptDesc", "ReceiptTime", "CostCount", "UserId"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=8),
    st.sampled_from(["Success", "Fail", "13800000001", "\x1b]0;x\x07", "\udcff", "1700000000123"]),
)
anything = st.recursive(
    scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3), max_leaves=8
)
receipt_item = st.one_of(st.dictionaries(st.sampled_from(FIELDS), scalars), anything)
entry = st.one_of(
    st.fixed_dictionaries(
        {
            "SessionNo": st.sampled_from(["s-1", "s-2", "other", ""]),
            "ReceiptSet": st.one_of(st.lists(receipt_item, max_size=3), anything),
        }
    ),
    anything,
)
bodies = st.one_of(
    st.fixed_dictionaries(
        {"RetCode": st.sampled_from([0, "0", 0.0]), "Data": st.one_of(st.lists(entry, max_size=3), anything)}
    ).map(json.dumps),
    st.fixed_dictionaries({"RetCode": scalars, "Message": scalars}).map(json.dumps),
    st.integers(1, 50_000).map(lambda d: '{"RetCode": 0, "Data": ' + "[" * d + "]" * d + "}"),
    st.integers(41, 8000).map(lambda n: '{"RetCode": ' + "1" * n + "}"),
    st.just('{"RetCode": 0, "Data": [], "Data": [{"SessionNo": "s-1"}]}'),
    st.binary(max_size=30).map(lambda b: b.decode("latin-1")),
)


async def fetch_with(body: bytes, session_nos=("s-1", "s-2")):
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=body))) as http:
        client = ReceiptClient(http, CREDS, base_url="http://127.0.0.1:9", retry=RetryPolicy(max_attempts=1))
        return await asyncio.wait_for(client.fetch(list(session_nos)), 10)


@settings(max_examples=examples(400), deadline=None)
@given(bodies)
def test_any_answer_ends_the_fetch_with_receipts_or_errors_never_an_exception(body):
    result = asyncio.run(fetch_with(body.encode("utf-8", "surrogatepass")))
    asked = {"s-1", "s-2"}
    covered = set(result.receipts) | {no for error in result.errors for no in error.session_nos}
    assert covered == asked and not set(result.receipts) & {n for e in result.errors for n in e.session_nos}
    for receipts in result.receipts.values():
        for receipt in receipts:
            assert receipt.phone.strip()  # never a phantom "" phone
            assert receipt.receipt_time is None or 946_684_800 <= receipt.receipt_time < 4_102_444_800
            json.dumps(receipt.to_dict()).encode("utf-8")
            for value in (receipt.desc, receipt.code, receipt.result, receipt.user_id):
                value.encode("utf-8")  # storable: the cache and exports write it as UTF-8
    for error in result.errors:
        error.describe().encode("utf-8")
        assert error.kind in (ErrorKind.OTHER, ErrorKind.FATAL, ErrorKind.TRANSIENT, ErrorKind.THROTTLED)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"SessionNo": "s-1"}, "Data is an object, not a list"),
        ("s-1", "Data is a string, not a list"),
        (None, "Data is null, not a list"),
        ([{"SessionNo": "s-1", "ReceiptSet": {"Phone": "1"}}], "Data[0].ReceiptSet is an object, not a list"),
        ([{"ReceiptSet": []}], "Data[0] has no SessionNo"),
        ([{"SessionNo": "s-1", "ReceiptSet": [{"Phone": None, "ReceiptResult": "Success"}]}], "has no Phone (null)"),
        ([{"SessionNo": "s-1", "ReceiptSet": [{"ReceiptResult": "Success"}]}], "has no Phone (missing)"),
        ([{"SessionNo": "s-1", "ReceiptSet": ["junk"]}], "Data[0].ReceiptSet[0] is a string"),
    ],
)
async def test_a_malformed_success_is_an_error_and_marks_nothing_checked(data, problem):
    result = await fetch_with(json.dumps({"RetCode": 0, "Data": data}).encode(), ["s-1"])
    [error] = result.errors
    assert error.kind is ErrorKind.OTHER and problem in error.message and error.session_nos == ("s-1",)
    assert not result.receipts


async def test_what_is_documented_as_varying_is_still_read():
    absent = await fetch_with(b'{"RetCode": "0"}', ["s-1"])  # no Data key: nothing yet
    assert absent.ok and absent.receipts == {"s-1": []}
    numeric_phone = await fetch_with(
        b'{"RetCode": 0, "Data": [{"SessionNo": "s-1", "ReceiptSet": [{"Phone": 13800000001}]}]}', ["s-1"]
    )
    assert numeric_phone.receipts["s-1"][0].phone == "13800000001"


@given(st.one_of(st.integers(), st.floats(), st.text(max_size=50), st.none(), st.booleans()))
@settings(max_examples=examples(400), deadline=None)
def test_a_receipt_time_is_a_plausible_time_or_kept_raw_never_a_wrong_date(value):
    receipt = Receipt.from_api({"Phone": "1", "ReceiptResult": "Success", "ReceiptTime": value})
    if receipt.receipt_time is not None:
        assert 946_684_800 <= receipt.receipt_time < 4_102_444_800 and not receipt.time_raw
    assert Receipt.from_dict(receipt.to_dict()) == receipt  # the cache keeps the raw value too


@pytest.mark.parametrize(
    "raw", [-5, -1_700_000_000, 99_999_999_999, 10**30, 5_000_000_000, "2026-01-01", 1e300, "1" * 5000]
)
def test_impossible_receipt_times_are_unknown_with_the_raw_value_kept(raw):
    receipt = Receipt.from_api({"Phone": "1", "ReceiptResult": "Fail", "ReceiptTime": raw})
    assert receipt.receipt_time is None and receipt.time_raw and len(receipt.time_raw) <= 40
    assert receipt.to_dict()["receipt_time_raw"] == receipt.time_raw
