"""What the end of a refresh cycle does for the people who are not watching.

One object, used the same way by ``monitor``, ``wait`` and the UI after every cycle: count
the API's requests in the store, find the events nobody was told about yet (and mark them
told), log them and hand them to the hook, then refresh the metrics and write the textfile.
Every part is optional; what is not configured costs nothing.

Everything that touches SQLite or the disk runs in a worker thread: the event loop (the
UI's, or the monitor's signal handling) never waits on it. Problems are never fatal and
never hidden: they go to ``notice`` (stderr for the monitor, a notification in the UI).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from usms_tui.domain.receipts import Receipt, SessionSummary
from usms_tui.monitor.alert_events import AlertEvent
from usms_tui.monitor.metrics import SnapshotCollector, request_outcomes, snapshot
from usms_tui.store.api_stats import OUTCOMES, ApiStats, ApiStatsTable

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from usms_tui.monitor.hooks import HookRunner
    from usms_tui.monitor.poller import Poller, RefreshReport
    from usms_tui.monitor.tracker import EventTracker


def _no_cause(receipt: Receipt) -> str | None:
    return None


@dataclass
class Alerting:
    """The parts in use (each ``None`` when not configured) and where problems are told."""

    tracker: EventTracker | None = None
    hooks: HookRunner | None = None
    api_stats: ApiStatsTable | None = None
    collector: SnapshotCollector | None = None
    registry: CollectorRegistry | None = None
    textfile: Path | None = None
    log: Callable[[AlertEvent], None] | None = None  #: one call per event, before its hook
    notice: Callable[[str], None] = print  #: a problem worth a line (never fatal)
    cause_of: Callable[[Receipt], str | None] = _no_cause
    clock: Callable[[], float] | None = None  #: defaults to the poller's
    _stats: ApiStats = field(default_factory=ApiStats)  # this process's own, without a store

    async def after_cycle(
        self, poller: Poller, report: RefreshReport | None, summaries: Sequence[SessionSummary] | None = None
    ) -> list[AlertEvent]:
        """Do everything configured for the cycle that produced ``report`` (None: just loaded).

        ``summaries`` (of the non-archived sessions, now) when the caller has them already.
        """
        now = (self.clock or poller.clock)()
        if summaries is None:
            summaries = poller.summaries(now) if self._needs_summaries else []
        events: list[AlertEvent] = []
        if report is not None:
            await asyncio.to_thread(self._count, report, now)
        if self.tracker is not None:
            events = await asyncio.to_thread(self.tracker.after_cycle, poller, report, summaries, now)
            self._tell(events)
        if self.collector is not None:
            archived = sum(1 for state in poller.states.values() if state.entry.archived)
            stats = await asyncio.to_thread(self._load_stats)
            current = await asyncio.to_thread(
                lambda: snapshot(summaries, archived=archived, api=stats, cause_of=self.cause_of)
            )
            self.collector.update(current)
            if self.textfile is not None and self.registry is not None:
                await asyncio.to_thread(self._write_textfile)
        self._flush_warnings()
        return events

    @property
    def _needs_summaries(self) -> bool:
        return self.tracker is not None or self.collector is not None

    def _tell(self, events: list[AlertEvent]) -> None:
        for event in events:
            if self.log is not None:
                self.log(event)
            if self.hooks is not None:
                self.hooks.submit(event.to_dict())

    def _count(self, report: RefreshReport, now: float) -> None:
        outcomes, retcode = request_outcomes(report)
        refreshed = None if report.errors else now
        if self.api_stats is not None:
            self.api_stats.record(outcomes, last_retcode=retcode, refreshed_at=refreshed)
            return
        totals = {o: self._stats.requests.get(o, 0) + outcomes.get(o, 0) for o in OUTCOMES}
        self._stats = ApiStats(
            totals,
            retcode if retcode is not None else self._stats.last_retcode,
            refreshed if refreshed is not None else self._stats.last_refresh,
        )

    def _load_stats(self) -> ApiStats:
        return self.api_stats.load() if self.api_stats is not None else self._stats

    def _write_textfile(self) -> None:
        from usms_tui.monitor.metrics_export import write_textfile

        assert self.textfile is not None and self.registry is not None
        try:
            write_textfile(self.textfile, self.registry)
        except OSError as error:
            self.notice(f"cannot write the metrics textfile {self.textfile}: {error.strerror or error}")

    def _flush_warnings(self) -> None:
        tables = [self.api_stats, self.tracker.reported if self.tracker is not None else None]
        for table in tables:
            if table is not None:
                for warning in table.warnings:
                    self.notice(warning)
                table.warnings.clear()

    async def aclose(self) -> None:
        """Let the queued hooks finish (each bounded by its timeout), then close the tables."""
        if self.hooks is not None:
            await self.hooks.aclose(wait=True)
        for table in (self.api_stats, self.tracker.reported if self.tracker is not None else None):
            if table is not None:
                table.close()
