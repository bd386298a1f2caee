"""How long delivered messages took: p50, p95 and max per session and overall. Pure.

A delivered phone's delivery time is its ``ReceiptTime`` minus the moment the session's
age counts from (sent time when known, else the time it was added), in whole seconds
(rounded down); a receipt stamped before that moment counts as 0. Percentiles are
nearest-rank (the smallest value with at least p% of the values at or below it), so every
figure is a time some phone really took. Times are kept as a histogram of seconds, which
merges across sessions without keeping a list of a million phones.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from usms_tui.domain.receipts import Receipt, Status
from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.timefmt import format_duration


@dataclass(frozen=True, slots=True)
class DeliveryStats:
    """Delivery-time figures in whole seconds; all None when nothing was delivered."""

    count: int = 0
    p50: int | None = None
    p95: int | None = None
    max: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"p50": ..., "p95": ..., "max": ...}`` for ``check --json``."""
        return {"p50": self.p50, "p95": self.p95, "max": self.max}

    def describe(self) -> str:
        """``p50 4s · p95 2m · max 1h05m`` for a status or detail line; ``-`` when none."""
        if self.p50 is None:
            return "-"
        return f"p50 {format_duration(self.p50)} · p95 {format_duration(self.p95)} · max {format_duration(self.max)}"


NO_DELIVERIES = DeliveryStats()


def delivery_seconds(receipt: Receipt, started_at: float) -> int | None:
    """Whole seconds from ``started_at`` to a delivered receipt; None when not delivered or
    the receipt has no time."""
    if receipt.status is not Status.DELIVERED or receipt.receipt_time is None:
        return None
    return max(0, math.floor(receipt.receipt_time - started_at))


def delays(summary: SessionSummary) -> Sequence[int]:
    """Each delivered phone's delivery time in seconds, ascending (as :func:`delivery_seconds`
    counts them; from the summary's delivered times, so a summary whose phones are still in
    the store is not made to read them; kept with the summary, see its ``delivery_seconds``)."""
    return summary.delivery_seconds


def histogram(summary: SessionSummary) -> Counter[int]:
    """Delivered phones of one session by delivery time in seconds (see :func:`delays`)."""
    return Counter(delays(summary))


def add_delays(total: Counter[int], summary: SessionSummary) -> None:
    """Count one session's delivery times into ``total``: counted straight from the times
    (Counter.update of a plain iterable is a C loop; of another Counter, a Python one)."""
    total.update(summary.delivery_seconds)


def nearest_rank(counts: Counter[int], *percents: float) -> list[int | None]:
    """The nearest-rank percentiles of the values counted in ``counts`` (None when empty):
    for p%, the value at rank ceil(p/100 x n) in ascending order (rank 1 at least)."""
    total = sum(counts.values())
    if total == 0:
        return [None] * len(percents)
    ranks = [max(1, math.ceil(percent * total / 100)) for percent in percents]  # exact for whole percents
    found: list[int | None] = [None] * len(percents)
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        for index, rank in enumerate(ranks):
            if found[index] is None and seen >= rank:
                found[index] = value
    return found


def stats(counts: Counter[int]) -> DeliveryStats:
    """p50, p95 and max of a histogram of delivery times."""
    if not counts:
        return NO_DELIVERIES
    p50, p95 = nearest_rank(counts, 50, 95)
    return DeliveryStats(sum(counts.values()), p50, p95, max(counts))


def stats_of_sorted(seconds: Sequence[int]) -> DeliveryStats:
    """:func:`stats` of delivery times already in ascending order (one session's: a sort of
    a few numbers costs less than a histogram of them)."""
    total = len(seconds)
    if not total:
        return NO_DELIVERIES
    p50, p95 = (seconds[max(1, math.ceil(percent * total / 100)) - 1] for percent in (50, 95))
    return DeliveryStats(total, p50, p95, seconds[-1])


def stats_of(seconds: Iterable[int]) -> DeliveryStats:
    """p50, p95 and max of plain delivery times (for callers holding a list)."""
    return stats(Counter(seconds))


def session_stats(summary: SessionSummary) -> DeliveryStats:
    """One session's delivery figures (a sort of its few times, not a histogram of them:
    the main table asks this of every session on each refresh)."""
    return stats_of_sorted(summary.delivery_seconds)


def median_delay(summary: SessionSummary) -> int | None:
    """``session_stats(summary).p50`` without the rest (the main table's column, asked of
    every session at each refresh)."""
    seconds = summary.delivery_seconds
    return seconds[max(1, math.ceil(50 * len(seconds) / 100)) - 1] if seconds else None


def overall_stats(summaries: Iterable[SessionSummary]) -> DeliveryStats:
    """Delivery figures over every delivered phone of ``summaries`` (not an average of
    per-session figures)."""
    total: Counter[int] = Counter()
    for summary in summaries:
        add_delays(total, summary)
    return stats(total)
