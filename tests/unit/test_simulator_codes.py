"""The simulator's failures are real rows of UCloud's table for the phone's carrier."""

from __future__ import annotations

import random

import pytest

from usms_tui.domain.answers import parse_receipt_data
from usms_tui.domain.carriers import Carrier, carrier_of
from usms_tui.domain.explain import explain
from usms_tui.domain.receipt_codes import Source, default_table
from usms_tui.domain.receipts import Receipt, Status
from usms_tui.simulator import ManualClock, Scenario, Simulator
from usms_tui.simulator.scenario import FAILURES_BY_CARRIER, draw_phone, failures_for

NOW = 1_796_025_600.0


@pytest.mark.parametrize("carrier", list(FAILURES_BY_CARRIER))
def test_each_simulated_failure_is_a_published_row_of_its_carrier(carrier):
    table_carrier = carrier or Carrier.ALL_NETWORKS
    for outcome in FAILURES_BY_CARRIER[carrier]:
        rows = [r for r in default_table().rows if (r.carrier_id, r.code) == (table_carrier, outcome.code)]
        assert [r.description for r in rows] == [outcome.desc], outcome


def test_drawn_phones_are_mainland_numbers_with_a_carrier_of_every_network():
    rng = random.Random(1)
    phones = [draw_phone(rng) for _ in range(400)]
    assert all(len(p) == 11 and p.isdigit() for p in phones)
    assert {carrier_of(p) for p in phones} == {
        Carrier.CHINA_MOBILE,
        Carrier.CHINA_UNICOM,
        Carrier.CHINA_TELECOM,
        Carrier.CHINA_BROADNET,
    }


def test_receipts_explain_with_their_own_carriers_rows():
    clock = ManualClock(NOW)
    sim = Simulator(seed=3, clock=clock, scenario=Scenario(success_share=0.0, fail_share=1.0, never_share=0.0))
    nos = sim.precreate(20, 5)
    clock.advance(5 * 3600)
    receipts = [r for rs in parse_receipt_data(sim.receipts(nos)).values() for r in rs]
    failed = [r for r in receipts if r.status is Status.FAILED and r.result != "SubmitFail"]
    assert len(failed) > 50
    for receipt in failed:
        assert receipt.code in {o.code for o in failures_for(receipt.phone)}
        explained = explain(receipt)
        assert explained.meaning == receipt.desc and not explained.guess, receipt
        expected = Source.ALL_NETWORKS if carrier_of(receipt.phone) is Carrier.CHINA_BROADNET else Source.CARRIER
        assert explained.source is expected
    # UNDELIV reads differently on China Mobile and China Unicom, as in the real table.
    by_carrier = {carrier_of(r.phone): r.desc for r in failed if r.code == "UNDELIV"}
    assert by_carrier.get(Carrier.CHINA_MOBILE, "用户欠费停机") == "用户欠费停机"
    assert by_carrier.get(Carrier.CHINA_UNICOM, "发送失败") == "发送失败"


def test_the_same_seed_tells_the_same_story():
    def story(seed):
        sim = Simulator(seed=seed, clock=ManualClock(NOW))
        nos = sim.precreate(8, 4)
        return [(r.phone, r.result, r.code, r.desc) for r in map(Receipt.from_api, _all(sim, nos))]

    assert story(5) == story(5) and story(5) != story(6)


def _all(sim, nos):
    return [item for entry in sim.store.data(nos, float("inf")) for item in entry["ReceiptSet"]]
