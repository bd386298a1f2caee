"""Simulator state: deterministic sessions, receipts that arrive as the injected clock moves."""

from __future__ import annotations

import pytest

from usms_tui.domain.answers import parse_receipt_data
from usms_tui.domain.receipts import Status, classify
from usms_tui.simulator import ManualClock, Scenario, Simulator

NOW = 1_750_000_000.0
RECEIPT_KEYS = {"Phone", "CostCount", "ReceiptResult", "ReceiptCode", "ReceiptDesc", "ReceiptTime", "UserId"}


def make(seed: int = 0, **kwargs) -> tuple[Simulator, ManualClock]:
    clock = ManualClock(NOW)
    return Simulator(seed=seed, clock=clock, **kwargs), clock


def test_manual_clock_is_callable_and_only_moves_when_told():
    clock = ManualClock(100.0)
    assert clock() == clock.now() == 100.0
    assert clock.advance(5) == 105.0
    clock.set(50.0)
    assert clock() == 50.0
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_same_seed_same_story_different_seed_different_story():
    a, _ = make(seed=7)
    b, _ = make(seed=7)
    c, _ = make(seed=8)
    nos_a = a.precreate(30, 4)
    assert nos_a == b.precreate(30, 4)
    assert nos_a != c.precreate(30, 4)
    assert a.receipts(nos_a) == b.receipts(nos_a)
    assert [s.arrivals for s in map(a.session, nos_a)] == [s.arrivals for s in map(b.session, nos_a)]
    # Sends after pre-creation are deterministic too (SessionNo, delays and outcomes).
    assert a.send(["13800000000", "13900000000"]) == b.send(["13800000000", "13900000000"])
    assert a.session(a.session_nos[-1]).arrivals == b.session(b.session_nos[-1]).arrivals


def test_receipts_have_the_documented_shape_and_arrive_with_the_clock():
    sim, clock = make(seed=3)
    session_no = sim.send(["13800000001", "13800000002", "13800000003"], user_id="order-42")
    [entry] = sim.receipts([session_no])
    assert entry == {"SessionNo": session_no, "ReceiptSet": []}  # nothing has arrived at t=0
    clock.advance(7 * 24 * 3600)  # long after every delay of the default scenario
    [entry] = sim.receipts([session_no])
    phones = {r["Phone"] for r in entry["ReceiptSet"]}
    assert phones <= {"13800000001", "13800000002", "13800000003"}
    for receipt in entry["ReceiptSet"]:
        assert set(receipt) == RECEIPT_KEYS
        assert isinstance(receipt["CostCount"], int) and receipt["CostCount"] >= 1
        assert isinstance(receipt["ReceiptTime"], int) and receipt["ReceiptTime"] >= NOW
        assert receipt["UserId"] == "order-42"


def test_a_receipt_appears_exactly_at_its_arrival_time():
    sim, clock = make(seed=5, scenario=Scenario(never_share=0.0))
    session_no = sim.send(["13800000001", "13800000002"])
    arrivals = sorted(t for t, _ in sim.session(session_no).arrivals)
    clock.set(arrivals[0] - 0.001)
    assert sim.receipts([session_no])[0]["ReceiptSet"] == []
    clock.set(arrivals[0])
    assert len(sim.receipts([session_no])[0]["ReceiptSet"]) == 1
    clock.set(arrivals[1])
    assert len(sim.receipts([session_no])[0]["ReceiptSet"]) == 2


def test_unknown_session_is_answered_with_an_empty_receipt_set():
    sim, _ = make()
    assert sim.receipts(["no-such-session"]) == [{"SessionNo": "no-such-session", "ReceiptSet": []}]


def test_returned_receipts_are_copies():
    sim, clock = make(scenario=Scenario(never_share=0.0))
    session_no = sim.send(["13800000001"])
    clock.advance(10**6)
    sim.receipts([session_no])[0]["ReceiptSet"][0]["Phone"] = "changed"
    assert sim.receipts([session_no])[0]["ReceiptSet"][0]["Phone"] == "13800000001"


def test_long_messages_cost_more():
    sim, clock = make(scenario=Scenario(never_share=0.0))
    short = sim.send(["13800000001"], params=["1234"])
    long = sim.send(["13800000001"], params=["x" * 150])
    clock.advance(10**6)
    cost = {e["SessionNo"]: e["ReceiptSet"][0]["CostCount"] for e in sim.receipts([short, long])}
    assert cost[short] == 1 and cost[long] in (2, 3)


def test_precreate_covers_every_status_and_overdue_sessions():
    sim, clock = make(seed=1)
    session_nos = sim.precreate(20, 3)
    assert len(session_nos) == len(set(session_nos)) == 20
    sessions = [sim.session(n) for n in session_nos]
    ages = [NOW - s.sent_at for s in sessions]
    assert min(ages) >= 0 and max(ages) <= 48 * 3600
    assert any(a > 12 * 3600 for a in ages) and any(a < 300 for a in ages)
    parsed = parse_receipt_data(sim.receipts(session_nos))
    statuses = {r.status for receipts in parsed.values() for r in receipts}
    assert {Status.DELIVERED, Status.FAILED, Status.UNKNOWN} <= statuses
    assert "SubmitFail" in {r.result for receipts in parsed.values() for r in receipts}
    # Sent more than 12 hours ago and a phone still without a receipt, even much later.
    clock.advance(30 * 24 * 3600)
    late = sim.receipts(session_nos)
    overdue = [
        s
        for s, entry in zip(sessions, late, strict=False)
        if NOW - s.sent_at > 12 * 3600 and len(entry["ReceiptSet"]) < len(s.phones)
    ]
    assert overdue
    # Some phones are still pending right now (receipts on their way).
    now_data = parse_receipt_data(sim.receipts(session_nos))
    assert sum(len(r) for r in now_data.values()) < 20 * 3


def test_precreate_with_fewer_sessions_than_guaranteed_cases_and_zero():
    sim, _ = make()
    assert len(sim.precreate(2, 1)) == 2
    assert sim.precreate(0, 5) == []
    with pytest.raises(ValueError):
        sim.precreate(1, 0)


def test_default_outcome_mix_is_mostly_success():
    sim, clock = make(seed=11)
    session_nos = sim.precreate(400, 5)
    clock.advance(10**7)
    results = [classify(r["ReceiptResult"]) for e in sim.receipts(session_nos) for r in e["ReceiptSet"]]
    share = results.count(Status.DELIVERED) / len(results)
    assert 0.75 < share < 0.95
    assert results.count(Status.FAILED) > 0 and results.count(Status.UNKNOWN) > 0
    assert len(results) < 400 * 5  # a few never arrive


def test_repr_never_shows_the_private_key():
    sim = Simulator(private_key="super-secret-value")
    assert "super-secret-value" not in repr(sim)
    assert "super-secret-value" not in str(sim.credentials)
