"""A session's summary: counts per status, cost, settled, overdue, and its phones when asked
for. Pure: no I/O, no clock reads (``now`` is an argument).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, Protocol

from usms_tui.domain.failure_tally import TALLIED, FailureTally, tally_failures
from usms_tui.domain.receipts import DEFAULT_WARN_AFTER, STATUS_ORDER, Receipt, Status, merge_phones


class PhonesSource(Protocol):
    """Where a summary's phones come from when first asked for (the store, for a session
    loaded from it): a large watchlist's views mostly need only the counts. The source
    itself, not a bound method of it: a start at 100,000 sessions made one such method
    object per session and source, 6 MB each."""

    def summary_phones(self) -> tuple[Receipt, ...]: ...


class TimesSource(Protocol):
    """Where the delivery times come from when not given: asked once, None meaning "read
    them from the phones"."""

    def summary_delivered_times(self) -> tuple[int, ...] | None: ...


class FailuresSource(Protocol):
    """Where the failure tallies come from when not given: asked once, None meaning "count
    them from the phones"."""

    def summary_failures(self) -> tuple[FailureTally, ...] | None: ...


class SessionSummary:
    """What one watched session looks like now.

    ``phones`` may be given as a :class:`PhonesSource`, asked once when first read: a start
    at 100,000 sessions shows counts, costs and ages without building half a million
    receipts nobody looks at. ``delivered_times`` (the ``ReceiptTime`` of each delivered
    phone, when known without the phones) serves the delivery figures the same way, and
    ``failures`` (see :mod:`~usms_tui.domain.failure_tally`) the failures view.
    """

    __slots__ = (
        "_delivered_times",
        "_delivery_seconds",
        "_failures",
        "_phones",
        "_root",
        "age_seconds",
        "cost_count",
        "counts",
        "overdue",
        "session_no",
        "settled",
        "started_at",
    )

    def __init__(
        self,
        session_no: str,
        phones: tuple[Receipt, ...] | PhonesSource,
        counts: Mapping[Status, int],
        cost_count: int,
        settled: bool,
        overdue: bool,
        age_seconds: float,
        started_at: float = 0.0,
        delivered_times: tuple[int, ...] | TimesSource | None = None,
        failures: tuple[FailureTally, ...] | FailuresSource | None = None,
    ) -> None:
        # Immutable by type (Final: the type checker refuses any later assignment), not by a
        # __setattr__ that refuses at run time: that made each summary four times dearer to
        # build, and a start builds one per session.
        self.session_no: Final = session_no
        self.counts: Final[Mapping[Status, int]] = counts
        self.cost_count: Final = cost_count
        self.settled: Final = settled  # every known phone has a final receipt
        self.overdue: Final = overdue  # not settled, and older than warn_after since it was sent
        self.age_seconds: Final = age_seconds  # since sent (or since added when the send time is unknown)
        self.started_at: Final = started_at  # the moment the age is counted from
        # Resolved on first read (below), so not final.
        self._phones: tuple[Receipt, ...] | PhonesSource = phones
        self._delivered_times: tuple[int, ...] | TimesSource | None = delivered_times
        self._failures: tuple[FailureTally, ...] | FailuresSource | None = failures
        # Worked out once for the summary and every aged copy of it (the copy made each time
        # a view asks, only the age being new): the main table and the status line's tally
        # ask for the delivery figures of every session at every refresh. None: this one.
        self._root: SessionSummary | None = None
        self._delivery_seconds: Sequence[int] | None = None

    @property
    def phones(self) -> tuple[Receipt, ...]:
        """One receipt per phone (pending placeholders for known phones without one)."""
        phones = self._phones
        if isinstance(phones, tuple):
            return phones
        if self._root is not None:  # an aged copy: the first summary works them out and keeps them
            return self._root.phones
        phones = phones.summary_phones()
        self._phones = phones
        return phones

    @property
    def phones_loaded(self) -> bool:
        """The phones are in memory (reading :attr:`phones` costs nothing)."""
        root = self._root
        return isinstance(self._phones, tuple) or (root is not None and root.phones_loaded)

    @property
    def delivered_times(self) -> tuple[int, ...]:
        """The ``ReceiptTime`` of every delivered phone that has one, in no set order."""
        times = self._delivered_times
        if isinstance(times, tuple):
            return times
        if self._root is not None:
            return self._root.delivered_times
        found = self._times_now()
        self._delivered_times = found
        return found

    def _times_now(self) -> tuple[int, ...]:
        """The delivered times worked out, not kept (asked of the first summary only)."""
        times = self._delivered_times
        if isinstance(times, tuple):
            return times
        found = None if times is None else times.summary_delivered_times()
        if found is None:  # not known apart from the phones (or the stored ones were damaged)
            found = tuple(r[6] for r in self.phones if r[2] is _DELIVERED and r[6] is not None)
        return found

    @property
    def delivery_seconds(self) -> Sequence[int]:
        """Each delivered phone's whole seconds from :attr:`started_at` to its receipt (never
        below 0), ascending: worked out once for this summary and all its aged copies, and
        kept as machine integers (a fifth of a tuple of ints' memory, at 500,000 phones)."""
        root = self._root or self
        found = root._delivery_seconds
        if found is None:
            times = root._delivered_times
            if not isinstance(times, tuple):
                # Read, not kept: the seconds are what the views need, the times only the
                # store (which reads them again from its own text).
                times = root._times_now()
            started_at = root.started_at
            floor = math.floor
            seconds = sorted([max(0, floor(when - started_at)) for when in times])
            try:
                found = array("q", seconds)
            except OverflowError:  # not a time the API or the store gives: kept as it is
                found = seconds
            root._delivery_seconds = found
        return found

    @property
    def failures(self) -> tuple[FailureTally, ...]:
        """Its phones failed, unknown or other, tallied by carrier prefix, code and text."""
        found = self._failures
        if isinstance(found, tuple):
            return found
        if self._root is not None:  # an aged copy: the first summary works them out and keeps them
            return self._root.failures
        found = None if found is None else found.summary_failures()
        if found is None:  # not known apart from the phones (or the stored ones were damaged)
            get = self.counts.get
            found = tally_failures(self.phones) if any(get(status, 0) for status in TALLIED) else ()
        self._failures = found
        return found

    def aged(self, age_seconds: float, overdue: bool) -> SessionSummary:
        """This summary at another moment: the same phones (loaded or not), a new age. Phones
        or times not yet worked out are worked out once, by the first summary, for every
        copy (a copy asks it: no object a copy to say where they come from)."""
        copy = SessionSummary(
            self.session_no,
            self._phones,
            self.counts,
            self.cost_count,
            self.settled,
            overdue,
            age_seconds,
            self.started_at,
            self._delivered_times,
            self._failures,
        )
        copy._root = self._root or self  # a copy of a copy shares the first one's figures
        return copy

    def _key(self) -> tuple[object, ...]:
        return (
            self.session_no,
            self.phones,
            dict(self.counts),
            self.cost_count,
            self.settled,
            self.overdue,
            self.age_seconds,
            self.started_at,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SessionSummary):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # equal by value, like the dataclass it was

    def __repr__(self) -> str:
        phones = repr(self._phones) if isinstance(self._phones, tuple) else "<not loaded>"
        return (
            f"SessionSummary(session_no={self.session_no!r}, phones={phones}, counts={dict(self.counts)!r}, "
            f"cost_count={self.cost_count!r}, settled={self.settled!r}, overdue={self.overdue!r}, "
            f"age_seconds={self.age_seconds!r}, started_at={self.started_at!r})"
        )

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def delivered_ratio(self) -> float:
        total = self.total
        return self.counts.get(Status.DELIVERED, 0) / total if total else 0.0


_DELIVERED = Status.DELIVERED


def summarize(
    session_no: str,
    receipts: Iterable[Receipt],
    *,
    now: float,
    added_at: float,
    sent_at: float | None = None,
    known_phones: Iterable[str] = (),
    warn_after: float = DEFAULT_WARN_AFTER,
    merged: bool = False,
) -> SessionSummary:
    """Summarize a session: counts per status, cost, settled, overdue.

    The age is counted from ``sent_at`` when known, else from ``added_at``. A session with
    no receipt and no known phone is not settled (we cannot know it is done). ``merged``:
    the receipts have been through :func:`merge_phones` already, so only known phones
    missing from them are looked for by key.
    """
    if merged:
        listed = tuple(receipts)
        have = {r[0] for r in listed}
        whole = all(p in have for p in known_phones if p)
        phones = listed if whole else tuple(merge_phones(listed, known_phones))
    else:
        phones = tuple(merge_phones(receipts, known_phones))
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for receipt in phones:
        counts[receipt.status] += 1
    settled = bool(phones) and counts[Status.PENDING] == 0
    started_at = sent_at if sent_at is not None else added_at
    age = max(0.0, now - started_at)
    return SessionSummary(
        session_no=session_no,
        phones=phones,
        counts=counts,
        cost_count=sum(r.cost_count for r in phones),
        settled=settled,
        overdue=(not settled) and age >= warn_after,
        age_seconds=age,
        started_at=started_at,
    )


def phone_overdue(receipt: Receipt, summary: SessionSummary, warn_after: float = DEFAULT_WARN_AFTER) -> bool:
    """A pending phone in a session older than the warning age."""
    return receipt.status is Status.PENDING and summary.age_seconds >= warn_after
