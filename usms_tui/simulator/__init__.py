"""A UCloud-compatible USMS gateway for demos, tests and benchmarks (no network, no account).

Deterministic for a seed, with an injectable clock and fault injection::

    from usms_tui.simulator import Simulator, SimulatorServer, ManualClock

    clock = ManualClock(1_750_000_000)
    sim = Simulator(seed=1, clock=clock)
    session_nos = sim.precreate(sessions=20, phones=3)
    with SimulatorServer(sim) as server:   # http://127.0.0.1:PORT
        ...                                # sign with sim.credentials; clock.advance(60)

``sim.handle(params)`` answers without a socket and ``sim.mock_transport()`` plugs it into
httpx. The default keys (``DEMO_PUBLIC_KEY``/``DEMO_PRIVATE_KEY``) are public demo values.
Never imports textual or rich.
"""

from usms_tui.simulator.clock import ManualClock
from usms_tui.simulator.engine import Simulator
from usms_tui.simulator.faults import Fault, FaultController, FaultRule, parse_fault_spec, parse_fault_specs
from usms_tui.simulator.protocol import Reply, SimulatedDrop, SimulatedTimeout
from usms_tui.simulator.scenario import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, Outcome, Scenario
from usms_tui.simulator.server import SimulatorServer

__all__ = [
    "DEMO_PRIVATE_KEY",
    "DEMO_PUBLIC_KEY",
    "Fault",
    "FaultController",
    "FaultRule",
    "ManualClock",
    "Outcome",
    "Reply",
    "Scenario",
    "SimulatedDrop",
    "SimulatedTimeout",
    "Simulator",
    "SimulatorServer",
    "parse_fault_spec",
    "parse_fault_specs",
]
