"""How long one request and one refresh cycle may take, in total.

httpx's timeouts bound each read, connect and write, not the whole: a server that sends one
byte every few seconds never trips a 5 s read timeout and keeps a request open for as long
as it likes. So every request also runs under a total deadline (the configured timeout,
from the first byte sent to the last byte read), and every cycle under one sized by how
many rounds of requests it needs; what has not answered by then is abandoned as transient
and asked again next cycle.
"""

from __future__ import annotations

import math

import httpx

#: Without a configured timeout (an injected client with none), one request gets this long.
DEFAULT_REQUEST_SECONDS = 30.0
#: Each round of concurrent requests adds this much to a cycle's budget: a healthy API
#: answers a batch in well under a second, so a budget this size is only reached by a stuck one.
SECONDS_PER_ROUND = 2.0


def request_seconds(http: httpx.AsyncClient, given: float | None = None) -> float:
    """The total deadline of one request: ``given``, else the client's own read timeout."""
    if given is not None and given > 0:
        return float(given)
    configured = [t for t in (http.timeout.read, http.timeout.connect) if t]
    return float(max(configured)) if configured else DEFAULT_REQUEST_SECONDS


def cycle_seconds(batches: int, concurrency: int, retry_total: float, request: float) -> float:
    """A cycle's budget: the retries of the slowest batch (``retry_total`` plus one last
    request) and a little per round of ``concurrency`` batches."""
    rounds = math.ceil(max(0, batches) / max(1, concurrency))
    return retry_total + request + SECONDS_PER_ROUND * rounds
