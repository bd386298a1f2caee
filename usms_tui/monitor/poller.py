"""One refresh cycle, shared by ``check``, ``wait`` and the UI: which sessions are due, fetch
them, merge the receipts into the state, remember them in the cache, and say what changed.

Asyncio only; blocking file and sqlite work runs in a thread so the UI's event loop never
waits on the disk.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import inspect
import time
from collections.abc import Awaitable, Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from usms_tui.api.batching import by_project, merge_results
from usms_tui.config.table import default
from usms_tui.domain.events import SessionOverdue
from usms_tui.domain.receipts import DEFAULT_WARN_AFTER, Receipt
from usms_tui.domain.summary import SessionSummary
from usms_tui.monitor.heap import long_lived
from usms_tui.monitor.merging import RefreshReport as RefreshReport  # its home before
from usms_tui.monitor.merging import merge_answers
from usms_tui.monitor.schedule import Schedule
from usms_tui.monitor.session_state import SessionState as SessionState  # its home before
from usms_tui.store.cache_encode import encode_batch
from usms_tui.store.watchlist import WatchedSession, Watchlist

if TYPE_CHECKING:
    from usms_tui.api.client import FetchResult
    from usms_tui.store.cache import CachedSession, ReceiptCache

_DEFAULT_INTERVAL: float = default("interval")

#: Sessions the schedule files between two turns of the event loop when a lot changed at
#: once (a big import, the interval or warning age changed at 100,000): a session moved
#: between age bands costs about 12 us on a busy 2-CPU machine, so a slice is ~20 ms.
_FILE_SLICE = 1_500


#: Awaited with each batch's receipts as it lands.
BatchHandler = Callable[[dict[str, list[Receipt]]], Awaitable[None]]


class ReceiptFetcher(Protocol):
    async def fetch(self, session_nos: Iterable[str], *, project_id: str | None = None) -> FetchResult: ...


class Poller:
    """Adaptive polling over a watchlist: new sessions every interval, old pending ones less
    often, settled ones never (their receipts are final)."""

    def __init__(
        self,
        watchlist: Watchlist,
        cache: ReceiptCache | None,
        client: ReceiptFetcher,
        *,
        warn_after: float = DEFAULT_WARN_AFTER,
        interval: float = _DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.watchlist = watchlist
        self.cache = cache
        self.client = client
        self.warn_after = warn_after
        self.interval = interval
        self.clock = clock
        self.states: dict[str, SessionState] = {}
        # What is due when: told by each state when its polling may change, so a cycle costs
        # what changed, not what the watchlist is.
        self._schedule = Schedule()

    @property
    def _overdue_known(self) -> set[str]:
        """Sessions reported overdue (or overdue at start): not reported again."""
        return self._schedule.known

    @_overdue_known.setter
    def _overdue_known(self, known: set[str]) -> None:
        self._schedule.know(known)

    # -- loading --------------------------------------------------------------------------

    def load(self, *, summarize: bool = True) -> None:
        """Watchlist plus the cache's last known receipts: no network. Raises WatchlistError.
        A watchlist the runtime has just loaded is not read a second time (one stat).

        ``summarize=False`` (a command that refreshes every session at once): no summary is
        made for a session nothing is known of; its first answer replaces it anyway, and
        made here it was a pending placeholder per known phone (100,000 at 10,000 sessions,
        a tenth of a second before the first request)."""
        with long_lived():  # a state and a summary per session, for as long as the process
            self._load()
            # Every view starts from the summaries: made here, each is made in the block that
            # keeps them out of collections. Sessions already overdue at start are reported
            # by the UI's first paint, not as news.
            now, warn_after = self.clock(), self.warn_after
            if summarize:
                self._overdue_known = {s.session_no for s in self.summaries(now) if s.overdue}
            else:
                self._overdue_known = {
                    no
                    for no, state in self.states.items()
                    if not state.entry.archived and state.overdue(now, warn_after)
                }
            # Filed here, in the loading thread: at 100,000 sessions that is most of a second
            # the event loop does not wait through at its first cycle.
            self._sync(now)

    def _load(self) -> None:
        self.watchlist.reload_if_changed()
        self._sync_entries(self.watchlist.sessions())
        cache = self.cache
        if cache is not None:
            read = functools.partial(read_receipts, cache)
            uncounted: dict[str, SessionState] = {}
            for session_no, stored in cache.load_stored().items():
                state = self.states.get(session_no)
                if state is None:
                    continue
                # Its receipts (when fetched) stay in the store until something reads them.
                state.restore(stored.last_checked, stored.last_error, read if stored.fetched else None, stored.summary)
                if stored.fetched and not state.counted:
                    uncounted[session_no] = state
            if uncounted:  # a cache from before summaries, or known phones changed since
                found = cache.summarize_stored({no: state.entry.phones for no, state in uncounted.items()})
                for session_no, summary in found.items():
                    state = uncounted[session_no]
                    state.stored(read, summary)

    def reload_watchlist(self) -> bool:
        """Pick up changes made from another shell. Cheap when nothing changed (one stat)."""
        if not self.watchlist.reload_if_changed():
            return False
        self._sync_entries(self.watchlist.sessions())
        return True

    def sync_with_watchlist(self) -> None:
        """Adopt the watchlist's entries as they are in memory (after this process changed it:
        the file on disk already matches, so :meth:`reload_watchlist` would see nothing new)."""
        self._sync_entries(self.watchlist.sessions())

    def _sync_entries(self, entries: Iterable[WatchedSession]) -> None:
        fresh: dict[str, SessionState] = {}
        added: list[SessionState] = []
        old = self.states
        for entry in entries:
            state = old.get(entry.session_no)
            if state is None:
                state = SessionState(entry)
                added.append(state)
            elif state.entry != entry:
                state.set_entry(entry)
            fresh[entry.session_no] = state
        removed = [old[no] for no in old.keys() - fresh.keys()]
        self.states = fresh
        self._schedule.adopt(fresh, added, removed)

    # -- scheduling -----------------------------------------------------------------------

    def cadence(self, state: SessionState, now: float) -> float | None:
        """Seconds between polls of this session; ``None`` when it needs none (settled/archived)."""
        if state.entry.archived or state.settled:
            return None
        age = now - state.started_at
        if age < 3600:
            return self.interval
        if age < self.warn_after:
            return self.interval * 2
        # Past the warning age a receipt is unlikely to come soon; keep looking, gently.
        return max(self.interval * 6, 300.0)

    def _sync(self, now: float) -> None:
        self._schedule.sync(now, self.interval, self.warn_after)

    async def catch_up(self, now: float | None = None) -> None:
        """Bring the schedule up to ``now`` in slices, the event loop let in between: after a
        big change (an import, the interval or warning age changed, the clock set back) that
        may be many sessions. The questions below do it at once if this was not awaited."""
        now = self.clock() if now is None else now
        while not self._schedule.sync(now, self.interval, self.warn_after, _FILE_SLICE):
            await asyncio.sleep(0)

    def due(self, now: float | None = None) -> list[str]:
        """SessionNos whose next poll is now or past, in watchlist order."""
        now = self.clock() if now is None else now
        self._sync(now)
        return self._schedule.in_order(self._schedule.due)

    def pollable(self, now: float | None = None) -> list[str]:
        """Every session that could change: not archived and not settled."""
        now = self.clock() if now is None else now
        self._sync(now)
        return self._schedule.in_order(self._schedule.pollable)

    def next_due_in(self, now: float | None = None, among: Collection[str] | None = None) -> float | None:
        """Seconds until some session (of ``among``, if given) is due (0 when one is due now);
        ``None`` when all are settled."""
        now = self.clock() if now is None else now
        self._sync(now)
        return self._schedule.next_due_in(now, self.interval, among)

    # -- one cycle ------------------------------------------------------------------------

    async def refresh(
        self,
        force: bool = False,
        only: Iterable[str] | None = None,
        *,
        on_merged: Callable[[list[str]], object] | None = None,
        on_sent: Callable[[], object] | None = None,
    ) -> RefreshReport:
        """Fetch what is due (``force``: every pollable session; ``only``: exactly those).
        ``on_merged`` is called with each batch's SessionNos once they are merged; ``on_sent``
        once the first requests are on the wire (see :meth:`ReceiptClient.fetch`), not at all
        when nothing is fetched or the fetcher does not say."""
        report = RefreshReport()
        report.watchlist_changed = await asyncio.to_thread(self.reload_watchlist)
        now = self.clock()
        await self.catch_up(now)  # what the reload added, in slices
        if only is not None:
            targets = [no for no in dict.fromkeys(only) if no in self.states]
        else:
            targets = self.pollable(now) if force else self.due(now)
        if targets:
            writes = asyncio.Lock()  # one sqlite connection: batches are stored one at a time

            async def landed(found: dict[str, list[Receipt]]) -> None:
                # Streaming: each batch is merged and stored as it lands, while the other
                # requests are still in flight.
                if self.cache is not None:
                    await self._read_stored(found)
                now = self.clock()
                self._merge(found, now, report)
                # Filed in the schedule now, a batch at a time between the answers: left to
                # the overdue scan after the last one, a cold 10,000-session check filed them
                # all there (30 to 80 ms after its last answer).
                await self.catch_up(now)
                mine = [self.states[no] for no in found if no in self.states]
                # Summarised now, a batch at a time between the answers, not all at once by
                # the overdue scan after the last one (10,000 summaries: 300 ms of the loop);
                # every view and report asks for the same ones, and the store keeps their counts.
                summaries = {state.entry.session_no: state.summary(now, self.warn_after) for state in mine}
                if on_merged is not None:
                    on_merged(list(found))
                if self.cache is not None:
                    receipts = {state.entry.session_no: state.receipts for state in mine}
                    known = {state.entry.session_no: state.entry.phones for state in mine if state.entry.phones}
                    # Receipts merged here are not merged again.
                    merged = all(state.merged for state in mine)
                    # Encoded here, between two answers; the store's thread is left the SQL,
                    # which lets go of the GIL (see cache_encode).
                    encoded = encode_batch(receipts, known, merged=merged, summaries=summaries)
                    store = functools.partial(
                        self.cache.store_results, merged=merged, summaries=summaries, encoded=encoded
                    )
                    async with writes:
                        await asyncio.to_thread(store, receipts, now, known)

            result = await self._fetch_by_project(targets, landed, on_sent)
            report.requests = result.requests
            report.errors = list(result.errors)
            now = self.clock()
            for error in result.errors:
                for session_no in error.session_nos:
                    state = self.states.get(session_no)
                    if state is not None:
                        state.last_error = error
            if self.cache is not None and result.errors:
                async with writes:
                    await asyncio.to_thread(self.cache.store_errors, result.errors, now)
        await self._note_overdue(self.clock(), report)
        return report

    async def _fetch_by_project(
        self, targets: list[str], landed: BatchHandler, on_sent: Callable[[], object] | None
    ) -> FetchResult:
        """One fetch per project the targets were sent under (the configured one for those
        without): a request names one ``ProjectId``, and the API answers a session only there.
        ``on_sent`` is the first fetch's."""
        groups = by_project(targets, lambda no: self.states[no].entry.project_id)
        results = []
        for project_id, session_nos in groups.items():
            results.append(await self._fetch(session_nos, landed, project_id, on_sent))
            on_sent = None
        return results[0] if len(results) == 1 else merge_results(results)

    async def _fetch(
        self, targets: list[str], landed: BatchHandler, project_id: str | None, on_sent: Callable[[], object] | None
    ) -> FetchResult:
        """The fetch, streamed batch by batch when the client can (a test's fake may not)."""
        fetch: Any = self.client.fetch
        # Only a session's own project is named: a test's fake fetcher may not take one.
        project: dict[str, Any] = {"project_id": project_id} if project_id is not None else {}
        # What is loaded already is not garbage: the collections a big refresh's new receipts
        # set off need not walk it again and again (they grew faster than linear). It stays
        # frozen after the fetch: thawed, the next full collection walked the whole heap at
        # once (about 2 s at 100,000 sessions, the UI's loop held). What refcounting frees it
        # still frees; only a reference cycle made before now waits for the process's end.
        gc.freeze()
        options = inspect.signature(fetch).parameters.values()
        if on_sent is not None and any(o.name == "on_sent" for o in options):
            project["on_sent"] = on_sent
        if any(o.name == "on_batch" or o.kind is inspect.Parameter.VAR_KEYWORD for o in options):
            result: FetchResult = await fetch(targets, on_batch=landed, **project)
        else:
            result = await fetch(targets, **project)
            await landed(result.receipts)
        return result

    async def _read_stored(self, found: Iterable[str]) -> None:
        """The stored receipts of a batch's sessions not yet read, in one query off the loop
        (the merge compares with them; read one by one on the loop they were 100 queries a batch)."""
        cache = self.cache
        unread = [no for no in found if (state := self.states.get(no)) is not None and not state.loaded]
        if cache is None or not unread:
            return
        rows = await asyncio.to_thread(cache.load_sessions, unread)
        for session_no in unread:
            state = self.states.get(session_no)
            if state is not None:
                state.take_stored(_receipts_of(rows.get(session_no)))

    def _merge(self, fetched: dict[str, list[Receipt]], now: float, report: RefreshReport) -> None:
        merge_answers(self.states, fetched, now, report)

    async def _note_overdue(self, now: float, report: RefreshReport) -> None:
        """A SessionOverdue for each session newly past the warning age and not settled: the
        schedule's heap of starts, popped up to ``now``, not a walk of every session."""
        await self.catch_up(now)
        report.events += [SessionOverdue(no) for no in self._schedule.newly_overdue(now, self.warn_after)]

    # -- views ----------------------------------------------------------------------------

    def _summarize(self, state: SessionState, now: float) -> SessionSummary:
        return state.summary(now, self.warn_after)

    def summary(self, session_no: str, now: float | None = None, *, with_age: bool = True) -> SessionSummary:
        """The session's summary at ``now``. ``with_age=False``, for a view that shows no
        age: its ``age_seconds`` may be of an earlier moment (``overdue`` is always of
        ``now``), so a view over 100,000 sessions holds no new copy of each."""
        state = self.states[session_no]
        return state.summary(self.clock() if now is None else now, self.warn_after, with_age=with_age)

    def summaries(self, now: float | None = None, *, include_archived: bool = False) -> list[SessionSummary]:
        """One summary per watched session, in watchlist order."""
        now = self.clock() if now is None else now
        return [
            self._summarize(state, now)
            for state in self.states.values()
            if include_archived or not state.entry.archived
        ]


def read_receipts(cache: ReceiptCache, session_no: str) -> tuple[list[Receipt], dict[str, float]] | None:
    """A stored session's receipts and first-seen times, for :meth:`SessionState.stored`."""
    return _receipts_of(cache.load_session(session_no))


def _receipts_of(found: CachedSession | None) -> tuple[list[Receipt], dict[str, float]] | None:
    if found is None or found.receipts is None:
        return None
    return list(found.receipts), dict(found.first_seen)
