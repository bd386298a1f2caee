"""Reading a whole answer's receipts at once: the same receipts :meth:`Receipt.from_api`
makes one by one, a field at a time over all of them (each step one loop in C). Pure.

What from_api checks per receipt is checked here per field over the answer; whatever is
not of the usual shape is left to from_api (the caller reads those answers one by one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate, repeat
from typing import Any

from usms_tui.domain.receipt_fields import EARLIEST_RECEIPT, LATEST_RECEIPT, MAX_COUNT
from usms_tui.domain.receipts import (
    _API_FIELDS,
    _RESULT_STATUS,
    _RESULT_TEXT,
    _WORDS,
    DistinctPhones,
    Receipt,
    _new_receipt,
    _word,
    plain_and_distinct,
)


def receipts_from_api(items: list[Any]) -> tuple[list[Receipt], bool] | None:
    """``[Receipt.from_api(item) for item in items]`` when every item is the usual receipt
    (an object with all seven fields, each of its documented type and in range, a phone of
    ASCII text, a documented ReceiptResult); ``None`` for anything else, so that the caller
    reads them one by one and says where one is wrong. With them, whether their phones are
    :func:`plain_and_distinct` (then none of them needs merging).

    A large answer is read a field at a time over all its receipts, each step one loop in C,
    instead of a Python call and a dozen checks per receipt. What makes it the same as
    :meth:`from_api`: a text of a subclass of ``str`` (JSON gives none) comes out as the
    plain ``str`` from_api makes of it, and an ASCII phone is one that needs no escaping."""
    if not items:
        return [], True
    if set(map(type, items)) != _DICT:
        return None
    try:
        phones, results, codes, descs, costs, whens, user_ids = zip(*map(_API_FIELDS, items), strict=True)
        # A float or a string among the times makes the sum one, or fails it (a bool is out of range).
        whole_seconds = type(sum(whens)) is int
    except (KeyError, TypeError):
        return None
    # Not a bool, a float or a string: from_api reads those.
    if not whole_seconds or set(map(type, costs)) != _INT:
        return None
    return receipts_from_columns(phones, results, codes, descs, costs, whens, user_ids)


def receipts_from_columns(
    phones: Sequence[Any],
    results: Sequence[Any],
    codes: Sequence[Any],
    descs: Sequence[Any],
    costs: Sequence[int],
    whens: Sequence[int],
    user_ids: Sequence[Any],
) -> tuple[list[Receipt], bool] | None:
    """What :func:`receipts_from_api` makes of receipts given as columns, one a field (the
    counts and times already ints, not bools; the other fields of any type), or ``None``
    when one of them is not the usual receipt. Shared by the reading of decoded objects and
    the reading of an answer's bytes (:mod:`usms_tui.domain.answer_layout`)."""
    try:
        statuses = list(map(_RESULT_STATUS.__getitem__, results))  # KeyError for a result not listed
        # The usual phones (eleven ASCII digits, none twice) need none of the checks below:
        # one look over them all says so, and that they need no merging.
        distinct = plain_and_distinct(phones)  # TypeError unless every phone is text
        no_user_ids = not "".join(user_ids)  # the usual: none given
    except (KeyError, TypeError):
        return None
    if not distinct:
        joined = "".join(phones)
        if not (
            joined.isascii()
            and (_SPACE.search(joined) is None or all(map(str.strip, phones)))  # none is blank
            and "" not in phones
        ):
            return None
    # An answer's counts are a few values over and over: their range is checked on those.
    distinct_costs = set(costs)
    if not (
        min(distinct_costs) >= 0
        and max(distinct_costs) <= MAX_COUNT
        and min(whens) >= EARLIEST_RECEIPT
        and max(whens) < LATEST_RECEIPT
    ):
        return None
    code_words, desc_words = _shared(codes), _shared(descs)
    user_words = user_ids if no_user_ids else _shared(user_ids)
    if code_words is None or desc_words is None or user_words is None:
        return None
    texts = map(_RESULT_TEXT.__getitem__, results)
    count = len(phones)
    fields = zip(
        phones, texts, statuses, code_words, desc_words, costs, whens, user_words, repeat("", count), strict=True
    )
    return list(map(_new_receipt, repeat(Receipt, count), fields)), distinct


def by_session(
    session_nos: list[str], counts: list[int], receipts: list[Receipt], distinct: bool
) -> dict[str, list[Receipt]]:
    """Receipts in session order cut into each session's list (``counts`` of them a session);
    a session named twice gets one list. ``distinct``: no phone twice in the whole answer and
    none to normalise, so no session has any to merge and the poller need not look again."""
    ends = list(accumulate(counts))
    parts: list[list[Receipt]] = list(map(receipts.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    if distinct:
        parts = list(map(DistinctPhones, parts))
    if len(set(session_nos)) == len(session_nos):
        return dict(zip(session_nos, parts, strict=True))
    sessions: dict[str, list[Receipt]] = {}
    for session_no, part in zip(session_nos, parts, strict=True):
        sessions.setdefault(session_no, []).extend(part)
    return sessions


_DICT, _INT = {dict}, {int}
_SPACE = re.compile(r"\s")  # what str.strip takes away


def _shared(texts: Sequence[Any]) -> list[str] | None:
    """Each text as :meth:`Receipt.from_api` keeps it (made safe once, one string per word);
    ``None`` when one is not text."""
    words = _WORDS
    try:
        return list(map(words.__getitem__, texts))
    except KeyError:  # a new word (or one that is not text)
        pass
    except TypeError:  # a list or an object
        return None
    try:
        new = set(texts).difference(words)
    except TypeError:
        return None
    if set(map(type, new)) != {str}:
        return None
    for text in new:
        _word(text)
    try:
        return list(map(words.__getitem__, texts))
    except KeyError:  # the table is full (or a text is long): what it lacks is made safe each time
        return [words.get(text) or _word(text) for text in texts]
