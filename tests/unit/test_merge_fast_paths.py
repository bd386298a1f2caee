"""The shortcuts a large refresh takes give what the careful path gives: a summary of
receipts merged already, and the cache's rows read back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import examples
from usms_tui.domain.receipts import Receipt, merge_phones
from usms_tui.domain.summary import summarize
from usms_tui.store.cache_codec import receipts_from_json, receipts_to_json

phones = st.sampled_from(
    ["13800000001", "+86 138 0000 0001", "(86)13800000001", "008613800000001", "13800000002", "x", ""]
)
results = st.sampled_from(["", "Success", "Fail", "Unknow", "Weird"])
receipts = st.lists(
    st.builds(
        lambda phone, result, cost: Receipt.from_api(
            {"Phone": phone, "ReceiptResult": result, "CostCount": cost, "ReceiptTime": 1_750_000_000 if result else 0}
        ),
        phones,
        results,
        st.integers(0, 3),
    ),
    max_size=8,
)


@settings(max_examples=examples(300), deadline=None)
@given(receipts=receipts, known=st.lists(phones, max_size=4))
def test_a_summary_of_merged_receipts_is_the_careful_one(receipts, known):
    careful = summarize("s", receipts, now=10.0, added_at=0.0, known_phones=known)
    quick = summarize("s", merge_phones(receipts), now=10.0, added_at=0.0, known_phones=known, merged=True)
    assert quick == careful


@settings(max_examples=examples(300), deadline=None)
@given(receipts=receipts)
def test_cache_rows_read_back_as_written(receipts):
    assert receipts_from_json(receipts_to_json(receipts)) == tuple(receipts)
