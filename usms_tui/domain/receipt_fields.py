"""Lenient readings of a receipt's fields as the API (or a damaged file) gives them. Pure.

UCloud documents ints but has been seen to send strings; a hostile answer may send anything.
Each reader returns a usable value or its documented "no value", never raises.
"""

from __future__ import annotations

import math
from typing import Any

from usms_tui.domain.text import encodable

#: Larger counts are not counts: a hostile or broken answer, read as "no value".
MAX_COUNT = 10**19  # a nanosecond timestamp fits; no count does


def as_int(value: Any, default: int | None = 0) -> int | None:
    """Lenient int: accepts ints, integral floats and numeric strings; anything else -> default.

    So does a magnitude no count or time can have: a string of thousands of digits would cost
    ``int()`` time (and past 4,300 digits raise), and an int that long overflows ``float()``.
    """
    if isinstance(value, bool):
        return default
    if isinstance(value, float):
        value = int(value) if value.is_integer() else default
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 40:
            return default
        try:
            value = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return default
            value = int(number) if number.is_integer() else default
    if isinstance(value, int) and -MAX_COUNT <= value <= MAX_COUNT:
        return value
    return default


def as_str(value: Any) -> str:
    return "" if value is None else encodable(str(value))


#: The receipt times believed: 2000-01-01 .. 2100-01-01 UTC. Outside it a value is not a
#: receipt time but a broken or hostile one, kept raw and shown as unknown, never turned
#: into a plausible date. The window spans less than a factor of 1000, so a value in
#: milliseconds (or micro-, nanoseconds) falls in it after exactly one scaling.
EARLIEST_RECEIPT = 946_684_800
LATEST_RECEIPT = 4_102_444_800


def as_timestamp(value: Any) -> tuple[int | None, str]:
    """Lenient ``ReceiptTime``: Unix seconds, or milliseconds/micro/nanoseconds scaled down.

    Returns ``(seconds, raw)``: ``raw`` is the value as text when it was given but is not a
    usable time (negative, unreadable, before 2000 or past 2100 at every scale), else "".
    Zero, empty and absent mean "no time yet" (raw "").
    """
    if value is None or value == "" or value == 0 or value is False:
        return None, ""
    if isinstance(value, float) and math.isfinite(value) and abs(value) < 1e20:
        value = int(value)
    number = as_int(value, default=None)
    if number is None and isinstance(value, str) and len(value.strip()) <= 40:
        try:
            parsed = float(value.strip())
        except ValueError:
            parsed = math.nan
        number = int(parsed) if math.isfinite(parsed) else None
    if number is not None and number > 0:
        for scale in (1, 1000, 1_000_000, 1_000_000_000):
            seconds = number // scale
            if EARLIEST_RECEIPT <= seconds < LATEST_RECEIPT:
                return seconds, ""
    raw = value if isinstance(value, str) else repr(value)
    return None, encodable(raw[:40])
