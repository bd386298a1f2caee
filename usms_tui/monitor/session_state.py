"""Everything known about one watched session, with its receipts read from the store only
when someone looks: a start at 100,000 sessions builds one small object per session (its
counts, cost, delivery times and ages), not half a million receipts nobody views."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from usms_tui.domain.failure_tally import FailureTally
from usms_tui.domain.failures import BatchError
from usms_tui.domain.receipts import DEFAULT_WARN_AFTER, STATUS_ORDER, Receipt, Status, merge_phones
from usms_tui.domain.summary import SessionSummary, summarize
from usms_tui.store.summary_codec import StoredSummary
from usms_tui.store.watchlist import WatchedSession

#: A session's receipts and when each phone's status was first seen, read from the store by
#: SessionNo (None when it no longer has them: another process pruned it, or the store
#: failed). One for all sessions: a start at 100,000 sessions makes no object per session for it.
ReceiptLoader = Callable[[str], "tuple[list[Receipt], dict[str, float]] | None"]

#: Counts per status shared between sessions that have the same ones (most of a day's do):
#: a start at 100,000 sessions builds a few hundred of these dicts, not 100,000.
_SHARED_COUNTS: dict[tuple[int, ...], dict[Status, int]] = {}
_MAX_SHARED = 1 << 12


def _counts_of(numbers: tuple[int, ...]) -> dict[Status, int]:
    counts = _SHARED_COUNTS.get(numbers)
    if counts is None:
        counts = dict(zip(STATUS_ORDER, numbers, strict=True))
        if len(_SHARED_COUNTS) < _MAX_SHARED:
            _SHARED_COUNTS[numbers] = counts
    return counts


#: What a session read from the store holds before its receipts are read (see ``stored``):
#: never written, since every way in reads the receipts first, which replaces them.
_NOT_READ_RECEIPTS: list[Receipt] = []
_NOT_READ_SEEN: dict[str, float] = {}


class SessionState:
    """One watched session: its entry, receipts (loaded on first read when they come from the
    store), last fetch and error, and when each phone's status was first seen."""

    __slots__ = (
        "_base",
        "_entry",
        "_first_seen",
        "_last_checked",
        "_last_error",
        "_loader",
        "_merged",
        "_receipts",
        "_stored",
        "on_change",
    )

    def __init__(
        self,
        entry: WatchedSession,
        receipts: Iterable[Receipt] = (),
        last_checked: float | None = None,
        last_error: BatchError | None = None,
        first_seen: dict[str, float] | None = None,
    ) -> None:
        self._entry = entry
        self._receipts: list[Receipt] = list(receipts)
        self._first_seen: dict[str, float] = first_seen if first_seen is not None else {}
        self._loader: ReceiptLoader | None = None
        self._base: SessionSummary | None = None
        self._stored: StoredSummary | None = None  # the store's counts, until receipts are read
        self._merged = False  # the receipts came through merge_phones
        self._last_checked = last_checked
        self._last_error = last_error
        #: Told (with this state) whenever what decides its polling may have changed: the last
        #: check, the last error, settled or archived. The poller's schedule files it again
        #: then; told by the setters themselves, no code that sets them can forget to.
        self.on_change: Callable[[SessionState], None] | None = None

    def __repr__(self) -> str:
        return f"SessionState({self._entry.session_no!r}, loaded={self._loader is None})"

    def _changed(self) -> None:
        on_change = self.on_change
        if on_change is not None:
            on_change(self)

    @property
    def last_checked(self) -> float | None:
        """When it was last fetched successfully."""
        return self._last_checked

    @last_checked.setter
    def last_checked(self, when: float | None) -> None:
        self._last_checked = when
        self._changed()

    @property
    def last_error(self) -> BatchError | None:
        """The last attempt's error; None once one succeeded."""
        return self._last_error

    @last_error.setter
    def last_error(self, error: BatchError | None) -> None:
        self._last_error = error
        self._changed()

    # -- from the store ----------------------------------------------------------------------

    def stored(self, loader: ReceiptLoader, summary: StoredSummary | None) -> None:
        """The store holds this session's receipts: read them through ``loader`` (given its
        SessionNo) when first needed. ``summary`` (what they add up to) serves the counts until then, if it was
        made with the session's known phones as they are now."""
        self._keep_stored(loader, summary)
        self._changed()  # settled or not is the store's word now

    def restore(
        self,
        last_checked: float | None,
        last_error: BatchError | None,
        loader: ReceiptLoader | None,
        summary: StoredSummary | None,
    ) -> None:
        """What the store knows of this session at a start: its last check and error, and
        (``loader`` given) its receipts, as :meth:`stored`. The schedule is told once, not
        once a field: a start tells it of every session."""
        self._last_checked = last_checked
        self._last_error = last_error
        if loader is not None:
            self._keep_stored(loader, summary)
        self._changed()

    def _keep_stored(self, loader: ReceiptLoader, summary: StoredSummary | None) -> None:
        self._loader = loader
        # Placeholders until read (both properties read first, and reading replaces them):
        # shared, because 100,000 sessions of an empty list and dict each are 12 MB.
        self._receipts, self._first_seen, self._merged = _NOT_READ_RECEIPTS, _NOT_READ_SEEN, True
        self._base = None
        self._stored = summary if summary is not None and summary.fits_text(self._entry.phones_text) else None

    @property
    def counted(self) -> bool:
        """Its summary is known without reading its receipts (or they are read already)."""
        return self._stored is not None or self._base is not None or self._loader is None

    @property
    def merged(self) -> bool:
        """The receipts are one a phone already (from merge_phones, or from the store, which
        keeps them so): whoever stores or counts them need not merge them again."""
        return self._merged

    @property
    def loaded(self) -> bool:
        """The receipts are in memory (reading them costs no query)."""
        return self._loader is None

    def _load(self) -> None:
        loader = self._loader
        if loader is not None:
            self.take_stored(loader(self._entry.session_no))

    def take_stored(self, found: tuple[list[Receipt], dict[str, float]] | None) -> None:
        """The receipts the store holds for this session, read by the caller (several
        sessions' in one query): as if read through the loader. Nothing when already read."""
        if self._loader is None:
            return
        self._loader = None
        if found is None:  # gone from the store: what was counted from it is gone too
            self._base = self._stored = None
            self._receipts, self._first_seen = [], {}  # its own, to be written
            self._changed()  # no receipts: pending again, whatever the store had said
            return
        self._receipts, self._first_seen = found

    def summary_phones(self) -> tuple[Receipt, ...]:
        """Its phones for a summary made from the store's counts (a
        :class:`~usms_tui.domain.summary.PhonesSource`): its receipts, read when first asked."""
        return tuple(merge_phones(self.receipts, self._entry.phones))

    def summary_delivered_times(self) -> tuple[int, ...] | None:
        """The delivered times the store's summary holds (a
        :class:`~usms_tui.domain.summary.TimesSource`); None: read them from the phones."""
        stored = self._stored
        return None if stored is None else stored.delivered_times()

    def summary_failures(self) -> tuple[FailureTally, ...] | None:
        """The failure tallies the store's summary holds (a
        :class:`~usms_tui.domain.summary.FailuresSource`); None: tally the phones."""
        stored = self._stored
        return None if stored is None else stored.failures()

    # -- what is known -----------------------------------------------------------------------

    @property
    def entry(self) -> WatchedSession:
        return self._entry

    @entry.setter
    def entry(self, entry: WatchedSession) -> None:
        # A new entry (label, phones, sent time) makes the cached summary stale; the store's
        # counts still hold while its known phones are the same.
        self._entry = entry
        self._base = None
        if self._stored is not None and not self._stored.fits_text(entry.phones_text):
            self._stored = None
        self._changed()  # archived, sent time or phones: its cadence may differ

    def set_entry(self, entry: WatchedSession) -> None:
        self.entry = entry

    @property
    def receipts(self) -> list[Receipt]:
        if self._loader is not None:
            self._load()
        return self._receipts

    @receipts.setter
    def receipts(self, receipts: list[Receipt]) -> None:
        # However they are set (an assignment as much as set_receipts), new receipts make the
        # cached summary stale: a stale summary would show old counts.
        self.set_receipts(receipts)

    def set_receipts(self, receipts: list[Receipt], *, merged: bool = False) -> None:
        """``merged``: one receipt a phone already (from :func:`merge_phones`), so the
        summary need not merge them again."""
        if self._loader is not None:
            self._load()  # the first-seen times it holds still count
        self._receipts = receipts
        self._merged = merged
        self._base = self._stored = None
        self._changed()  # settled, perhaps

    @property
    def first_seen(self) -> dict[str, float]:
        """Phone -> when its current status was first seen."""
        if self._loader is not None:
            self._load()
        return self._first_seen

    def summary(self, now: float, warn_after: float, *, with_age: bool = True) -> SessionSummary:
        """The session's summary at ``now``. The phones, counts and cost are worked out once
        per change of the receipts or the entry (every view, the scheduler and ``check``
        ask each cycle for every session); only the age is new at each call."""
        base = self._base
        if base is None:  # the first summary at this moment is the one kept
            self._base = base = self._summarize(now, warn_after)
            return base
        age = max(0.0, now - base.started_at)
        overdue = (not base.settled) and age >= warn_after
        if overdue == base.overdue and (age == base.age_seconds or not with_age):
            return base  # ``with_age=False``: see Poller.summary
        return base.aged(age, overdue)

    def overdue(self, now: float, warn_after: float) -> bool:
        """``summary(now, warn_after).overdue``, without making a summary of a session nothing
        is known of: every phone of it pending, it is not settled, so only its age decides."""
        if self._loader is None and not self._receipts and self._base is None:
            return max(0.0, now - self.started_at) >= warn_after
        return self.summary(now, warn_after).overdue

    def _summarize(self, now: float, warn_after: float) -> SessionSummary:
        entry = self._entry
        stored = self._stored
        if stored is None:
            return summarize(
                entry.session_no,
                self.receipts,
                now=now,
                added_at=entry.added_at,
                sent_at=entry.sent_at,
                known_phones=entry.phones,
                warn_after=warn_after,
                merged=self._merged,
            )
        started_at = self.started_at
        age = max(0.0, now - started_at)
        settled = stored.settled
        return SessionSummary(
            entry.session_no,
            self,
            _counts_of(stored.counts),
            stored.cost_count,
            settled,
            (not settled) and age >= warn_after,
            age,
            started_at,
            self,  # its delivered times, asked once
            self if stored.failures_text else (),  # most sessions have no failure tallies
        )

    @property
    def settled(self) -> bool:
        """Every known phone has a final receipt (from the cached summary)."""
        base = self._base
        if base is not None:
            return base.settled
        stored = self._stored
        if stored is not None:
            return stored.settled
        if self._loader is None and not self._receipts:  # every phone is pending
            return False
        return self.summary(self.started_at, DEFAULT_WARN_AFTER).settled

    @property
    def started_at(self) -> float:
        """The moment ages count from: sent time when known, else when it was added."""
        entry = self._entry
        return entry.sent_at if entry.sent_at is not None else entry.added_at

    @property
    def stale(self) -> bool:
        """The last refresh of this session failed: what is shown may be out of date."""
        return self.last_error is not None
