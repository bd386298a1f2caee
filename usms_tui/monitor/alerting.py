"""What the end of a refresh cycle does for the people who are not watching.

One object, used the same way by ``monitor``, ``wait`` and the UI after every cycle (the
refresh controller calls it): count the API's requests in the store, find the events nobody
was told about yet (and mark them told), refresh the metrics and write the textfile, then
log the events and hand them to the hook. Every part is optional; what is not configured
costs nothing.

Everything that touches SQLite or the disk runs in a worker thread: the event loop (the
UI's, or the monitor's signal handling) never waits on it. Problems are never fatal and
never hidden: they go to ``notice`` (stderr for the monitor, a notification in the UI).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from usms_tui.config.settings import Settings
from usms_tui.config.table import TABLE
from usms_tui.domain.explain import cause_id
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.thresholds import Thresholds
from usms_tui.monitor.alert_events import AlertEvent
from usms_tui.monitor.merging import request_outcomes
from usms_tui.store.api_stats import OUTCOMES, ApiStats, ApiStatsTable

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from usms_tui.monitor.hooks import HookResult, HookRunner
    from usms_tui.monitor.metrics import SnapshotCollector
    from usms_tui.monitor.poller import Poller, RefreshReport
    from usms_tui.monitor.tracker import EventTracker


T = TypeVar("T")


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
    #: Where a problem is told at once (never fatal); None keeps it for :meth:`take_problems`
    #: (the UI, whose screen covers stderr, shows them as the controller's notices).
    notice: Callable[[str], None] | None = None
    cause_of: Callable[[Receipt], str | None] = cause_id
    clock: Callable[[], float] | None = None  #: defaults to the poller's
    _stats: ApiStats = field(default_factory=ApiStats)  # this process's own, without a store
    _problems: list[str] = field(default_factory=list)

    async def after_cycle(
        self,
        poller: Poller,
        report: RefreshReport | None,
        summaries: Sequence[SessionSummary] | None = None,
        *,
        scope: Collection[str] | None = None,
    ) -> list[AlertEvent]:
        """Do everything configured for the cycle that produced ``report`` (None: just loaded).

        ``summaries`` (of the non-archived sessions, now) when the caller has them already;
        ``scope``: only these sessions count (``wait --session``), for events and metrics.
        """
        now = (self.clock or poller.clock)()
        if summaries is None and self._needs_summaries:
            # In a thread: a big watchlist's summaries are CPU the UI's loop cannot spare.
            summaries = await asyncio.to_thread(poller.summaries, now)
        summaries = summaries or []
        if scope is not None:
            summaries = [summary for summary in summaries if summary.session_no in scope]
        events: list[AlertEvent] = []
        if report is not None:
            await asyncio.to_thread(self._count, report, now)
        if self.tracker is not None:
            events = await asyncio.to_thread(self.tracker.after_cycle, poller, report, summaries, now)
        if self.collector is not None:
            # Imported with the metrics: a command without them never loads prometheus_client.
            from usms_tui.monitor.metrics import snapshot

            # Before the events are told: a hook that reads the metrics sees what it is told about.
            archived = sum(1 for state in poller.states.values() if state.entry.archived)
            stats = await asyncio.to_thread(self._load_stats)
            current = await asyncio.to_thread(
                lambda: snapshot(summaries, archived=archived, api=stats, cause_of=self.cause_of)
            )
            self.collector.update(current)
            if self.textfile is not None and self.registry is not None:
                await asyncio.to_thread(self._write_textfile)
        self._tell(events)
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
        from usms_tui.monitor.metrics import exposition
        from usms_tui.monitor.metrics_export import write_textfile

        assert self.textfile is not None and self.registry is not None
        try:
            write_textfile(self.textfile, exposition(self.registry))
        except OSError as error:
            self._say(f"cannot write the metrics textfile {self.textfile}: {error.strerror or error}")

    def _flush_warnings(self) -> None:
        tables = [self.api_stats, self.tracker.reported if self.tracker is not None else None]
        for table in tables:
            if table is not None:
                for warning in table.warnings:
                    self._say(warning)
                table.warnings.clear()

    def _say(self, text: str) -> None:
        if self.notice is not None:
            self.notice(text)
        else:
            self._problems = [*self._problems[-99:], text]

    def take_problems(self) -> list[str]:
        """Problems kept since the last call (only when there is no ``notice`` to tell them)."""
        taken, self._problems = self._problems, []
        return taken

    def take_hook_failures(self) -> list[HookResult]:
        """Hooks that failed, hung or were skipped since the last call."""
        return self.hooks.take_failures() if self.hooks is not None else []

    def prune(self, older_than: float, keep: Iterable[str]) -> None:
        """Forget what was reported about sessions the cache forgets (same rule)."""
        if self.tracker is not None and self.tracker.reported is not None:
            self.tracker.reported.prune(older_than, keep)

    async def aclose(self) -> None:
        """Let the queued hooks finish (each bounded by its timeout), then close the tables."""
        if self.hooks is not None:
            await self.hooks.aclose(wait=True)
        for table in (self.api_stats, self.tracker.reported if self.tracker is not None else None):
            if table is not None:
                table.close()


def thresholds_of(settings: Settings) -> Thresholds:
    """The alert rules the settings ask for (``[alerts]``, ``--fail-above``, ``--overdue-above``)."""
    return Thresholds(settings.fail_above, settings.overdue_above)


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value these settings hold: none of them may reach a hook's environment."""
    names = [setting.name for setting in TABLE if setting.secret]  # the private key, OAuth tokens
    return [value for name in names if isinstance(value := getattr(settings, name, None), str) and value]


def open_alerting(
    settings: Settings,
    *,
    tell: bool,
    metrics: bool = False,
    textfile: Path | None = None,
    log: Callable[[AlertEvent], None] | None = None,
    notice: Callable[[str], None] | None = None,
    on_hook: Callable[[HookResult], None] | None = None,
) -> Alerting:
    """The parts a command needs, in the receipt cache's file: always the API counters; the
    once-only events (``tell``) with the ``on_event`` hook when one is set; the metrics.

    A store that cannot be opened is a notice, and the part runs without it (counters only
    in this process, events remembered only until it ends).
    """
    from usms_tui.monitor.hooks import HookRunner
    from usms_tui.monitor.metrics import make_registry
    from usms_tui.monitor.tracker import EventTracker
    from usms_tui.store.reported import ReportedEvents
    from usms_tui.store.side_table import SideTableError

    alerting = Alerting(log=log, notice=notice, textfile=textfile)

    def opened(table: Callable[[Path], T]) -> T | None:
        try:
            return table(settings.cache_path)
        except SideTableError as error:
            alerting._say(f"{error}; continuing without it")
            return None

    alerting.api_stats = opened(ApiStatsTable)
    if tell:
        alerting.tracker = EventTracker(opened(ReportedEvents), thresholds_of(settings))
        if settings.on_event:
            alerting.hooks = HookRunner(
                settings.on_event, timeout=settings.hook_timeout, secrets=secrets_of(settings), on_result=on_hook
            )
    if metrics:
        alerting.registry, alerting.collector = make_registry()
    return alerting
