"""The failures view's rows from the sessions' failure tallies are the rows the
straightforward way gives (every phone explained, grouped by cause and code): groups,
counts, sessions, example SessionNo in first-seen order, meanings, title and export. With
summaries from the store, whose phones are never read, and across a refresh that changes
some sessions and keeps what the others explained to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from usms_tui.domain.cause_groups import CauseGroup, group_by_cause
from usms_tui.domain.failure_tally import FailureTally
from usms_tui.domain.receipts import Receipt, merge_phones
from usms_tui.domain.summary import SessionSummary, summarize
from usms_tui.store.summary_codec import summary_from_text, summary_to_text
from usms_tui.tui.screens.failures import FailuresScreen, Group, table_of

T0 = 1_796_000_000

# Numbers of each carrier (and blocks inside another's), other spellings, and none.
MAINLAND = ["13800000001", "13800000002", "13000000004", "18900000003", "17031234567", "13491234567", "19212345678"]
PHONES = st.sampled_from([*MAINLAND, "+86 138 0000 0009", "0086 189 0000 0008", "+44 20 7946 0000", "", "1"])
RESULTS = st.sampled_from(["Success", "Fail", "Unknow", "状态未知", "SubmitFail", "", "Later", "发送失败"])
# Codes of the table on every carrier, one only some have, none, one too long for any.
CODES = st.sampled_from(["UNDELIV", "MK:0001", "DB:0141", "BWLIST_006", "SUBMIT:0012", "ID:0076", "", "X" * 70])
DESCS = st.sampled_from(["", "x", "a b", "空号", '"q\\', "UNDELIV"])


def rec(phone: str, result: str, code: str, desc: str) -> Receipt:
    return Receipt.from_api(
        {"Phone": phone, "ReceiptResult": result, "ReceiptCode": code, "ReceiptDesc": desc, "ReceiptTime": T0}
    )


SESSION = st.tuples(
    st.lists(st.builds(rec, PHONES, RESULTS, CODES, DESCS), max_size=6),
    st.lists(PHONES, max_size=3),  # known phones
    st.booleans(),  # from the store (phones never read) or in memory
)


def in_memory(no: str, receipts: list[Receipt], known: list[str]) -> SessionSummary:
    return summarize(no, receipts, now=T0, added_at=T0, known_phones=known)


def from_store(no: str, receipts: list[Receipt], known: list[str]) -> SessionSummary:
    """As a start makes it: counts and tallies from the stored summary, phones not read."""
    stored = summary_from_text(summary_to_text(merge_phones(receipts), known))
    assert stored is not None
    whole = in_memory(no, receipts, known)

    class Stored:
        def summary_phones(self) -> tuple[Receipt, ...]:
            raise AssertionError("the failures view read a session's receipts")

        def summary_failures(self) -> tuple[FailureTally, ...] | None:
            return stored.failures()

    source = Stored()
    return SessionSummary(
        no, source, whole.counts, whole.cost_count, whole.settled, whole.overdue, 0.0, T0, None, source
    )


def summaries_of(sessions: list[tuple[list[Receipt], list[str], bool]]) -> tuple[list[SessionSummary], list]:
    fast = [(from_store if stored else in_memory)(f"s{i}", r, k) for i, (r, k, stored) in enumerate(sessions)]
    plain = [in_memory(f"s{i}", r, k) for i, (r, k, _) in enumerate(sessions)]
    return fast, plain


# -- the straightforward computation, as the view did it before the tallies ---------------


def _sessions(pairs: Iterable[tuple[str, object, object]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(session_no for session_no, _, _ in pairs))


def reference_rows(groups: Iterable[CauseGroup]) -> dict[str, Group]:
    rows: dict[str, Group] = {}
    for group in groups:
        codes = group.by_size()
        every = [phone for code in codes for phone in code.phones]
        rows[f"cause\x00{group.cause.value}"] = Group(group.cause, None, group.count, _sessions(every))
        for code in codes:
            meaning = code.meaning or code.phones[0][1].desc
            key = f"code\x00{group.cause.value}\x00{code.code}"
            rows[key] = Group(group.cause, code.code, code.count, _sessions(code.phones), meaning)
    return rows


def reference(summaries: list[SessionSummary]) -> tuple[dict[str, Group], dict[str, Any], str]:
    # Grouped from every phone, the straightforward way; shown as the view shows any groups.
    causes = group_by_cause(summaries)
    groups, wanted, title = table_of(causes, reference_rows(causes))
    return groups, dict(wanted), title


def export(groups: Mapping[str, Group]) -> list[dict[str, Any]]:
    """The export's rows, in the table's order (the groups' own, as show_rows sorts it)."""
    screen = FailuresScreen()
    screen._groups = dict(groups)
    screen.table = SimpleNamespace(keys=list(groups))  # type: ignore[assignment]  # no app: no widget
    return screen.export_rows()


def assert_same(screen: FailuresScreen, fast: list[SessionSummary], plain: list[SessionSummary]) -> None:
    groups, wanted, title = reference(plain)
    computed = screen.compute_rows(fast, {}, None)
    assert computed.groups == groups
    assert list(computed.groups) == list(groups)  # the display order too
    assert dict(computed.wanted) == wanted
    assert computed.title == title
    assert export(computed.groups) == export(groups)


@settings(max_examples=400, deadline=None)
@given(st.lists(SESSION, max_size=8))
def test_the_rows_from_tallies_are_the_rows_from_every_phone(sessions):
    fast, plain = summaries_of(sessions)
    assert_same(FailuresScreen(), fast, plain)


@settings(max_examples=200, deadline=None)
@given(st.lists(SESSION, min_size=1, max_size=8), st.data())
def test_a_refresh_counts_as_a_first_count_does(sessions, data):
    screen = FailuresScreen()
    fast, plain = summaries_of(sessions)
    assert_same(screen, fast, plain)
    # A cycle changes some sessions (new receipts, in memory now); the view counts again.
    changed = data.draw(st.sets(st.integers(0, len(sessions) - 1)))
    again = [(data.draw(SESSION)[0], known, False) if i in changed else (r, known, stored)
             for i, (r, known, stored) in enumerate(sessions)]  # fmt: skip
    fast, plain = summaries_of(again)
    assert_same(screen, fast, plain)
