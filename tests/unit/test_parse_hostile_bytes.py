"""An answer's bytes, however hostile, read by the fast path (a deferred answer decoded, then
its receipts read a field at a time over all of them) give what the careful reading gives:
the same receipts, or a refusal, and never a traceback."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import examples
from tests.unit.test_parse_fast_paths import T0, receipt_objects
from usms_tui.api.errors import ApiError
from usms_tui.api.responses import Answer, parse_ret_code
from usms_tui.domain import answers
from usms_tui.domain.answers import MalformedAnswer, receipts_of
from usms_tui.domain.receipt_batch import receipts_from_api
from usms_tui.domain.receipts import Receipt, Status

ACTION = "GetUSMSSendReceipt"
REFUSED = "refused"


def usual(phone: str, result: str = "Success", cost: object = 1, when: object = T0) -> dict[str, object]:
    return {
        "Phone": phone,
        "CostCount": cost,
        "ReceiptResult": result,
        "ReceiptCode": "DELIVRD",
        "ReceiptDesc": "用户接收成功",
        "ReceiptTime": when,
        "UserId": "",
    }


def fast(raw: bytes) -> object:
    try:
        return receipts_of(Answer({}, None, raw=raw).document(ACTION, ()))
    except (ApiError, MalformedAnswer):
        return REFUSED


def careful(raw: bytes) -> object:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return REFUSED
    if not isinstance(body, dict) or parse_ret_code(body) != 0:
        return REFUSED
    if "Data" not in body:
        return {}
    data = body["Data"]
    if not isinstance(data, list):
        return REFUSED
    try:
        return answers._read_carefully(data)
    except MalformedAnswer:
        return REFUSED


# Pieces a hostile gateway might put anywhere in an answer's bytes.
hostile = st.sampled_from(
    [
        b"\xff",  # not UTF-8
        b"\xed\xa0\x80",  # a surrogate written as UTF-8 (passed by the decoder)
        b"\x00",
        b"\x1b[2J",
        b"\\u0000",
        b"\\ud800",
        b"9" * 5000,  # a number longer than int() takes
        b"[" * 5000,  # nesting deeper than the decoder recurses
        b"1e400",
        b"true",
        b"null",
        b'"',
        b",",
        b"}",
        b'"Weird"',
        b"-0",
        b"01",
    ]
)


@st.composite
def answer_bytes(draw: st.DrawFn) -> bytes:
    receipts = draw(
        st.lists(
            st.one_of(
                st.builds(usual, st.sampled_from(["13800000001", "13800000002", "15538605972"])),
                st.builds(
                    usual,
                    st.sampled_from(["13800000003", "8613800000003"]),
                    st.sampled_from(["Fail", "Unknow", "SubmitFail", "Weird", "发送成功", "", " Success"]),
                    st.sampled_from([0, 1, 2, -1, 10**19, 10**19 + 1, 10**30, True, 1.0, "1"]),
                    st.sampled_from([T0, 0, 946_684_799, 4_102_444_800, T0 * 1000, 1.75e9, "x", False]),
                ),
                receipt_objects(),
            ),
            max_size=6,
        )
    )
    sessions = [{"SessionNo": f"s{draw(st.integers(0, 3))}", "ReceiptSet": receipts[i::2]} for i in range(2)]
    body = {"RetCode": 0, "Action": ACTION + "Response", "Message": "", "Data": sessions}
    raw = json.dumps(body, ensure_ascii=draw(st.booleans()), separators=(",", ":")).encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 2))):  # bytes put in, taken out or changed anywhere
        at = draw(st.integers(0, len(raw)))
        cut = draw(st.integers(0, 3))
        raw = raw[:at] + draw(st.one_of(hostile, st.binary(max_size=3))) + raw[at + cut :]
    return raw


@settings(max_examples=examples(600), deadline=None)
@given(raw=answer_bytes())
def test_hostile_answer_bytes_read_as_the_careful_reading_reads_them(raw):
    assert fast(raw) == careful(raw)


def test_an_unknown_result_is_kept_raw():
    raw = json.dumps({"RetCode": 0, "Data": [{"SessionNo": "s", "ReceiptSet": [usual("13800000001", "Queued")]}]})
    (receipt,) = fast(raw.encode())["s"]  # type: ignore[index]
    assert receipt.result == "Queued" and receipt.status is Status.OTHER


def test_counts_are_range_checked_over_their_distinct_values():
    for costs in ([1, 1, 10**19 + 1], [0, -1, 1], [1, True], [2, 1.0]):
        items = json.loads(json.dumps([usual(f"1380000000{i}", cost=c) for i, c in enumerate(costs)]))
        assert receipts_from_api(items) is None  # left to the careful reading
        assert [Receipt.from_api(item) for item in items]  # which takes each as it can
