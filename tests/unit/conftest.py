"""Fixtures shared by the simulator's protocol tests: one simulator on a manual clock, and an
``httpx.Client`` talking to it through its mock transport (no socket)."""

from __future__ import annotations

import httpx
import pytest

from usms_tui.simulator import ManualClock, Scenario, Simulator

NOW = 1_750_000_000.0


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=2, clock=ManualClock(NOW), scenario=Scenario(never_share=0.0))


@pytest.fixture
def http(sim):
    with httpx.Client(transport=sim.mock_transport(), base_url="http://sim.test") as client:
        yield client
