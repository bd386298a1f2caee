from __future__ import annotations

import pytest

from usms_tui.domain.timefmt import format_duration, format_seconds, parse_duration, parse_time


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("10m", 600), ("12h", 43200), ("3d", 259200), ("1h30m", 5400), ("45", 45), (" 2m ", 120)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "10x", "-5", "5m3"])
def test_parse_duration_refuses_with_reason(text):
    with pytest.raises(ValueError, match=r"duration|negative"):
        parse_duration(text)


def test_parse_time():
    assert parse_time("1700000000") == 1700000000
    assert parse_time("2023-11-14T22:13:20Z") == 1700000000
    assert parse_time("2023-11-15T06:13:20+08:00") == 1700000000
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_time("yesterday")


def test_format_duration():
    assert [format_duration(s) for s in (None, 5, 125, 3 * 3600 + 300, 50 * 3600)] == [
        "-",
        "5s",
        "2m",
        "3h05m",
        "2d02h",
    ]


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", float("nan"), float("inf")])
def test_parse_duration_refuses_non_finite(text):
    # NaN compares false with everything: `remove --older-than nan` once removed every session.
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["nan", "inf", "1e20", "-1e20", float("nan"), 1e20])
def test_parse_time_refuses_what_cannot_be_stored_or_shown(text):
    # NaN is not JSON (the watchlist would hold the token NaN); 1e20 cannot be formatted.
    with pytest.raises(ValueError, match="not a usable time"):
        parse_time(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(15.0, "15s"), (2.5, "2.5s"), (60.0, "1m"), (5400.0, "1h30m"), (43200.0, "12h"), (90061.0, "1d1h1m1s")],
)
def test_format_seconds_is_exact_and_reads_back(seconds, text):
    assert format_seconds(seconds) == text
    assert parse_duration(text) == seconds
