"""How the receipt cache stores errors and receipts as text (JSON), kept apart from the SQL."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipt_fields import EARLIEST_RECEIPT, LATEST_RECEIPT
from usms_tui.domain.receipts import STATUS_ORDER, Receipt, Status
from usms_tui.domain.summary import summarize

#: No session holds more phones than this (a send request takes far fewer): a stored count
#: past it is damage, not data.
_MOST_PHONES = 10_000_000
_DELIVERED_AT = STATUS_ORDER.index(Status.DELIVERED)


def error_to_json(error: BatchError) -> str:
    """All of a BatchError's fields as JSON (``to_dict`` omits http_status and attempts)."""
    return json.dumps(
        {
            "kind": error.kind.value,
            "message": error.message,
            "session_nos": list(error.session_nos),
            "ret_code": error.ret_code,
            "request_id": error.request_id,
            "http_status": error.http_status,
            "attempts": error.attempts,
        },
        ensure_ascii=False,
    )


def error_from_json(text: str | None) -> BatchError | None:
    """Inverse of :func:`error_to_json`; None for missing or unreadable data."""
    if not text:
        return None
    try:
        data = json.loads(text)
        return BatchError(
            kind=ErrorKind(data.get("kind", "other")),
            message=str(data.get("message", "")),
            session_nos=tuple(data.get("session_nos") or ()),
            ret_code=data.get("ret_code"),
            request_id=data.get("request_id"),
            http_status=data.get("http_status"),
            attempts=int(data.get("attempts") or 1),
        )
    except (ValueError, TypeError, AttributeError, RecursionError):
        return None


def receipts_to_json(receipts: Sequence[Receipt]) -> str:
    """Receipts as a JSON list of rows (each receipt's fields in order), the C encoder's
    fastest shape: no dict per receipt, no key written a hundred thousand times."""
    return json.dumps(receipts, ensure_ascii=False)


def receipts_from_json(text: str | None) -> tuple[Receipt, ...] | None:
    """Receipts stored as JSON rows (or, from a cache of the first schema, as objects); None
    for never-fetched data, or for data that is not what this module writes (a damaged or
    hand-edited cache is read as "not fetched", never as receipts made up from junk)."""
    if text is None:
        return None
    try:
        items = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(items, list):
        return None
    plain = "\\ud" not in text and "\\uD" not in text  # so no lone surrogate in it
    out = []
    for item in items:
        receipt = Receipt.from_row(item, encodable_text=plain) if type(item) is list else None
        if receipt is None and isinstance(item, dict):
            receipt = Receipt.from_dict(item)
        if receipt is None:
            return None
        out.append(receipt)
    return tuple(out)


def seen_to_json(times: Sequence[tuple[float, float]]) -> str:
    """Each phone's (first seen in its status, last changed), in the receipts' order."""
    return json.dumps(times)


def seen_from_json(text: str | None, count: int) -> list[tuple[float, float]] | None:
    """Inverse of :func:`seen_to_json`; None when missing, damaged or not ``count`` long."""
    if not text:
        return None
    try:
        items = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(items, list) or len(items) != count:
        return None
    try:
        pairs = [(float(first), float(changed)) for first, changed in items]
    except (TypeError, ValueError):  # not pairs, or not numbers
        return None
    flat = [v for pair in pairs for v in pair]
    # Each a Unix time: not negative, before the year 5000 (1e11 s); fsum makes any NaN or
    # infinity among them its result, whatever min and max said of it.
    if flat and not (min(flat) >= 0 and max(flat) < 1e11 and math.isfinite(math.fsum(flat))):
        return None
    return pairs


@dataclass(frozen=True, slots=True)
class StoredSummary:
    """What a session's receipts add up to, stored beside them: a start shows every session's
    counts, cost and delivery times without reading a single receipt.

    ``phones_key`` fingerprints the known phones (the watchlist's) the counts were made with:
    a pending placeholder counts for each known phone without a receipt, so the counts hold
    only while the session's known phones are the same.
    """

    phones_key: str
    counts: tuple[int, ...]  # phones per status, in STATUS_ORDER
    cost_count: int
    delivered_times: tuple[int, ...]  # ReceiptTime of each delivered phone that has one

    def fits(self, known_phones: Sequence[str]) -> bool:
        """Counted with these known phones (so still true for the session as it is now)."""
        return self.phones_key == phones_fingerprint(known_phones)


def phones_fingerprint(phones: Sequence[str]) -> str:
    """A short, stable digest of a session's known phones, in their order ("" for none)."""
    if not phones:
        return ""
    joined = "\x00".join(phones).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(joined, digest_size=12).hexdigest()


def summary_to_json(receipts: Sequence[Receipt], known_phones: Sequence[str]) -> str:
    """The :class:`StoredSummary` of merged ``receipts`` with ``known_phones``, as JSON."""
    summary = summarize("", receipts, now=0.0, added_at=0.0, known_phones=known_phones, merged=True)
    counts = [summary.counts[status] for status in STATUS_ORDER]
    return json.dumps([phones_fingerprint(known_phones), counts, summary.cost_count, summary.delivered_times])


def summary_from_json(text: str | None) -> StoredSummary | None:
    """Inverse of :func:`summary_to_json`; None when missing or not what it writes (the
    caller then counts from the receipts themselves, so damage costs time, never truth)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None
    if type(data) is not list or len(data) != 4:
        return None
    key, counts, cost, times = data
    if type(key) is not str or type(counts) is not list or type(times) is not list or type(cost) is not int:
        return None
    if len(counts) != len(STATUS_ORDER) or not all(type(c) is int and 0 <= c <= _MOST_PHONES for c in counts):
        return None
    if not 0 <= cost <= _MOST_PHONES * 1000 or len(times) > counts[_DELIVERED_AT]:
        return None
    if not all(type(t) is int and EARLIEST_RECEIPT <= t < LATEST_RECEIPT for t in times):
        return None
    return StoredSummary(key, tuple(counts), cost, tuple(times))


def seen_after(before: tuple[str | None, str | None], receipts: list[Receipt], now: float) -> list[tuple[float, float]]:
    """Each receipt's (first seen in its status, last changed) after this fetch, from the
    session's stored (receipts, times): carried over for a phone whose receipt is the same,
    the status's first sighting kept while only other fields change, ``now`` for anything new."""
    old = receipts_from_json(before[0])
    if not old:
        return [(now, now)] * len(receipts)
    times = seen_from_json(before[1], len(old)) or [(now, now)] * len(old)
    known = {r.phone: (r, t) for r, t in zip(old, times, strict=True)}
    out = []
    for receipt in receipts:
        found = known.get(receipt.phone)
        if found is None or found[0].status is not receipt.status:
            out.append((now, now))
        elif found[0] != receipt:
            out.append((found[1][0], now))
        else:
            out.append(found[1])
    return out
