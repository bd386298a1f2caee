"""Prometheus metrics of the watched sessions, with ``prometheus_client``.

The figures are a snapshot of the data (:class:`MetricsSnapshot`, built once per cycle from
the summaries the caller has anyway), exposed by one collector on a private
:class:`~prometheus_client.CollectorRegistry`: never the library's global one, which would
also carry whatever else the process registered, and which tests could not isolate. A
scrape reads the last snapshot and never walks the sessions while a cycle changes them.

No label ever holds a phone number or a SessionNo: each would make a time series per
message (a day of sends is a million), and both are personal or customer data. Labels are
closed sets: status, session state, outcome, and the failure's cause.

``usms_delivery_seconds`` is a histogram over the watched sessions' delivered phones (time
from send to receipt), rebuilt each cycle: it shrinks when sessions are removed, so read it
with ``histogram_quantile`` over the buckets as they are rather than through ``rate()``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from usms_tui.domain.explain import cause_id
from usms_tui.domain.receipts import STATUS_ORDER, Receipt, Status
from usms_tui.domain.summary import SessionSummary
from usms_tui.monitor.merging import NO_RETCODE as NO_RETCODE  # its home before
from usms_tui.monitor.merging import request_outcomes
from usms_tui.store.api_stats import OUTCOMES, ApiStats

#: Seconds from send to receipt: most SMS land within seconds, carriers report some only
#: after minutes, and an hour is already a support question (the +Inf bucket holds the rest).
DELIVERY_BUCKETS: tuple[float, ...] = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600)
SESSION_STATES = ("settled", "pending", "overdue", "archived")
#: The cause label of a failed phone whose ReceiptCode nobody has explained.
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class MetricsSnapshot:
    """Every figure exposed, at one moment."""

    phones: Mapping[str, int] = field(default_factory=dict)  #: status -> phones
    sessions: Mapping[str, int] = field(default_factory=dict)  #: state -> sessions
    overdue: int = 0
    failed_by_cause: Mapping[str, int] = field(default_factory=dict)
    delivery_buckets: tuple[int, ...] = (0,) * (len(DELIVERY_BUCKETS) + 1)  #: cumulative, last = +Inf
    delivery_sum: float = 0.0
    api: ApiStats = field(default_factory=ApiStats)
    oldest_pending_age: float = 0.0  #: seconds since the oldest unsettled session was sent


def snapshot(
    summaries: Iterable[SessionSummary],
    *,
    archived: int = 0,
    api: ApiStats | None = None,
    cause_of: Callable[[Receipt], str | None] = cause_id,
) -> MetricsSnapshot:
    """The figures of these (non-archived) sessions; ``archived`` is how many others there are."""
    phones = dict.fromkeys((s.value for s in STATUS_ORDER), 0)
    sessions = dict.fromkeys(SESSION_STATES, 0)
    sessions["archived"] = archived
    causes: Counter[str] = Counter()
    buckets = [0] * (len(DELIVERY_BUCKETS) + 1)
    delivery_sum = 0.0
    oldest = 0.0
    for summary in summaries:
        for status, count in summary.counts.items():
            phones[status.value] += count
        state = "settled" if summary.settled else "overdue" if summary.overdue else "pending"
        sessions[state] += 1
        if not summary.settled:
            oldest = max(oldest, summary.age_seconds)
        for receipt in summary.phones:
            if receipt.status is Status.FAILED:
                causes[cause_of(receipt) or UNCLASSIFIED] += 1
            elif receipt.status is Status.DELIVERED and receipt.receipt_time is not None:
                # A carrier clock a little behind ours must not make a negative delay.
                seconds = max(0.0, receipt.receipt_time - summary.started_at)
                delivery_sum += seconds
                for index, bound in enumerate(DELIVERY_BUCKETS):
                    if seconds <= bound:
                        buckets[index] += 1
                        break
                else:
                    buckets[-1] += 1
    cumulative = []
    running = 0
    for count in buckets:
        running += count
        cumulative.append(running)
    return MetricsSnapshot(
        phones=phones,
        sessions=sessions,
        overdue=sessions["overdue"],
        failed_by_cause=dict(sorted(causes.items())),
        delivery_buckets=tuple(cumulative),
        delivery_sum=delivery_sum,
        api=api or ApiStats(),
        oldest_pending_age=oldest,
    )


class SnapshotCollector(Collector):
    """Yields the metric families of the last :meth:`update` (an empty snapshot before)."""

    def __init__(self) -> None:
        self.current = MetricsSnapshot()

    def update(self, current: MetricsSnapshot) -> None:
        """Swap in a new snapshot (one reference assignment: a scrape sees old or new, whole)."""
        self.current = current

    def collect(self) -> Iterator[Metric]:
        s = self.current
        phones = GaugeMetricFamily("usms_phones", "Phones of watched sessions by receipt status", labels=["status"])
        for status, count in s.phones.items():
            phones.add_metric([status], count)
        yield phones
        sessions = GaugeMetricFamily("usms_sessions", "Watched sessions by state", labels=["state"])
        for state, count in s.sessions.items():
            sessions.add_metric([state], count)
        yield sessions
        yield GaugeMetricFamily(
            "usms_sessions_overdue", "Sessions with no final receipt for some phone after the warning age", s.overdue
        )
        failed = GaugeMetricFamily("usms_failed_phones", "Failed phones by the cause of the failure", labels=["cause"])
        for cause, count in s.failed_by_cause.items():
            failed.add_metric([cause], count)
        yield failed
        bounds = [*(repr(float(b)) for b in DELIVERY_BUCKETS), "+Inf"]  # le="1.0", as Histogram writes it
        yield HistogramMetricFamily(
            "usms_delivery_seconds",
            "Seconds from send to delivery receipt, over the delivered phones of watched sessions",
            buckets=list(zip(bounds, s.delivery_buckets, strict=True)),
            sum_value=s.delivery_sum,
        )
        requests = CounterMetricFamily(
            "usms_api_requests", "GetUSMSSendReceipt requests by outcome", labels=["outcome"]
        )
        for outcome in OUTCOMES:
            requests.add_metric([outcome], s.api.requests.get(outcome, 0))
        yield requests
        retcode = GaugeMetricFamily(
            "usms_api_last_retcode", "RetCode of the last request (0 answered, -1 no RetCode: HTTP or network)"
        )
        if s.api.last_retcode is not None:
            retcode.add_metric([], s.api.last_retcode)
        yield retcode
        refreshed = GaugeMetricFamily(
            "usms_last_refresh_timestamp_seconds", "Unix time the last refresh that got every answer ended"
        )
        if s.api.last_refresh is not None:
            refreshed.add_metric([], s.api.last_refresh)
        yield refreshed
        yield GaugeMetricFamily(
            "usms_oldest_pending_age_seconds",
            "Age of the oldest watched session still waiting for a receipt (0 when none)",
            s.oldest_pending_age if math.isfinite(s.oldest_pending_age) else 0.0,
        )


def make_registry() -> tuple[CollectorRegistry, SnapshotCollector]:
    """A private registry holding only our collector (no process or platform metrics)."""
    registry = CollectorRegistry(auto_describe=True)
    collector = SnapshotCollector()
    registry.register(collector)
    return registry, collector


def exposition(registry: CollectorRegistry) -> bytes:
    """The Prometheus text format of ``registry``."""
    return generate_latest(registry)


def render(current: MetricsSnapshot) -> bytes:
    """The text format of one snapshot (``usms-tui metrics``)."""
    registry, collector = make_registry()
    collector.update(current)
    return exposition(registry)


__all__ = [
    "DELIVERY_BUCKETS",
    "MetricsSnapshot",
    "SnapshotCollector",
    "exposition",
    "make_registry",
    "render",
    "request_outcomes",
    "snapshot",
]
