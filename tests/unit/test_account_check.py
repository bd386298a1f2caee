"""``check_account``: the one function the UI and ``doctor`` call to see whether the account gets through."""

from __future__ import annotations

import httpx
import pytest

from usms_tui.api.client import ReceiptClient
from usms_tui.domain.credentials import Credentials
from usms_tui.monitor.doctor import DUMMY_SESSION_NO, check_account
from usms_tui.simulator import ManualClock, Simulator

NOW = 1_750_000_000.0


def client_for(sim: Simulator, credentials: Credentials | None = None) -> ReceiptClient:
    http = httpx.AsyncClient(transport=sim.mock_transport())
    return ReceiptClient(http, credentials or sim.credentials, base_url="http://127.0.0.1:1")


async def test_ok_reports_request_id_round_trip_and_skew_from_the_servers_date():
    sim = Simulator(clock=ManualClock(NOW + 42))
    check = await check_account(client_for(sim), clock=lambda: NOW)
    assert (check.ok, check.verdict, check.exit_code, check.error) == (True, "ok", 0, None)
    assert check.request_id and check.round_trip is not None and check.round_trip >= 0
    assert check.clock_skew == pytest.approx(42, abs=1) and check.skew_warning is None
    assert sim.requests == 1


async def test_skew_beyond_the_oauth_margin_is_warned():
    check = await check_account(client_for(Simulator(clock=ManualClock(NOW - 600))), clock=lambda: NOW)
    assert check.ok and check.skew_warning is not None and "ahead of the server's" in check.skew_warning


@pytest.mark.parametrize(
    ("fault", "verdict", "code"),
    [("ret171", "fatal", 4), ("ret172", "fatal", 4), ("http503", "transient", 5), ("ret153", "transient", 5),
     ("drop", "transient", 5), ("ret230", "other", 6)],
)  # fmt: skip
async def test_failures_map_to_the_commands_exit_codes_after_one_request(fault, verdict, code):
    sim = Simulator(clock=ManualClock(NOW))
    sim.add_fault(fault)
    check = await check_account(client_for(sim))
    assert (check.ok, check.verdict, check.exit_code) == (False, verdict, code)
    assert check.error is not None and check.error.session_nos == (DUMMY_SESSION_NO,) and sim.requests == 1


async def test_a_wrong_private_key_is_fatal_and_never_in_the_error():
    sim = Simulator(clock=ManualClock(NOW))
    check = await check_account(client_for(sim, Credentials(sim.public_key, "wrong-private-key-0123")))
    assert check.error is not None and check.error.ret_code == 171
    assert "wrong-private-key" not in check.error.describe() + repr(check)
