"""Reading a whole answer's receipts at once: the same receipts :meth:`Receipt.from_api`
makes one by one, a field at a time over all of them (each step one loop in C). Pure.

What from_api checks per receipt is checked here per field over the answer; whatever is
not of the usual shape is left to from_api (the caller reads those answers one by one).
"""

from __future__ import annotations

import re
from itertools import repeat
from typing import Any

from usms_tui.domain.receipt_fields import EARLIEST_RECEIPT, LATEST_RECEIPT, MAX_COUNT
from usms_tui.domain.receipts import (
    _API_FIELDS,
    _RESULT_STATUS,
    _RESULT_TEXT,
    _WORDS,
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
        joined = "".join(phones)  # TypeError unless every phone is text
        statuses = list(map(_RESULT_STATUS.__getitem__, results))  # KeyError for a result not listed
        # A float or a string among the times makes the sum one, or fails it (a bool is out of range).
        whole_seconds = type(sum(whens)) is int
        no_user_ids = not "".join(user_ids)  # the usual: none given
    except (KeyError, TypeError):
        return None
    if not (
        joined.isascii()
        and (_SPACE.search(joined) is None or all(map(str.strip, phones)))  # none is blank
        and "" not in phones
        and set(map(type, costs)) == _INT  # not a bool, a float or a string: from_api reads those
        and whole_seconds
        and min(costs) >= 0
        and max(costs) <= MAX_COUNT
        and min(whens) >= EARLIEST_RECEIPT
        and max(whens) < LATEST_RECEIPT
    ):
        return None
    code_words, desc_words = _shared(codes), _shared(descs)
    user_words = user_ids if no_user_ids else _shared(user_ids)
    if code_words is None or desc_words is None or user_words is None:
        return None
    texts = map(_RESULT_TEXT.__getitem__, results)
    count = len(items)
    fields = zip(
        phones, texts, statuses, code_words, desc_words, costs, whens, user_words, repeat("", count), strict=True
    )
    return list(map(_new_receipt, repeat(Receipt, count), fields)), plain_and_distinct(phones)


_DICT, _INT = {dict}, {int}
_SPACE = re.compile(r"\s")  # what str.strip takes away


def _shared(texts: tuple[Any, ...]) -> list[str] | None:
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
