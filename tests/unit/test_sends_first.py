"""Sends before reads: a batch's answer is read once the request that took its freed slot is
on the wire, not while that request waits behind the reading."""

from __future__ import annotations

import asyncio

import httpx

from usms_tui.api.client import ReceiptClient
from usms_tui.api.sends_first import SendsFirst
from usms_tui.simulator import ManualClock, Simulator, SimulatorServer

NOW = 1_750_000_000.0


class TracingTransport(httpx.AsyncBaseTransport):
    """The simulator's mock transport, telling the ``trace`` extension that the body is sent
    as httpcore does, and logging what happens in which order."""

    def __init__(self, sim: Simulator, log: list[str]) -> None:
        self.inner = sim.mock_transport()
        self.log = log
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        number = self.requests
        self.log.append(f"sent {number}")
        trace = request.extensions.get("trace")
        if trace is not None:
            await trace("http11.send_request_body.complete", {})
        # The round trip: the loop is free while the answer is on its way.
        for _ in range(20):
            await asyncio.sleep(0)
        self.log.append(f"answered {number}")
        return await self.inner.handle_async_request(request)


def traced(sessions: int) -> tuple[Simulator, list[str], list[str], TracingTransport]:
    """A simulator with ``sessions`` sessions of 2 phones sent an hour ago, and a transport
    logging into the list returned what is sent, answered and read, in order."""
    clock = ManualClock(NOW)
    sim = Simulator(seed=3, clock=clock)
    created = sim.precreate(sessions, 2)
    clock.advance(3600)
    log: list[str] = []
    return sim, created, log, TracingTransport(sim, log)


async def test_an_answer_is_read_after_the_next_request_is_sent_and_before_its_answer():
    sim, created, log, transport = traced(300)
    async with httpx.AsyncClient(transport=transport) as http:
        client = ReceiptClient(http, sim.credentials, base_url="http://127.0.0.1:9", concurrency=1)

        async def on_batch(found: dict[str, list[object]]) -> None:
            log.append(f"read {len(log)}")

        result = await client.fetch(created, on_batch=on_batch)
    assert not result.errors and len(result.receipts) == 300
    reads = [entry.split()[0] for entry in log]
    # One slot: each answer is read only once the next request is out, and while it is out.
    assert reads == ["sent", "answered", "sent", "read", "answered", "sent", "read", "answered", "read"]


async def test_a_transport_that_traces_nothing_still_reads_every_answer():
    clock = ManualClock(NOW)
    sim = Simulator(seed=3, clock=clock)
    created = sim.precreate(250, 2)
    landed: list[int] = []
    async with httpx.AsyncClient(transport=sim.mock_transport()) as http:
        client = ReceiptClient(http, sim.credentials, base_url="http://127.0.0.1:9", concurrency=2)

        async def on_batch(found: dict[str, list[object]]) -> None:
            landed.append(len(found))

        result = await client.fetch(created, on_batch=on_batch)
    assert sorted(landed) == [50, 100, 100] and not result.errors


async def test_quiet_waits_for_every_request_on_its_way_and_no_longer():
    order = SendsFirst()
    await order.quiet()  # nothing sending: at once
    first, second = order.sending(), order.sending()
    waiting = asyncio.ensure_future(order.quiet())
    await asyncio.sleep(0)
    first.done()
    first.done()  # twice is once
    await asyncio.sleep(0)
    assert not waiting.done()
    second.done()
    await waiting


def test_httpcore_says_when_a_body_is_sent_under_the_name_waited_for():
    sim = Simulator(seed=3)
    events: list[str] = []

    async def trace(event: str, info: dict[str, object]) -> None:
        events.append(event)

    async def one(base_url: str) -> None:
        async with httpx.AsyncClient() as http:
            await http.post(base_url, content=b"Action=Nothing", extensions={"trace": trace})

    with SimulatorServer(sim) as server:
        asyncio.run(one(server.base_url))
    assert "http11.send_request_body.complete" in events
    assert events.index("http11.send_request_body.complete") < events.index("http11.receive_response_headers.started")


async def test_on_sent_is_told_once_when_the_first_requests_are_out_and_before_any_answer_is_read():
    sim, created, log, transport = traced(900)
    async with httpx.AsyncClient(transport=transport) as http:
        client = ReceiptClient(http, sim.credentials, base_url="http://127.0.0.1:9", concurrency=4)

        async def on_batch(found: dict[str, list[object]]) -> None:
            log.append("read")

        result = await client.fetch(created, on_batch=on_batch, on_sent=lambda: log.append("told"))
    assert not result.errors and len(result.receipts) == 900
    assert log.count("told") == 1
    told = log.index("told")
    # After the four slots' requests went out, before any answer came back or was read.
    assert log[:told] == ["sent 1", "sent 2", "sent 3", "sent 4"]
    assert log.index("read") > told and log.index("answered 1") > told


async def test_on_sent_is_told_even_when_every_batch_fails_and_not_when_there_is_nothing_to_fetch():
    sim = Simulator(seed=3)

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"RetCode": 171, "Message": "bad signature"})

    told: list[str] = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        client = ReceiptClient(http, sim.credentials, base_url="http://127.0.0.1:9")
        result = await client.fetch(["a", "b"], on_sent=lambda: told.append("told"))
        assert result.errors and told == ["told"]
        await client.fetch([], on_sent=lambda: told.append("again"))
    assert told == ["told"]
