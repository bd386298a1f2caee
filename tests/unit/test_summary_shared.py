"""A summary and its aged copies (one per view and second) share what does not depend on the
age: the phones, the delivered times, the delivery seconds and figures are worked out once."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from usms_tui.domain.delivery import median_delay, session_stats, stats_of
from usms_tui.domain.receipts import Receipt, Status
from usms_tui.domain.summary import SessionSummary, summarize

T0 = 1_750_000_000.0


def delivered(phone: str, when: int) -> Receipt:
    return Receipt.from_api({"Phone": phone, "ReceiptResult": "Success", "ReceiptTime": when, "CostCount": 1})


def test_copies_share_the_delivery_figures_of_the_first_summary():
    base = summarize("s", [delivered("1", int(T0) + 90), delivered("2", int(T0) + 5)], now=T0 + 100, added_at=T0)
    copy = base.aged(200.0, False).aged(300.0, False)
    assert list(copy.delivery_seconds) == [5, 90]
    assert copy.delivery_seconds is base.delivery_seconds
    assert session_stats(copy).p50 == 5 == median_delay(copy) and session_stats(copy).max == 90


def test_a_copy_asks_the_first_summary_for_phones_and_times_it_works_out_once():
    calls = {"phones": 0, "times": 0}
    phones = (delivered("1", int(T0) + 7),)

    class Source:
        def summary_phones(self) -> tuple[Receipt, ...]:
            calls["phones"] += 1
            return phones

        def summary_delivered_times(self) -> tuple[int, ...]:
            calls["times"] += 1
            return (int(T0) + 7,)

    source = Source()
    base = SessionSummary("s", source, {Status.DELIVERED: 1}, 1, True, False, 10.0, T0, source)
    copies = [base.aged(float(age), False) for age in range(20, 25)]
    assert not any(c.phones_loaded for c in copies)
    assert all(c.delivered_times == (int(T0) + 7,) for c in copies)
    assert all(c.phones == phones for c in copies) and all(c.phones_loaded for c in copies)
    assert base.phones_loaded and calls == {"phones": 1, "times": 1}
    assert [list(c.delivery_seconds) for c in copies] == [[7]] * 5


def test_delivery_seconds_past_a_machine_integer_are_kept_all_the_same():
    huge = SessionSummary("s", (), {Status.DELIVERED: 1}, 1, True, False, 0.0, 0.0, (10**30,))
    assert list(huge.delivery_seconds) == [math.floor(10**30 - 0.0)]  # no OverflowError


@given(st.lists(st.integers(0, 10**6), max_size=30), st.floats(0, 10**6, allow_nan=False))
def test_delivery_seconds_are_each_phone_s_delay_ascending(offsets, started_offset):
    started_at = T0 + started_offset
    times = tuple(int(T0) + o for o in offsets)
    summary = SessionSummary("s", (), {Status.DELIVERED: len(times)}, 0, True, False, 0.0, started_at, times)
    expected = sorted(max(0, math.floor(when - started_at)) for when in times)
    assert list(summary.aged(1.0, False).delivery_seconds) == expected
    assert session_stats(summary) == stats_of(expected)
    assert median_delay(summary) == stats_of(expected).p50


def test_a_summary_without_its_age_is_the_kept_one_until_the_session_turns_overdue():
    from usms_tui.monitor.session_state import SessionState
    from usms_tui.store.watchlist import WatchedSession

    state = SessionState(WatchedSession("s", added_at=T0, phones=("13800000000",)))
    base = state.summary(T0 + 10, 3600)
    later = state.summary(T0 + 20, 3600, with_age=False)
    assert later is base  # no copy made for a view that shows no age
    assert state.summary(T0 + 20, 3600).age_seconds == 20  # a view that shows it gets it
    overdue = state.summary(T0 + 4000, 3600, with_age=False)
    assert overdue is not base and overdue.overdue and overdue.age_seconds == 4000
