"""How the receipt cache stores a session's failure tallies, inside its stored summary.

The summary is a line of plain words split on spaces, and a start reads every session's, so
the tallies are one word: JSON rows ``[prefix, code, desc, count]`` in ASCII (codes and
descriptions are the carrier's own text, any script) with no space in it, "" for a session
with none. A start keeps the word as it is; the failures view reads it, once per session.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from usms_tui.domain.failure_tally import FailureTally
from usms_tui.domain.text import encodable
from usms_tui.store.read_once import ReadOnce

_ENCODE = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def failures_to_text(tallies: Sequence[FailureTally]) -> str:
    """The one word for ``tallies``. Compact JSON has spaces only inside its strings, where
    ``\\u0020`` means the same."""
    if not tallies:
        return ""
    return _ENCODE([list(tally) for tally in tallies]).replace(" ", "\\u0020")


def failures_from_text(text: str, expected: int) -> tuple[FailureTally, ...] | None:
    """Inverse of :func:`failures_to_text` for a session with ``expected`` phones failed,
    unknown or other; None when the word is not what it writes or does not count them all
    (the caller then tallies the receipts themselves: damage costs time, never truth)."""
    if not text:
        return () if expected == 0 else None
    read = _read_once(text)
    if read is None:
        return None
    tallies, total = read
    return tallies if total == expected else None


_new = tuple.__new__  # a named tuple made directly: its class's __new__ is a Python call


def _read(text: str) -> tuple[tuple[FailureTally, ...], int] | None:
    try:
        rows = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None
    if type(rows) is not list or not rows:
        return None
    # Only a \ud escape can decode to a lone surrogate, which no terminal or file takes.
    plain = "\\ud" not in text and "\\uD" not in text
    tallies = []
    for row in rows:
        if type(row) is not list or len(row) != 4:
            return None
        prefix, code, desc, count = row
        if not (
            type(prefix) is str
            and (prefix == "" or (len(prefix) == 4 and prefix.isascii() and prefix.isdigit() and prefix[0] == "1"))
            and type(code) is str
            and type(desc) is str
            and type(count) is int
            and count > 0
        ):
            return None
        if not plain and (encodable(code) != code or encodable(desc) != desc):
            return None
        tallies.append(_new(FailureTally, (prefix, code, desc, count)))
    if len({tally[:3] for tally in tallies}) != len(tallies):  # each kind once, as tallied
        return None
    return tuple(tallies), sum(tally[3] for tally in tallies)


#: Sessions with the same failures on numbers of the same block share one reading.
_read_once = ReadOnce(_read)
