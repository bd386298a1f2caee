"""Delivery times: nearest-rank p50/p95/max of ReceiptTime minus the sent (or added) time."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from usms_tui.domain.delivery import (
    NO_DELIVERIES,
    DeliveryStats,
    delivery_seconds,
    nearest_rank,
    overall_stats,
    session_stats,
    stats_of,
)
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize

T0 = 1_796_000_000


def receipt(phone: str, result: str, receipt_time: int | None) -> Receipt:
    return Receipt.from_api({"Phone": phone, "ReceiptResult": result, "ReceiptTime": receipt_time})


def session(delays, *, sent_at=T0, added_at=T0 - 500, others=()):
    receipts = [receipt(f"1380000{n:04d}", "Success", T0 + d) for n, d in enumerate(delays)]
    receipts += [receipt(f"1390000{n:04d}", result, T0 + 5) for n, result in enumerate(others)]
    return summarize("s", receipts, now=T0 + 10_000, added_at=added_at, sent_at=sent_at)


def test_nearest_rank_on_known_values():
    values = Counter(range(1, 21))  # 1..20
    assert nearest_rank(values, 50, 95, 100) == [10, 19, 20]
    assert nearest_rank(Counter([7]), 50, 95) == [7, 7]
    assert nearest_rank(Counter([1, 2]), 50, 95) == [1, 2]
    assert nearest_rank(Counter({3: 9, 900: 1}), 50, 95) == [3, 900]  # 10 values: rank 10 for p95
    assert nearest_rank(Counter(), 50) == [None]


def test_session_figures_are_whole_seconds_from_the_sent_time():
    stats = session_stats(session([4, 2, 9, 1, 30]))
    assert stats == DeliveryStats(count=5, p50=4, p95=30, max=30)
    assert stats.to_dict() == {"p50": 4, "p95": 30, "max": 30}


def test_without_a_sent_time_the_added_time_counts_and_fractions_round_down():
    stats = session_stats(session([3], sent_at=None, added_at=T0 - 0.5))
    assert stats.max == 3  # 3.5 s -> 3
    assert session_stats(session([3], sent_at=T0 + 0.25)).max == 2  # 2.75 s -> 2


def test_a_receipt_before_the_send_counts_as_zero():
    assert session_stats(session([-40, 5])) == DeliveryStats(count=2, p50=0, p95=5, max=5)


def test_only_delivered_phones_with_a_receipt_time_count():
    summary = session([6], others=["Fail", "Unknow", "SubmitFail"])
    assert session_stats(summary) == DeliveryStats(count=1, p50=6, p95=6, max=6)
    assert delivery_seconds(receipt("1", "Success", None), T0) is None
    assert delivery_seconds(receipt("1", "Fail", T0 + 9), T0) is None


def test_nothing_delivered_gives_nulls():
    assert session_stats(session([], others=["Fail"])) is NO_DELIVERIES
    assert NO_DELIVERIES.to_dict() == {"p50": None, "p95": None, "max": None}
    assert overall_stats([]) is NO_DELIVERIES


def test_overall_pools_every_delivered_phone_not_the_session_figures():
    fast = session([1] * 19)
    slow = session([100])
    assert overall_stats([fast, slow]) == DeliveryStats(count=20, p50=1, p95=1, max=100)
    assert overall_stats([fast, slow, session([100])]) == DeliveryStats(count=21, p50=1, p95=100, max=100)


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=200))
def test_histogram_percentiles_match_the_sorted_list(values):
    ordered = sorted(values)
    n = len(ordered)
    expected = DeliveryStats(n, ordered[-(-50 * n // 100) - 1], ordered[-(-95 * n // 100) - 1], ordered[-1])
    assert stats_of(values) == expected
