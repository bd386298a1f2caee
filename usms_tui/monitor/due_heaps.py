"""The heaps the schedule (:mod:`usms_tui.monitor.schedule`) files sessions in: entries that go
stale when the session is filed again, and two-sided crossings that say which side of an age
each session is on, at whatever clock time and span they are asked about.

Every key is a time the session itself fixes (when it was sent, when it was last checked),
never one that depends on the interval or the warning age: changing those moves only the
sessions that now fall on the other side, found from the top of a heap, with nothing to re-file.
"""

from __future__ import annotations

import heapq
import itertools
import operator
from collections.abc import Callable, Sized
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from usms_tui.monitor.session_state import SessionState

#: One number per filing, so an entry knows whether it is its session's latest (and two
#: entries with the same key never compare the sessions behind them).
_tokens = itertools.count(1)

#: The kinds of entry a session can hold at once, one live entry each; each names the
#: attribute of :class:`Filed` that holds the live entry's token (0: none).
AGED, LATE, OVERDUE = "t_aged", "t_late", "t_overdue"

#: What a session is to the schedule: not polled (settled, archived), urgent (an error or
#: never checked: due now, whatever its age) or on an age band.
NOT_POLLED, URGENT, BANDED = 0, 1, 2

Entry = tuple[float, int, "Filed"]


class Filed:
    """Where one session is filed: its times as last filed, which side of each crossing it is
    on, and the token of each live entry. An entry whose token is not the current one is stale."""

    __slots__ = (
        "aged",
        "band",
        "bucket",
        "checked",
        "due",
        "kind",
        "late",
        "no",
        "start",
        "state",
        "t_aged",
        "t_late",
        "t_overdue",
    )

    def __init__(self, state: SessionState, no: str) -> None:
        self.state = state
        self.no = no
        self.kind = NOT_POLLED
        self.band = -1  # 0, 1, 2 while BANDED: younger than an hour, than the warning age, older
        self.start = 0.0  # started_at when filed
        self.checked = 0.0  # last_checked when filed (BANDED only)
        self.aged = self.late = False  # the sides of its crossings of the start (BANDED only)
        self.due = False  # BANDED and due (else waiting in its band's heap)
        self.t_aged = self.t_late = self.t_overdue = 0
        self.bucket: Bucket | None = None  # where it waits in its band, while not due


class Heap:
    """A heap of (key, token, session) entries of one kind; ``sign=-1`` for a max-heap.
    Stale entries are dropped when they reach the top, and all at once when they outnumber
    the sessions filed (so a heap never grows with the number of filings, only of sessions)."""

    __slots__ = ("_filed", "_token_of", "items", "kind", "sign")

    def __init__(self, kind: str, filed: Sized, sign: float = 1.0) -> None:
        self.kind = kind
        self.sign = sign
        self.items: list[Entry] = []
        self._filed = filed  # every session filed: no heap holds more live entries
        self._token_of: Callable[[Filed], int] = operator.attrgetter(kind)

    def push(self, key: float, filed: Filed) -> None:
        """File ``filed`` here at ``key``, making its previous entry of this kind stale."""
        token = next(_tokens)
        setattr(filed, self.kind, token)
        items = self.items
        heapq.heappush(items, (self.sign * key, token, filed))
        if len(items) > 2 * len(self._filed) + 1024:
            # More stale entries than there can be live ones: dropped in one pass, paid for
            # by the pushes that made them.
            token_of = self._token_of
            self.items = items = [e for e in items if token_of(e[2]) == e[1]]
            heapq.heapify(items)

    def top(self) -> Entry | None:
        """The live entry at the top (its key as stored: ``sign * key``), dropping stale ones."""
        items, token_of = self.items, self._token_of
        while items:
            entry = items[0]
            if token_of(entry[2]) == entry[1]:
                return entry
            heapq.heappop(items)
        return None

    def pop(self) -> Filed:
        """Take out the top entry (live: just returned by :meth:`top`)."""
        filed = heapq.heappop(self.items)[2]
        setattr(filed, self.kind, 0)
        return filed


def drop(filed: Filed, kind: str) -> None:
    """Make ``filed``'s entry of this kind stale, wherever it is."""
    setattr(filed, kind, 0)


class Crossing:
    """Sessions on either side of ``now - key >= span`` (an age reached): a min-heap of those
    before it (the first to cross have the smallest keys) and a max-heap of those across (the
    first to go back, when the clock goes back or the span grows, have the largest). ``side``
    names the attribute of :class:`Filed` that says which side a session is on."""

    __slots__ = ("across", "before", "side")

    def __init__(self, kind: str, side: str, filed: Sized) -> None:
        self.before = Heap(kind, filed)
        self.across = Heap(kind, filed, -1.0)
        self.side = side

    def file(self, filed: Filed, key: float, now: float, span: float) -> bool:
        """File at ``key``; True when across at ``now``. Computed as the reference scan does
        (``now - key >= span``), so the two agree to the last bit of a float."""
        across = now - key >= span
        setattr(filed, self.side, across)
        (self.across if across else self.before).push(key, filed)
        return across

    def advance(self, now: float, span: float, moved: list[Filed], limit: int) -> int:
        """Move the sessions that are on the other side at ``now`` and ``span`` (appended to
        ``moved``), at most ``limit`` of them; returns how many of ``limit`` are left (0 and
        perhaps more to move)."""
        before, across, side = self.before, self.across, self.side
        # Subtraction rounds monotonically, so ``now - key >= span`` holds for every key up to
        # some value: the sessions to move are always at the top.
        while (top := before.top()) is not None and now - top[0] >= span:
            if limit <= 0:
                return 0
            limit -= 1
            filed = before.pop()
            setattr(filed, side, True)
            across.push(top[0], filed)
            moved.append(filed)
        while (top := across.top()) is not None and now - -top[0] < span:
            if limit <= 0:
                return 0
            limit -= 1
            filed = across.pop()
            setattr(filed, side, False)
            before.push(-top[0], filed)
            moved.append(filed)
        return limit


class Bucket:
    """The waiting sessions of one band last checked at one moment. A cycle checks all it
    fetched at one ``now``: they come due together, as one heap entry, not thousands."""

    __slots__ = ("checked", "members")

    def __init__(self, checked: float) -> None:
        self.checked = checked
        self.members: dict[str, Filed] = {}


class Waiting:
    """One band's sessions not yet due, in buckets by last check: a min-heap of buckets
    (the next to come due at the top) and the buckets by time, for the next one checked then.
    A bucket is in the heap while it is in the dict; an emptied one is dropped at the top."""

    __slots__ = ("_by_time", "_filed", "items")

    def __init__(self, filed: Sized) -> None:
        self.items: list[tuple[float, int, Bucket]] = []
        self._by_time: dict[float, Bucket] = {}
        self._filed = filed

    def add(self, filed: Filed, checked: float) -> None:
        """Wait in the bucket of ``checked``, out of the one it waited in before."""
        leave(filed)
        bucket = self._by_time.get(checked)
        fresh = bucket is None
        if bucket is None:
            bucket = self._by_time[checked] = Bucket(checked)
            heapq.heappush(self.items, (checked, next(_tokens), bucket))
        bucket.members[filed.no] = filed
        filed.bucket = bucket
        if fresh and len(self.items) > 2 * len(self._filed) + 1024:
            # Mostly emptied buckets (each non-empty one holds a session): dropped at once.
            by_time = self._by_time
            for _, _, gone in self.items:
                if not gone.members:
                    del by_time[gone.checked]
            self.items = [e for e in self.items if e[2].members]
            heapq.heapify(self.items)

    def top(self) -> Bucket | None:
        """The bucket that comes due first, dropping emptied ones."""
        items = self.items
        while items:
            bucket = items[0][2]
            if bucket.members:
                return bucket
            heapq.heappop(items)
            del self._by_time[bucket.checked]
        return None

    def pop(self) -> dict[str, Filed]:
        """Take out the top bucket (just returned by :meth:`top`): its sessions."""
        bucket = heapq.heappop(self.items)[2]
        del self._by_time[bucket.checked]
        for filed in bucket.members.values():
            filed.bucket = None
        return bucket.members


def leave(filed: Filed) -> None:
    """Out of the bucket it waits in, if any."""
    bucket = filed.bucket
    if bucket is not None:
        del bucket.members[filed.no]
        filed.bucket = None
