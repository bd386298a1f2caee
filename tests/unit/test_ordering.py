"""The orders of ``s`` and ``export --sort``: what a session sorts on in each mode, ties in
the watchlist's order, whether sorted through a rank over SessionNos (export) or by a stable
sort over sessions held in watchlist order (the sessions table)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from usms_tui.domain.ordering import SORT_MODES, sort_key, sort_rank
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize

T0 = 1_764_000_000.0
RESULTS = ("Success", "Fail", "Unknown", "")


def _summary(i: int, results: list[str], age: int):
    receipts = [Receipt.from_api({"Phone": f"1380000{p:04d}", "ReceiptResult": r}) for p, r in enumerate(results) if r]
    phones = tuple(f"1380000{p:04d}" for p in range(len(results)))
    return summarize(f"s-{i}", receipts, now=T0, added_at=T0 - age, known_phones=phones)


sessions = st.lists(
    st.tuples(st.lists(st.sampled_from(RESULTS), max_size=4), st.sampled_from([0, 60, 3600, 50_000, 90_000])),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(sessions=sessions, labels=st.lists(st.sampled_from(["", "b", "A", "a", "Ä"]), min_size=30, max_size=30))
def test_a_stable_sort_on_the_key_is_the_rank_order(sessions, labels):
    summaries = [_summary(i, results, age) for i, (results, age) in enumerate(sessions)]
    label_of = {s.session_no: labels[i] for i, s in enumerate(summaries) if labels[i]}
    nos = [s.session_no for s in summaries]
    for mode in SORT_MODES:
        by_rank = sorted(nos, key=sort_rank(mode, summaries, label_of))
        keys = {s.session_no: sort_key(mode, s, label_of.get(s.session_no, "")) for s in summaries}
        assert sorted(nos, key=keys.__getitem__) == by_rank, mode


def test_what_each_mode_puts_first():
    old_failed = _summary(0, ["Fail", "Unknown", "Success"], 90_000)  # overdue? no: nothing pending
    pending = _summary(1, ["", "", "Success"], 50_000)  # two pending, past 12 hours: overdue
    fresh = _summary(2, ["Success"], 60)
    summaries = [old_failed, pending, fresh]
    nos = [s.session_no for s in summaries]
    labels = {"s-2": "alpha"}
    first = {mode: sorted(nos, key=sort_rank(mode, summaries, labels))[0] for mode in SORT_MODES}
    assert first == {"added": "s-0", "age": "s-0", "failed": "s-0", "pending": "s-1", "name": "s-2"}
