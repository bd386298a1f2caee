"""Every fault kind produces what it says, deterministically, through httpx and over a socket."""

from __future__ import annotations

import json

import httpx
import pytest

from usms_tui.api.signing import sign
from usms_tui.simulator import Fault, ManualClock, Scenario, Simulator, SimulatorServer, parse_fault_spec

NOW = 1_750_000_000.0


def make_sim(seed: int = 4) -> tuple[Simulator, list[str]]:
    sim = Simulator(seed=seed, clock=ManualClock(NOW), scenario=Scenario(never_share=0.0, fast_share=1.0))
    session_nos = [sim.send([f"1380000000{i}", f"1390000000{i}"]) for i in range(4)]
    sim.clock.advance(3600)  # every receipt has arrived
    return sim, session_nos


def query(sim: Simulator, session_nos, transport=None) -> httpx.Response:
    form = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": list(session_nos)}, sim.credentials)
    with httpx.Client(transport=transport or sim.mock_transport(), base_url="http://sim.test") as client:
        return client.post("/", data=form)


def with_fault(kind: str, **kwargs) -> tuple[Simulator, list[str]]:
    sim, session_nos = make_sim()
    sim.add_fault(kind, **kwargs)
    return sim, session_nos


@pytest.mark.parametrize("kind, status", [("http500", 500), ("http502", 502), ("http503", 503), ("http429", 429)])
def test_http_status_faults(kind, status):
    sim, nos = with_fault(kind)
    response = query(sim, nos)
    assert response.status_code == status and "X-UCLOUD-REQUEST-UUID" in response.headers
    assert (response.headers.get("Retry-After") == "1") == (status == 429)


@pytest.mark.parametrize(
    "kind, code", [("ret150", 150), ("ret153", 153), ("ret171", 171), ("ret172", 172), ("ret230", 230)]
)
def test_ret_code_faults(kind, code):
    sim, nos = with_fault(kind)
    body = query(sim, nos).json()
    assert body["RetCode"] == code and body["Action"] == "GetUSMSSendReceiptResponse" and body["Message"]
    assert "Data" not in body


def test_timeout_and_drop_raise_the_httpx_errors_a_network_would():
    sim, nos = with_fault("timeout")
    with pytest.raises(httpx.ReadTimeout):
        query(sim, nos)
    sim, nos = with_fault("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        query(sim, nos)


def test_malformed_body_is_not_json():
    sim, nos = with_fault("malformed")
    response = query(sim, nos)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_retcode_as_string_on_success_and_on_errors():
    sim, nos = with_fault("retcode-string")
    assert query(sim, nos).json()["RetCode"] == "0"
    sim.add_fault("ret171")
    assert query(sim, nos).json()["RetCode"] == "171"


def test_no_data_partial_extra_fields_unlisted_result_time_string():
    sim, nos = with_fault("no-data")
    body = query(sim, nos).json()
    assert body["RetCode"] == 0 and "Data" not in body

    sim, nos = with_fault("partial")
    data = query(sim, nos).json()["Data"]
    assert [e["SessionNo"] for e in data] == nos[::2]
    assert query(sim, nos[:1]).json()["Data"] == []  # a single asked session goes missing

    sim, nos = with_fault("extra-fields")
    body = query(sim, nos).json()
    assert {"TotalCount", "RequestMeta"} <= set(body)
    assert "SessionStatus" in body["Data"][0] and "Operator" in body["Data"][0]["ReceiptSet"][0]

    sim, nos = with_fault("unlisted-result")
    results = {r["ReceiptResult"] for e in query(sim, nos).json()["Data"] for r in e["ReceiptSet"]}
    assert results == {"SubmitFail"}

    sim, nos = with_fault("time-string")
    times = [r["ReceiptTime"] for e in query(sim, nos).json()["Data"] for r in e["ReceiptSet"]]
    assert times and all(isinstance(t, str) and t.isdigit() for t in times)


def test_latency_goes_to_the_injected_sleep():
    sim, nos = with_fault("latency", seconds=0.25)
    slept: list[float] = []
    assert query(sim, nos, transport=sim.mock_transport(sleep=slept.append)).status_code == 200
    assert slept == [0.25]
    sim.clear_faults()
    assert query(sim, nos, transport=sim.mock_transport(sleep=slept.append)).status_code == 200
    assert slept == [0.25]


async def test_latency_with_an_async_sleep_and_async_client():
    sim, nos = with_fault("latency")
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    form = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": nos}, sim.credentials)
    async with httpx.AsyncClient(transport=sim.mock_transport(sleep=fake_sleep), base_url="http://sim.test") as client:
        assert (await client.post("/", data=form)).json()["RetCode"] == 0
    assert slept == [0.5]


def test_rate_and_count_are_deterministic_per_request_sequence():
    def pattern(seed: int) -> list[int]:
        sim, nos = make_sim(seed)
        sim.add_fault("http503", rate=0.5)
        transport = sim.mock_transport()
        return [query(sim, nos[:1], transport).status_code for _ in range(40)]

    first = pattern(1)
    assert first == pattern(1)
    assert 5 < first.count(503) < 35
    assert first != pattern(2)
    sim, nos = with_fault("http502", count=2)
    assert [query(sim, nos).status_code for _ in range(4)] == [502, 502, 200, 200]
    assert sim.faults.fired[Fault.HTTP502] == 2


def test_fault_spec_parsing():
    assert parse_fault_spec("http503") == (Fault.HTTP503, 1.0)
    assert parse_fault_spec("Timeout:0.05") == (Fault.TIMEOUT, 0.05)
    for bad in ("nonsense", "drop:2", "drop:x"):
        with pytest.raises(ValueError):
            parse_fault_spec(bad)
    with pytest.raises(ValueError):
        Simulator().add_fault("drop", rate=1.5)


def test_over_a_socket_drop_closes_timeout_holds_latency_waits():
    sim, nos = make_sim()
    slept: list[float] = []
    form = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": nos}, sim.credentials)
    with SimulatorServer(sim, sleep=slept.append) as server:
        base_url = server.base_url
        with httpx.Client(base_url=server.base_url, timeout=0.3) as client:
            sim.add_fault("drop", count=1)
            with pytest.raises(httpx.RemoteProtocolError):
                client.post("/", data=form)
            sim.add_fault("timeout", count=1)
            with pytest.raises(httpx.ReadTimeout):
                client.post("/", data=form)
            sim.add_fault("latency", count=1, seconds=2.0)
            assert client.post("/", data=form).json()["RetCode"] == 0
            assert slept == [2.0]
            assert client.post("/", data=form).json()["RetCode"] == 0
    # stop() released the held request; the server is gone.
    with pytest.raises(httpx.ConnectError):
        httpx.post(base_url, data=form, timeout=2)
