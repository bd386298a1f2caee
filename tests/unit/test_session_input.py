"""One validation for what a user gives about a session: the CLI's flags and the UI's dialogs
call the same domain functions, so they accept and refuse the same input for the same reason."""

from __future__ import annotations

import pytest

from usms_tui.domain import sessions
from usms_tui.domain.sessions import (
    MAX_LABEL_LENGTH,
    parse_phones,
    parse_sent_at,
    validate_label,
    validate_phone,
)

NOW = 1_796_025_600.0


def test_the_dialogs_use_the_domain_validators():
    from usms_tui.tui.screens import add_session, edit_label

    assert add_session.parse_phones is sessions.parse_phones
    assert add_session.parse_sent_at is sessions.parse_sent_at
    assert add_session.validate_label is edit_label.validate_label is sessions.validate_label
    assert add_session.validate_session_no is sessions.validate_session_no


@pytest.mark.parametrize("text", ["abc", "12", "---", "+", "138 0000", "1" * 33, "１３８"])
def test_a_phone_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError, match="is not a phone number"):
        validate_phone(text)


def test_phones_split_trim_and_deduplicate():
    assert parse_phones(" 13800000001, 13800000002;13800000001  (852)55311234 +8613800000003 ") == (
        "13800000001",
        "13800000002",
        "(852)55311234",
        "+8613800000003",
    )
    assert parse_phones("") == ()
    with pytest.raises(ValueError, match="'abc' is not a phone number"):
        parse_phones("13800000001, abc")


def test_label_length_is_one_limit():
    assert MAX_LABEL_LENGTH == 64
    assert validate_label("  " + "x" * MAX_LABEL_LENGTH + " ") == "x" * MAX_LABEL_LENGTH
    with pytest.raises(ValueError, match=f"longer than {MAX_LABEL_LENGTH} characters"):
        validate_label("x" * (MAX_LABEL_LENGTH + 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h ago", NOW - 7200),
        ("1h30m ago", NOW - 5400),
        ("90s AGO", NOW - 90),
        ("2026-11-30T08:00:00Z", 1_796_025_600.0),
        ("1796020000", 1_796_020_000.0),
        ("", None),
        (str(NOW + 60), NOW + 60),  # clocks disagree a little
    ],
)
def test_sent_at_forms(text, expected):
    assert parse_sent_at(text, NOW) == expected


def test_a_sent_time_in_the_future_is_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"is 2h00m in the future \(a send time must be in the past\)"):
        parse_sent_at(str(NOW + 7200), NOW)
    with pytest.raises(ValueError, match="negative"):
        parse_sent_at("-2h ago", NOW)
    with pytest.raises(ValueError, match="not a time"):
        parse_sent_at("yesterday-ish", NOW)
