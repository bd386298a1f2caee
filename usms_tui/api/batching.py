"""How a fetch is split and retried, and what it returns: pure pieces of the receipt client."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt

MAX_BATCH = 100  # the documented cap of SessionNoSet per call


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded in attempts and in total time.

    Attempt *n* (0-based) waits ``uniform(0, min(max_delay, base * 2**n))``; throttling waits
    from a larger base. A retry that would end past ``max_total`` seconds is not made.
    """

    max_attempts: int = 4
    base_delay: float = 0.25
    throttled_base_delay: float = 2.0
    max_delay: float = 10.0
    max_total: float = 45.0

    def delay(self, kind: ErrorKind, attempt: int, rng: Callable[[], float], retry_after: float | None = None) -> float:
        """Seconds to wait before retry ``attempt`` (0-based); at least what the server asked."""
        base = self.throttled_base_delay if kind is ErrorKind.THROTTLED else self.base_delay
        jittered = rng() * min(self.max_delay, base * (2.0**attempt))
        return jittered if retry_after is None else max(jittered, retry_after)


def http_date(value: str | None) -> float | None:
    """An HTTP date (``Wed, 21 Oct 2015 07:28:00 GMT``) as Unix seconds, or None."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT by definition
        return None
    return when.timestamp()


def parse_retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now``: delay-seconds or an HTTP date; None when absent or junk.

    A date in the past means "now" (0); the retry budget, not this value, bounds the wait.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        seconds = float(text)  # not in the RFC, but some gateways send "1.5"
    except ValueError:
        when = http_date(text)
        return None if when is None else max(0.0, when - now)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


@dataclass
class FetchResult:
    """Receipts of every batch that succeeded, and one error per batch that did not.

    ``receipts`` has an entry (maybe empty: pending) for every SessionNo of every successful
    batch; SessionNos of failed or skipped batches are only in ``errors``.
    """

    receipts: dict[str, list[Receipt]] = field(default_factory=dict)
    errors: list[BatchError] = field(default_factory=list)
    requests: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def fatal(self) -> BatchError | None:
        return next((e for e in self.errors if e.kind is ErrorKind.FATAL), None)


def batched(items: Sequence[str], size: int) -> list[list[str]]:
    """Split into chunks of at most ``size`` (never more than the API's cap of 100)."""
    size = max(1, min(MAX_BATCH, size))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def unique(items: Iterable[str]) -> list[str]:
    """Drop repeats, keep first-seen order: asking twice for a session costs quota for nothing."""
    return list(dict.fromkeys(items))


def by_project(session_nos: Iterable[str], project_of: Callable[[str], str | None]) -> dict[str | None, list[str]]:
    """Group SessionNos by the project each was sent under, in first-seen order; ``None`` is
    the configured project. One request names one ``ProjectId``, and the API answers a
    session only under its own, so a batch must never mix projects."""
    groups: dict[str | None, list[str]] = {}
    for session_no in session_nos:
        groups.setdefault(project_of(session_no), []).append(session_no)
    return groups


def merge_results(results: Iterable[FetchResult]) -> FetchResult:
    """One :class:`FetchResult` of several fetches (one per project)."""
    merged = FetchResult()
    for result in results:
        merged.receipts.update(result.receipts)
        merged.errors.extend(result.errors)
        merged.requests += result.requests
    return merged
