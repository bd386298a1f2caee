"""A session's failure tallies: what they count, how the store keeps them (one word in the
stored summary), and that a damaged word is never read as tallies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usms_tui.domain.carriers import carrier_of, carrier_of_prefix, carrier_prefix
from usms_tui.domain.failure_tally import FailureTally, tally_failures
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize
from usms_tui.store.failure_codec import failures_from_text, failures_to_text

T0 = 1_796_000_000

#: Every spelling carrier_of reads, and some it does not.
PHONES = st.one_of(
    st.sampled_from(["13800000001", "+86 138 0000 0001", "008617031234567", "(86)13491234567", "19212345678", "1", ""]),
    st.from_regex(r"(\+86|0086|86)?1[0-9]{10}", fullmatch=True),
    st.text(max_size=14),
)


@settings(max_examples=400, deadline=None)
@given(PHONES)
def test_the_prefix_decides_the_carrier_as_the_number_does(phone):
    assert carrier_of_prefix(carrier_prefix(phone)) is carrier_of(phone)


def rec(phone, result, code="", desc=""):
    return Receipt.from_api(
        {"Phone": phone, "ReceiptResult": result, "ReceiptCode": code, "ReceiptDesc": desc, "ReceiptTime": T0}
    )


def test_tallies_count_each_kind_in_the_order_it_first_appears():
    phones = [
        rec("13800000001", "Success", "DELIVRD"),
        rec("13800000002", "Fail", "UNDELIV", "x"),
        rec("18900000003", "Unknow", "UNDELIV", "x"),
        rec("13800000004", "Fail", "UNDELIV", "x"),
        rec("+44 20 7946 0000", "SubmitFail", "SUBMIT:0012", "y"),
        rec("13800000005", ""),  # pending
    ]
    assert tally_failures(phones) == (
        FailureTally("1380", "UNDELIV", "x", 2),
        FailureTally("1890", "UNDELIV", "x", 1),
        FailureTally("", "SUBMIT:0012", "y", 1),
    )


def test_a_summary_tallies_its_phones_and_none_without_failures():
    failed = summarize("a", [rec("13800000001", "Fail", "UNDELIV")], now=T0, added_at=T0)
    assert failed.failures == (FailureTally("1380", "UNDELIV", "", 1),)
    assert failed.aged(5.0, False).failures is failed.failures
    delivered = summarize("b", [rec("13800000001", "Success")], now=T0, added_at=T0, known_phones=["13800000002"])
    assert delivered.failures == ()


TALLIES = st.lists(
    st.builds(
        FailureTally,
        st.one_of(st.just(""), st.from_regex(r"1[0-9]{3}", fullmatch=True)),
        st.text(max_size=12),  # any script, spaces, quotes, backslashes
        st.text(max_size=12),
        st.integers(1, 10_000),
    ),
    max_size=6,
    unique_by=lambda tally: tally[:3],
).map(tuple)


@settings(max_examples=300, deadline=None)
@given(TALLIES)
def test_the_stored_word_reads_back_as_the_tallies(tallies):
    from usms_tui.domain.text import encodable

    tallies = tuple(t._replace(code=encodable(t.code), desc=encodable(t.desc)) for t in tallies)
    word = failures_to_text(tallies)
    assert word.isascii() and " " not in word
    assert failures_from_text(word, sum(t.phones for t in tallies)) == tallies


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("", 1),  # none stored for a failed phone
        ('[["1380","UNDELIV","x",1]]', 2),  # counts one of two
        ('[["1380","UNDELIV","x",0]]', 0),
        ('[["1380","UNDELIV","x",true]]', 1),
        ('[["13800","UNDELIV","x",1]]', 1),
        ('[["abcd","UNDELIV","x",1]]', 1),
        ('[["1380","UNDELIV",1]]', 1),
        ('[["1380",5,"x",1]]', 1),
        ('[["1380","UNDELIV","x",1],["1380","UNDELIV","x",1]]', 2),  # one kind twice
        ('[["1380","UNDELIV","\\udcff",1]]', 1),  # a lone surrogate
        ("[]", 0),
        ("{}", 1),
        ("[" * 10_000, 1),
        ("not json", 1),
    ],
)
def test_a_damaged_word_is_none(word, expected):
    assert failures_from_text(word, expected) is None
