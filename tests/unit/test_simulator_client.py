"""The project's own ReceiptClient against the simulator: the SDK's conversation, and how it
classifies every fault kind the simulator can inject (no socket, no real sleeping)."""

from __future__ import annotations

import httpx
import pytest

from usms_tui.api.client import ReceiptClient, RetryPolicy
from usms_tui.api.errors import FatalError
from usms_tui.domain.credentials import Credentials
from usms_tui.domain.failures import ErrorKind
from usms_tui.domain.receipts import Status
from usms_tui.simulator import Fault, ManualClock, Scenario, Simulator

NOW = 1_750_000_000.0
PHONES = ["13800000001", "13800000002", "13800000003"]


class Harness:
    """A simulator, a client over its mock transport, and records of every injected sleep."""

    def __init__(self, credentials: Credentials | None = None) -> None:
        self.sim = Simulator(seed=5, clock=ManualClock(NOW), scenario=Scenario(never_share=0.0, fast_share=1.0))
        self.backoffs: list[float] = []
        self.latencies: list[float] = []

        async def backoff(seconds: float) -> None:
            self.backoffs.append(seconds)

        async def latency(seconds: float) -> None:
            self.latencies.append(seconds)

        self.http = httpx.AsyncClient(transport=self.sim.mock_transport(sleep=latency))
        self.client = ReceiptClient(
            self.http,
            credentials or self.sim.credentials,
            base_url="http://127.0.0.1:9",
            region="cn-bj2",
            retry=RetryPolicy(max_attempts=3),
            sleep=backoff,
            clock=lambda: 0.0,
            rng=lambda: 0.5,
        )

    def sessions(self, count: int = 4) -> list[str]:
        nos = [self.sim.send(PHONES, template_id="UTA1") for _ in range(count)]
        self.sim.clock.advance(3600)
        return nos


@pytest.fixture
async def harness():
    h = Harness()
    yield h
    await h.http.aclose()


async def test_send_then_fetch_like_the_sdk_conversation(harness):
    session_no = await harness.client.send_message(PHONES, "UTA1", sig_content="UCloud", user_id="o-1")
    first = await harness.client.fetch([session_no])
    assert first.ok and first.receipts == {session_no: []}  # pending, not an error
    harness.sim.clock.advance(24 * 3600)
    later = await harness.client.fetch([session_no])
    receipts = later.receipts[session_no]
    assert sorted(r.phone for r in receipts) == PHONES
    assert all(r.status is not Status.PENDING and r.user_id == "o-1" and r.receipt_time for r in receipts)


async def test_wrong_key_is_fatal_171_and_not_retried():
    h = Harness(Credentials(Simulator().public_key, "wrong"))
    result = await h.client.fetch([f"s{i}" for i in range(250)])
    await h.http.aclose()
    assert result.fatal is not None and result.fatal.ret_code == 171
    assert {e.kind for e in result.errors} == {ErrorKind.FATAL}
    assert h.sim.requests <= h.client.concurrency  # never hammered with a bad key
    stranger = Harness(Credentials("nobody", "x"))
    with pytest.raises(FatalError) as raised:
        await stranger.client.call("GetUSMSSendReceipt", {"SessionNoSet": ["s1"]})
    await stranger.http.aclose()
    assert raised.value.error.ret_code == 172


async def test_101_session_nos_are_split_into_batches_the_simulator_accepts(harness):
    result = await harness.client.fetch([f"s{i}" for i in range(101)])
    assert result.ok and len(result.receipts) == 101 and result.requests == 2


ERROR_FAULTS = {
    "timeout": ErrorKind.TRANSIENT,
    "drop": ErrorKind.TRANSIENT,
    "http500": ErrorKind.TRANSIENT,
    "http502": ErrorKind.TRANSIENT,
    "http503": ErrorKind.TRANSIENT,
    "http429": ErrorKind.TRANSIENT,
    "ret150": ErrorKind.TRANSIENT,
    "ret153": ErrorKind.THROTTLED,
    "ret171": ErrorKind.FATAL,
    "ret172": ErrorKind.FATAL,
    "ret230": ErrorKind.OTHER,
    "malformed": ErrorKind.OTHER,
}


@pytest.mark.parametrize("kind, expected", ERROR_FAULTS.items(), ids=list(ERROR_FAULTS))
async def test_error_faults_are_classified(harness, kind, expected):
    nos = harness.sessions()
    harness.sim.add_fault(kind)
    result = await harness.client.fetch(nos)
    [error] = result.errors
    assert error.kind is expected
    assert result.receipts == {}
    retried = expected in (ErrorKind.TRANSIENT, ErrorKind.THROTTLED)
    assert error.attempts == (3 if retried else 1)
    assert len(harness.backoffs) == (2 if retried else 0)  # backoff went to the injected sleep
    if kind.startswith("ret"):
        assert error.ret_code == int(kind[3:]) and error.request_id
    if kind.startswith("http"):
        assert error.http_status == int(kind[4:]) and error.request_id


@pytest.mark.parametrize("kind", ["timeout", "drop", "http503", "ret150", "ret153"])
async def test_one_transient_fault_is_retried_away(harness, kind):
    nos = harness.sessions()
    harness.sim.add_fault(kind, count=1)
    result = await harness.client.fetch(nos)
    assert result.ok and result.requests == 2 and len(harness.backoffs) == 1
    assert all(len(result.receipts[n]) == 3 for n in nos)


async def test_latency_is_only_slower(harness):
    nos = harness.sessions()
    harness.sim.add_fault(Fault.LATENCY, seconds=1.5)
    result = await harness.client.fetch(nos)
    assert result.ok and harness.latencies == [1.5] and harness.backoffs == []


async def test_shape_faults_are_tolerated(harness):
    nos = harness.sessions()
    for kind in ("retcode-string", "extra-fields", "time-string"):
        harness.sim.clear_faults()
        harness.sim.add_fault(kind)
        result = await harness.client.fetch(nos)
        assert result.ok, kind
        receipts = [r for n in nos for r in result.receipts[n]]
        assert len(receipts) == 12 and all(r.receipt_time and r.receipt_time >= NOW for r in receipts), kind

    harness.sim.clear_faults()
    harness.sim.add_fault("unlisted-result")
    result = await harness.client.fetch(nos)
    assert {(r.status, r.result) for n in nos for r in result.receipts[n]} == {(Status.FAILED, "SubmitFail")}

    harness.sim.clear_faults()
    harness.sim.add_fault("no-data")
    result = await harness.client.fetch(nos)
    assert result.ok and result.receipts == {n: [] for n in nos}  # missing Data = all pending

    harness.sim.clear_faults()
    harness.sim.add_fault("partial")
    result = await harness.client.fetch(nos)
    assert result.ok and set(result.receipts) == set(nos)
    assert [len(result.receipts[n]) for n in nos] == [3, 0, 3, 0]  # omitted sessions are pending
