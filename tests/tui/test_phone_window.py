"""The phones view's rows by position (``_phone_window``): placed from the sessions' counts
when they can be, the same rows as a scan of every phone, and a session's phones read only
when one of its rows is asked for."""

from __future__ import annotations

from tests.tui.fake_host import HOUR, NOW, FakePoller, receipt, sample_poller
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import SessionSummary
from usms_tui.tui.screens._phone_rows import SORTS, STANDARD_FILTERS, PhoneFilter
from usms_tui.tui.screens._phone_window import (
    CountedWindow,
    ScannedWindow,
    by_counts,
    changes_between,
    window_for,
)
from usms_tui.tui.widgets.table_base import Changes


def _rows(window) -> list[tuple[str, tuple]]:
    return [(window.key_at(i), window.values_at(i)) for i in range(len(window))]


def _entries(poller: FakePoller) -> dict:
    return {no: state.entry for no, state in poller.states.items()}


def test_rows_placed_by_counts_are_the_rows_a_scan_finds_for_every_status_filter():
    poller = sample_poller()
    summaries, entries = poller.summaries(NOW), _entries(poller)
    for phone_filter in STANDARD_FILTERS:
        counted = CountedWindow(summaries, entries, phone_filter)
        scanned = ScannedWindow(summaries, entries, phone_filter, "session")
        assert _rows(counted) == _rows(scanned), phone_filter.name
        for index in range(len(counted)):
            assert counted.index_of(counted.key_at(index)) == index
        assert counted.index_of("usms-none\x00138") is None and counted.total == scanned.total == 10


def test_only_a_sort_by_session_with_a_status_filter_is_placed_by_counts():
    assert by_counts(PhoneFilter("all"), "session")
    assert not any(by_counts(PhoneFilter("all"), sort) for sort in SORTS[1:])
    assert not by_counts(PhoneFilter("all", text="undel"), "session")
    assert not by_counts(PhoneFilter("code", code="E1"), "session")


def _lazy(count: int, phones: int) -> tuple[list[SessionSummary], dict, list[str]]:
    """Summaries whose phones are read only when asked for, and the SessionNos read."""
    poller = FakePoller()
    for s in range(count):
        answered = [receipt(f"138{s:04d}{p:04d}", "Fail" if p % 3 else "Success", "E", "", NOW) for p in range(phones)]
        poller.add(f"usms-{s:05d}", answered, sent_at=NOW - HOUR)
    read: list[str] = []

    class Unread:
        def __init__(self, whole: SessionSummary) -> None:
            self.whole = whole

        def summary_phones(self) -> tuple[Receipt, ...]:
            read.append(self.whole.session_no)
            return self.whole.phones

    lazy = [
        SessionSummary(
            whole.session_no, Unread(whole), whole.counts, whole.cost_count, whole.settled, whole.overdue,
            whole.age_seconds, whole.started_at,
        )
        for whole in poller.summaries(NOW)
    ]  # fmt: skip
    return lazy, _entries(poller), read


def test_a_window_placed_by_counts_reads_only_the_sessions_of_the_rows_asked_for():
    summaries, entries, read = _lazy(2000, 5)
    window = window_for(summaries, entries, STANDARD_FILTERS[1], "session")  # failed
    assert isinstance(window, CountedWindow) and len(window) == 2000 * 3 and read == []
    assert window.key_at(len(window) - 1) == "usms-01999\x0013819990004"
    assert window.values_at(3)[2][0].value == "failed" and read == ["usms-01999", "usms-00001"]
    assert window.index_of("usms-01000\x0013810000002") == 1000 * 3 + 1


def test_counts_out_of_step_with_the_phones_give_way_to_the_phones():
    summaries, entries, _read = _lazy(3, 3)
    first = summaries[0]
    summaries[0] = SessionSummary(first.session_no, first.phones, {**first.counts, first.phones[0].status: 9},
                                  first.cost_count, first.settled, first.overdue, first.age_seconds)  # fmt: skip
    window = CountedWindow(summaries, entries, PhoneFilter("all"))
    assert window.key_at(0) == "usms-00000\x0013800000000"
    assert len(window) == 9 and window.key_at(3) == "usms-00001\x0013800010000"


def test_changes_count_rows_drawn_one_by_one_and_the_others_by_their_counts():
    poller = sample_poller()
    entries = _entries(poller)
    old = CountedWindow(poller.summaries(NOW), entries, PhoneFilter("all"))
    assert changes_between(None, old) == Changes(len(old), 0, 0)
    old.key_at(0)  # the first session's rows were drawn
    names = list(poller.states)
    first, last = names[0], names[-1]
    first_phones = old.session_rows(0)[0]
    changed = first_phones[0].partition("\x00")[2]
    poller.set_receipts(first, [receipt(changed, "Fail", "E9", "other", NOW)])
    poller.add("usms-new", [receipt("15000000001", "Fail", "E1", "x", NOW)], sent_at=NOW - 60)
    del poller.states[last]
    new = CountedWindow(poller.summaries(NOW), _entries(poller), PhoneFilter("all"))
    gone = old.counts[-1]
    result = changes_between(old, new)
    assert result.added == 1 and result.removed == gone and result.changed >= 1
    assert changes_between(new, CountedWindow(poller.summaries(NOW), _entries(poller), PhoneFilter("all"))) == (0, 0, 0)
