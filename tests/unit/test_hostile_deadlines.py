"""Every request and every refresh cycle has a total deadline (not only per-read timeouts).

A real loopback server that drips one byte at a time shows the request deadline (no read
ever times out, yet the request ends); MockTransport with an injected clock shows the
cycle's deadline stopping retries; a cycle stuck anywhere is abandoned, not waited for.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.hostile_servers import LoopbackServer, drip
from usms_tui.api.client import ReceiptClient, RetryPolicy, make_http_client
from usms_tui.domain.credentials import Credentials
from usms_tui.domain.failures import ErrorKind

CREDS = Credentials("pub-key-for-tests", "very-secret-private-key-0123456789")
#: Without a total deadline these tests would run as long as the server drips: forever.
#: This bound turns such a hang into a failure instead.
HANG = 20.0


class FakeTime:
    """Injected clock and sleep: sleeping moves the clock, never waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_a_server_dripping_one_byte_at_a_time_cannot_hold_a_request_open():
    with LoopbackServer(drip(every=0.05)) as server:
        async with make_http_client(0.3, base_url=server.url) as http:
            client = ReceiptClient(http, CREDS, base_url=server.url, retry=RetryPolicy(max_attempts=2, base_delay=0.01))
            started = time.monotonic()
            result = await asyncio.wait_for(client.fetch(["s-1"]), HANG)
            elapsed = time.monotonic() - started
    [error] = result.errors
    assert error.kind is ErrorKind.TRANSIENT and "no complete answer within 0.3s" in error.message
    assert error.attempts == 2 and not result.receipts
    assert elapsed < 4.0  # two attempts of 0.3 s and a 0.02 s backoff; without a deadline, HANG


async def test_the_cycle_deadline_stops_retries_on_the_injected_clock():
    fake = FakeTime()
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(fake.now)
        fake.now += 4.0  # each answer takes 4 s of (injected) time
        return httpx.Response(503)

    retry = RetryPolicy(max_attempts=50, base_delay=1.0, max_delay=1.0, max_total=10_000)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = ReceiptClient(
            http, CREDS, base_url="http://127.0.0.1:9", retry=retry, sleep=fake.sleep, clock=fake.clock, rng=lambda: 1.0
        )
        result = await client.fetch(["s-1"], budget=20.0)
    [error] = result.errors
    assert error.kind is ErrorKind.TRANSIENT and error.http_status == 503
    # Attempts at 0, 5, 10, 15 (4 s answer + 1 s backoff): the next would start at 20, the deadline.
    assert calls == [0.0, 5.0, 10.0, 15.0]


async def test_a_hanging_answer_is_abandoned_at_the_budget_and_unsent_batches_with_it():
    forever = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        await forever.wait()
        raise AssertionError("never answered")

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = ReceiptClient(http, CREDS, base_url="http://127.0.0.1:9", batch_size=1, concurrency=1)
        result = await asyncio.wait_for(client.fetch(["a", "b", "c"], budget=0.05), HANG)
    assert sorted(no for e in result.errors for no in e.session_nos) == ["a", "b", "c"]
    assert all(e.kind is ErrorKind.TRANSIENT and "0.05s deadline" in e.message for e in result.errors)


async def test_every_fetch_has_a_budget_sized_by_its_rounds():
    async with httpx.AsyncClient(timeout=5.0) as http:
        client = ReceiptClient(http, CREDS, concurrency=4)
        assert client.request_timeout == 5.0
        one, many = client.cycle_budget(1), client.cycle_budget(100_000)
    assert one == RetryPolicy().max_total + 5.0 + 2.0
    assert many == RetryPolicy().max_total + 5.0 + 2.0 * 250  # 1,000 batches, 4 at a time


async def test_a_cycle_stuck_outside_the_fetch_is_abandoned_too(tmp_path):
    from usms_tui.monitor.cycle import refresh_within
    from usms_tui.monitor.poller import Poller
    from usms_tui.store.watchlist import WatchedSession, Watchlist

    watchlist = Watchlist(tmp_path / "w.json")
    watchlist.add([WatchedSession("s-1")])

    class Stuck:
        async def fetch(self, session_nos, **_):
            await asyncio.Event().wait()  # a thread on a hung disk, a lock, anything

    poller = Poller(watchlist, None, Stuck())
    poller.load()
    report = await asyncio.wait_for(refresh_within(poller, force=True, limit=0.05), HANG)
    [error] = report.errors
    assert error.kind is ErrorKind.TRANSIENT and "abandoned" in error.message and error.session_nos == ("s-1",)


async def test_the_ui_abandons_a_stuck_cycle_and_schedules_the_next_without_a_key(tmp_path, monkeypatch):
    from tests.tui.conftest import make_test_app, settle
    from usms_tui.monitor import cycle

    app = make_test_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.controller.last_error is None and app.controller.next_at is not None
        real_refresh = app.poller.refresh

        async def stuck(**_):
            await asyncio.Event().wait()

        monkeypatch.setattr(app.poller, "refresh", stuck)
        monkeypatch.setattr(cycle, "cycle_limit", lambda poller, count: 0.05)
        app.refresh_now()
        await asyncio.wait_for(app.workers.wait_for_complete(), HANG)
        await pilot.pause()
        state = app.bar_state()
        assert not state.refreshing and "did not finish within 0.05s" in state.error
        assert app.controller.next_at is not None  # the next cycle is on the timer: no key press needed
        monkeypatch.setattr(app.poller, "refresh", real_refresh)
        app._timer_fired()  # what the timer does when it fires
        await settle(app, pilot)
        assert app.bar_state().error == "" and not app.bar_state().refreshing
