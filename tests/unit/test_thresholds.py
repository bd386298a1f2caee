"""Threshold rules: parsing with clear errors, and what counts as crossed."""

from __future__ import annotations

import pytest

from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize
from usms_tui.domain.thresholds import (
    FAIL_ABOVE,
    OVERDUE_ABOVE,
    Alert,
    Figures,
    Thresholds,
    crossed,
    evaluate,
    measure,
    parse_percent,
)

HOUR = 3600.0


@pytest.mark.parametrize(
    ("text", "percent"),
    [("5%", 5.0), ("2.5%", 2.5), (" 10 % ", 10.0), ("0", 0.0), ("100%", 100.0), ("0.5", 0.5), (".5%", 0.5), (7, 7.0)],
)
def test_percent_accepts_what_people_write(text, percent):
    assert parse_percent(text) == percent


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("150%", "over 100%; a percentage from 0 to 100"),
        ("abc", "not a percentage from 0 to 100 (e.g. 5%, 2.5%, 10)"),
        ("-1%", "negative; a percentage"),
        (-3, "negative; a percentage"),
        ("nan", "not a percentage"),
        ("inf", "not a percentage"),
        ("", "not a percentage"),
        ("5%%", "not a percentage"),
        (True, "not a percentage"),
        (float("nan"), "not a percentage"),
    ],
)
def test_percent_refuses_with_what_is_accepted(text, says):
    with pytest.raises(ValueError) as caught:
        parse_percent(text)
    assert str(caught.value).startswith(says)
    assert repr(text) not in str(caught.value)  # the caller shows the value, once


def session(no, results, *, age=60.0, phones=()):
    receipts = [Receipt.from_api({"Phone": f"1380000{i:04d}", "ReceiptResult": r}) for i, r in enumerate(results)]
    return summarize(no, receipts, now=100 * HOUR, added_at=100 * HOUR - age, known_phones=phones)


def test_fail_share_counts_only_final_receipts_and_every_undelivered_kind():
    summaries = [
        session("a", ["Success", "Fail", "Unknow", "SubmitFail"]),  # 3 of 4 final not delivered
        session("b", ["Success"] * 4, phones=("1", "2")),  # two more pending phones: left out
    ]
    figures = measure(summaries)
    assert figures == Figures(final=8, undelivered=3, overdue=0)
    assert figures.fail_percent == 37.5
    assert crossed(summaries, Thresholds(fail_above=37.5)) == []  # strictly above
    assert crossed(summaries, Thresholds(fail_above=30)) == [Alert(FAIL_ABOVE, 37.5, 30)]


def test_no_final_receipt_crosses_nothing_and_inactive_rules_cost_nothing():
    fresh = [session("a", [], phones=("1", "2"))]
    assert crossed(fresh, Thresholds(fail_above=0)) == []
    assert crossed([session("a", ["Fail"])], Thresholds()) == []
    assert not Thresholds().active and Thresholds(overdue_above=0).active


def test_overdue_rule_and_json_shape():
    summaries = [session(str(i), [], age=13 * HOUR, phones=("1",)) for i in range(3)] + [session("x", ["Fail"])]
    alerts = crossed(summaries, Thresholds(fail_above=50, overdue_above=2))
    assert [a.to_dict() for a in alerts] == [
        {"rule": "fail_above", "value": 100.0, "threshold": 50},
        {"rule": "overdue_above", "value": 3, "threshold": 2},
    ]
    assert alerts[1].describe() == "3 sessions overdue (above 2)"
    assert Alert(OVERDUE_ABOVE, 1, 0).describe() == "1 session overdue (above 0)"
    assert crossed(summaries, Thresholds(overdue_above=3)) == []


def test_shown_value_is_above_the_threshold_it_crossed():
    # 1 of 9999 is 0.010001%: rounded to 0.01 it would read "0.01% above 0.01%".
    (alert,) = evaluate(Figures(final=9999, undelivered=1), Thresholds(fail_above=0.01))
    assert alert.value > 0.01 and alert.rule == FAIL_ABOVE
    assert evaluate(Figures(overdue=1), Thresholds(overdue_above=0)) == [Alert(OVERDUE_ABOVE, 1, 0)]
