"""How the receipt cache stores what a session's receipts add up to, beside them.

A start reads this, not the receipts: at 100,000 sessions it is the one thing read per
session, so it is a line of plain numbers split in one call (a JSON document each cost four
times as much to read). The delivery times, wanted only by the delivery figures, are read
when those ask for them, and the failure tallies when the failures view does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from usms_tui.domain.failure_tally import FailureTally, tally_failures
from usms_tui.domain.receipt_fields import EARLIEST_RECEIPT, LATEST_RECEIPT
from usms_tui.domain.receipts import STATUS_ORDER, Receipt, Status, phone_key, plain_and_distinct
from usms_tui.domain.sessions import phones_from_text
from usms_tui.store.failure_codec import failures_from_text, failures_to_text
from usms_tui.store.read_once import ReadOnce

if TYPE_CHECKING:
    from usms_tui.domain.summary import SessionSummary

#: No session holds more phones than this (a send request takes far fewer): a stored count
#: past it is damage, not data.
_MOST_PHONES = 10_000_000
_MOST_COST = _MOST_PHONES * 1000
_FIELDS = 2 + len(STATUS_ORDER) + 1  # key, counts, cost, times
_STATUS_AT = {status: i for i, status in enumerate(STATUS_ORDER)}
_DELIVERED = Status.DELIVERED
_DELIVERED_AT = _STATUS_AT[_DELIVERED]
_PENDING_AT = _STATUS_AT[Status.PENDING]
_FAILED_AT, _UNKNOWN_AT, _OTHER_AT = (_STATUS_AT[s] for s in (Status.FAILED, Status.UNKNOWN, Status.OTHER))
_PHONE = itemgetter(0)


class StoredSummary(NamedTuple):
    """What a session's receipts add up to: a start shows every session's counts, cost and
    delivery times without reading a single receipt.

    ``phones_key`` fingerprints the known phones (the watchlist's) the counts were made with:
    a pending placeholder counts for each known phone without a receipt, so the counts hold
    only while the session's known phones are the same.
    """

    phones_key: str
    counts: tuple[int, ...]  # phones per status, in STATUS_ORDER
    cost_count: int
    times_text: str  # the delivered phones' ReceiptTimes, comma-separated (see delivered_times)
    failures_text: str = ""  # the failure tallies (see store/failure_codec.py), "" for none

    @property
    def settled(self) -> bool:
        """Every phone counted has a final receipt (and there is one at least)."""
        counts = self.counts
        return counts[_PENDING_AT] == 0 and sum(counts) > 0

    def fits(self, known_phones: Sequence[str]) -> bool:
        """Counted with these known phones (so still true for the session as it is now)."""
        return self.phones_key == phones_fingerprint(known_phones)

    def fits_text(self, phones_text: str) -> bool:
        """:meth:`fits` for the known phones as a watchlist entry keeps them (its
        ``phones_text``), without splitting them: a start asks it of every session."""
        if phones_text.startswith("["):  # the rare JSON form
            return self.fits(phones_from_text(phones_text))
        if not phones_text:
            return self.phones_key == ""
        return self.phones_key == _digest(phones_text.replace("\n", "\x00"))

    def delivered_times(self) -> tuple[int, ...] | None:
        """The ``ReceiptTime`` of each delivered phone that has one; None when the stored
        text is damaged (the caller then reads them from the receipts)."""
        text = self.times_text
        if not text:
            return ()
        try:
            times = tuple(map(int, text.split(",")))
        except ValueError:
            return None
        if len(times) > self.counts[_DELIVERED_AT] or not (
            min(times) >= EARLIEST_RECEIPT and max(times) < LATEST_RECEIPT
        ):
            return None
        return times

    def failures(self) -> tuple[FailureTally, ...] | None:
        """The tallies of the phones failed, unknown or other; None when the stored text
        is damaged (the caller then tallies the receipts)."""
        counts = self.counts
        return failures_from_text(self.failures_text, _not_delivered(counts))


def _not_delivered(counts: Sequence[int]) -> int:
    """Phones failed, unknown or other: the ones the failure tallies count."""
    return counts[_FAILED_AT] + counts[_UNKNOWN_AT] + counts[_OTHER_AT]


def phones_fingerprint(phones: Sequence[str]) -> str:
    """A short, stable digest of a session's known phones, in their order ("" for none)."""
    if not phones:
        return ""
    return _digest("\x00".join(phones))


def _digest(joined: str) -> str:
    return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def summary_to_text(receipts: Sequence[Receipt], known_phones: Sequence[str]) -> str:
    """The stored summary of a session's merged ``receipts`` (one a phone, as
    :func:`~usms_tui.domain.receipts.merge_phones` leaves them) with ``known_phones``: what
    :func:`~usms_tui.domain.summary.summarize` counts, counted directly (no summary and no
    pending placeholder built: a store of 100,000 phones did both per batch).

    The form: ``key c1 .. c5 cost times failures``, space-separated, ``times``
    comma-separated, ``failures`` one word (see :func:`failures_to_text`).
    """
    counts = [0] * len(STATUS_ORDER)
    at = _STATUS_AT
    cost = 0
    times = []
    for receipt in receipts:
        status = receipt[2]
        counts[at[status]] += 1
        cost += receipt[5]
        if status is _DELIVERED and receipt[6] is not None:
            times.append(receipt[6])
    if known_phones:
        counts[_PENDING_AT] += _missing(receipts, known_phones)
    # Most sessions have no phone to tally: their receipts are not walked a second time.
    failures = failures_to_text(tally_failures(receipts)) if _not_delivered(counts) else ""
    return _text(phones_fingerprint(known_phones), counts, cost, times, failures)


def summary_text_of(summary: SessionSummary, known_phones: Sequence[str]) -> str:
    """:func:`summary_to_text` of a session whose summary (made with ``known_phones``) is at
    hand: its counts are taken, not counted again. Same text."""
    get = summary.counts.get
    counts = [get(status, 0) for status in STATUS_ORDER]
    failures = failures_to_text(summary.failures)
    return _text(phones_fingerprint(known_phones), counts, summary.cost_count, summary.delivered_times, failures)


def _text(key: str, counts: Sequence[int], cost: int, times: Iterable[int], failures: str) -> str:
    return f"{key} {' '.join(map(str, counts))} {cost} {','.join(map(str, times))} {failures}"


def _missing(receipts: Sequence[Receipt], known_phones: Sequence[str]) -> int:
    """How many pending placeholders merge_phones would add: the distinct keys of known
    phones that no receipt has (a receipt's phone may be another form of the same number)."""
    have = set(map(_PHONE, receipts))
    absent = [phone for phone in known_phones if phone and phone not in have]
    if not absent:
        return 0
    # Eleven ASCII digits are their own key: the usual receipts need no key worked out.
    keys = have if plain_and_distinct(tuple(have)) else set(map(phone_key, have))
    return len({key for key in map(phone_key, absent) if key not in keys})


def summary_from_text(text: object) -> StoredSummary | None:
    """Inverse of :func:`summary_to_text`; None when missing or not what it writes (the
    caller then counts from the receipts themselves, so damage costs time, never truth)."""
    if type(text) is not str or not text.isascii():
        return None
    failures: str | None = None
    if text.count(" ") > _FIELDS - 1:  # the failures word, which has no space in it
        text, _, failures = text.rpartition(" ")
    key, _, rest = text.partition(" ")
    numbers, _, times = rest.rpartition(" ")
    read = _read_numbers_once(numbers)
    if read is None:
        return None
    if failures is None:
        if _not_delivered(read[0]):
            # Written before the failure tallies: as if not counted, so a load counts it
            # again from the receipts and stores it whole, once.
            return None
        failures = ""
    elif bool(failures) != bool(_not_delivered(read[0])):  # a word for no failure, or none for some
        return None
    return _new(StoredSummary, (key, read[0], read[1], times, failures))


_new = tuple.__new__  # a named tuple made directly: its class's __new__ is a Python call


def _read_numbers(text: str) -> tuple[tuple[int, ...], int] | None:
    parts = text.split(" ")
    if len(parts) != _FIELDS - 2:
        return None
    try:
        numbers = tuple(map(int, parts))
    except ValueError:
        return None
    counts, cost = numbers[:-1], numbers[-1]
    if not (min(counts) >= 0 and max(counts) <= _MOST_PHONES and 0 <= cost <= _MOST_COST):
        return None
    return counts, cost


#: Most of a day's sessions have the same counts and cost: each such text is read once.
_read_numbers_once = ReadOnce(_read_numbers)
