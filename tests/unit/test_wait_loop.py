"""The ``wait`` loop with the simulator in-process: a manual clock, sleeps that only move it."""

from __future__ import annotations

import httpx

from usms_tui.api.client import ReceiptClient
from usms_tui.cli.wait import wait_until_settled
from usms_tui.domain.errors import EXIT_FATAL_API, EXIT_OK, EXIT_SOME_FAILED, EXIT_TIMED_OUT
from usms_tui.monitor.controller import RefreshController
from usms_tui.monitor.poller import Poller
from usms_tui.simulator import ManualClock, Scenario, Simulator
from usms_tui.store.watchlist import WatchedSession, Watchlist

DELIVERED = Scenario(never_share=0.0, fast_share=1.0, fast_delay=(5.0, 100.0), success_share=1.0, fail_share=0.0)
NEVER = Scenario(never_share=1.0)


async def run_wait(tmp_path, scenario, *, timeout=600.0, interval=30.0, fault=None, phones=2, first_only=False):
    clock = ManualClock(1_750_000_000.0)
    sim = Simulator(seed=5, clock=clock, scenario=scenario)
    nos = [sim.send([f"1380000000{i}{j}" for j in range(phones)]) for i in range(3)]
    if fault:
        sim.add_fault(fault)
    watchlist = Watchlist(tmp_path / "w.json", clock=clock)
    watchlist.add([WatchedSession(n) for n in nos])
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    async with httpx.AsyncClient(transport=sim.mock_transport()) as http:
        client = ReceiptClient(http, sim.credentials, sleep=sleep, rng=lambda: 0.5)
        poller = Poller(watchlist, None, client, interval=interval, clock=clock)
        controller = RefreshController(poller, clock=clock)
        only = nos[:1] if first_only else None
        outcome = await wait_until_settled(controller, only=only, timeout=timeout, clock=clock, sleep=sleep)
    return outcome, slept, sim


async def test_polls_until_every_session_is_delivered(tmp_path):
    outcome, slept, _ = await run_wait(tmp_path, DELIVERED)
    assert outcome.exit_code == EXIT_OK and not outcome.timed_out
    assert 2 <= outcome.cycles <= 5  # receipts land within 100 s; polls every 30 s
    assert set(slept) == {30.0}


async def test_times_out_with_pending_and_never_sleeps_past_the_deadline(tmp_path):
    outcome, slept, _ = await run_wait(tmp_path, NEVER, timeout=100.0)
    assert outcome.exit_code == EXIT_TIMED_OUT and outcome.timed_out
    assert slept == [30.0, 30.0, 30.0, 10.0]
    assert outcome.cycles == 5


async def test_sessions_not_waited_for_do_not_shorten_the_pause(tmp_path):
    # The other two sessions are never fetched (so always "due"): the controller's next delay
    # looks only at the session waited for, or wait would poll every second.
    outcome, slept, sim = await run_wait(tmp_path, NEVER, timeout=100.0, first_only=True)
    assert outcome.exit_code == EXIT_TIMED_OUT and outcome.names == [outcome.names[0]]
    assert slept == [30.0, 30.0, 30.0, 10.0] and sim.requests == 5


async def test_failed_phones_exit_1(tmp_path):
    scenario = Scenario(never_share=0.0, fast_share=1.0, success_share=0.0, fail_share=1.0)
    outcome, _, _ = await run_wait(tmp_path, scenario)
    assert outcome.exit_code == EXIT_SOME_FAILED


async def test_fatal_stops_at_once(tmp_path):
    outcome, _, sim = await run_wait(tmp_path, DELIVERED, fault="ret171")
    assert outcome.exit_code == EXIT_FATAL_API and outcome.cycles == 1
    assert sim.requests == 1  # a bad key is never hammered


async def test_a_poll_hanging_past_the_deadline_is_cut_off(tmp_path):
    # The client retries a hanging API for up to ~45 s (HTTP timeouts on top): 'wait --timeout
    # 5s' ran that long. Now the poll in flight at the deadline is cancelled and reported.
    import asyncio

    class Hanging:
        async def fetch(self, session_nos):
            await asyncio.Event().wait()

    watchlist = Watchlist(tmp_path / "w.json")
    watchlist.add([WatchedSession("s-1"), WatchedSession("s-2")])
    poller = Poller(watchlist, None, Hanging())
    outcome = await wait_until_settled(RefreshController(poller), only=None, timeout=0.0, min_poll=0.01)
    assert outcome.exit_code == EXIT_TIMED_OUT and outcome.timed_out and outcome.cycles == 1
    [error] = outcome.errors
    assert "deadline" in error.message and error.session_nos == ("s-1", "s-2")
    assert error.describe(retrying=False).endswith("deadline passed: gave up; try again later")
