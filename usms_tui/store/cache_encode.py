"""A batch of receipts put as the cache's text, apart from the SQL that stores it.

The refresh encodes on the event loop's thread, between two answers, and hands the store's
thread only the SQLite work, which lets go of the GIL: encoding there held the GIL while the
loop had answers to take and requests to send, and each hand-over of the GIL can cost the
loop a switch interval (5 ms).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from usms_tui.domain.receipts import Receipt, merge_phones
from usms_tui.store.cache_codec import receipts_to_json
from usms_tui.store.summary_codec import summary_text_of, summary_to_text

if TYPE_CHECKING:
    from usms_tui.domain.summary import SessionSummary


class EncodedBatch(NamedTuple):
    """Per SessionNo: its receipts one a phone, their stored text, its stored summary's text."""

    items: dict[str, list[Receipt]]
    texts: dict[str, str]
    sums: dict[str, str]


def encode_batch(
    results: Mapping[str, Iterable[Receipt]],
    known_phones: Mapping[str, Sequence[str]] | None = None,
    *,
    merged: bool = False,
    summaries: Mapping[str, SessionSummary] | None = None,
) -> EncodedBatch:
    """What :meth:`ReceiptCache.store_results` stores for ``results`` (its arguments' meaning)."""
    known = known_phones or {}
    made = summaries or {}
    items = {s: list(r) for s, r in results.items()} if merged else {s: merge_phones(r) for s, r in results.items()}
    texts = {s: receipts_to_json(r) for s, r in items.items()}
    sums = {}
    for s, r in items.items():
        summary = made.get(s)
        phones = known.get(s, ())
        sums[s] = summary_to_text(r, phones) if summary is None else summary_text_of(summary, phones)
    return EncodedBatch(items, texts, sums)
