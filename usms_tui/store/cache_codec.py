"""How the receipt cache stores errors and receipts as text (JSON), kept apart from the SQL."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import c_make_encoder, encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from operator import itemgetter
from typing import TYPE_CHECKING

from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipt_fields import EARLIEST_RECEIPT, LATEST_RECEIPT
from usms_tui.domain.receipts import STATUS_ORDER, Receipt, Status, phone_key

if TYPE_CHECKING:
    from usms_tui.domain.summary import SessionSummary

#: No session holds more phones than this (a send request takes far fewer): a stored count
#: past it is damage, not data.
_MOST_PHONES = 10_000_000
_DELIVERED_AT = STATUS_ORDER.index(Status.DELIVERED)
_DELIVERED = Status.DELIVERED
_PENDING = Status.PENDING
_PHONE = itemgetter(0)
_TEXT = json.JSONEncoder(ensure_ascii=False)
_PLAIN = json.JSONEncoder()
#: C encoders kept for every session's rows and summary (``iterencode`` builds one a call,
#: which cost more than a small summary's text), writing what ``json.dumps`` writes (with
#: ``ensure_ascii=False`` for the rows). No circular check: rows and summaries are flat.
_ROWS = c_make_encoder and c_make_encoder(None, _TEXT.default, encode_basestring, None, ": ", ", ", False, False, True)
_SUMMARY = c_make_encoder and c_make_encoder(
    None, _PLAIN.default, encode_basestring_ascii, None, ": ", ", ", False, False, True
)


def _encode_rows(rows: object) -> str:
    return "".join(_ROWS(rows, 0)) if _ROWS else _TEXT.encode(rows)


def _encode_summary(summary: list[object]) -> str:
    return "".join(_SUMMARY(summary, 0)) if _SUMMARY else _PLAIN.encode(summary)


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
    return _encode_rows(receipts)


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
    """The :class:`StoredSummary` of merged ``receipts`` (one a phone, as
    :func:`~usms_tui.domain.receipts.merge_phones` leaves them) with ``known_phones``, as
    JSON: what :func:`~usms_tui.domain.summary.summarize` counts, counted directly (no
    summary, no pending placeholder built; a store of 100,000 phones did both per batch)."""
    by_status = dict.fromkeys(STATUS_ORDER, 0)
    cost = 0
    times = []
    for receipt in receipts:
        status = receipt[2]
        by_status[status] += 1
        cost += receipt[5]
        if status is _DELIVERED and receipt[6] is not None:
            times.append(receipt[6])
    if known_phones:
        by_status[_PENDING] += _missing(receipts, known_phones)
    return _encode_summary([phones_fingerprint(known_phones), list(by_status.values()), cost, times])


def summary_json_of(summary: SessionSummary, known_phones: Sequence[str]) -> str:
    """:func:`summary_to_json` of a session whose summary (made with ``known_phones``) is
    at hand: its counts are taken, not counted again. Same text."""
    get = summary.counts.get
    counts = [get(status, 0) for status in STATUS_ORDER]
    return _encode_summary(
        [phones_fingerprint(known_phones), counts, summary.cost_count, list(summary.delivered_times)]
    )


def _missing(receipts: Sequence[Receipt], known_phones: Sequence[str]) -> int:
    """How many pending placeholders merge_phones would add: the distinct keys of known
    phones that no receipt has (a receipt's phone may be another form of the same number)."""
    have = set(map(_PHONE, receipts))
    absent = [phone for phone in known_phones if phone and phone not in have]
    if not absent:
        return 0
    # Eleven ASCII digits are their own key: the usual receipts need no key worked out.
    joined = "".join(have)
    plain = joined.isascii() and joined.isdigit() and set(map(len, have)) == {11}
    keys = have if plain else set(map(phone_key, have))
    return len({key for key in map(phone_key, absent) if key not in keys})


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
