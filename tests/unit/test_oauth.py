"""Bearer auth and token refresh against the simulator's gateway and rotating /token (no socket)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest

from tests.unit.test_client import FakeTime
from usms_tui.api.auth import BearerAuth
from usms_tui.api.client import ReceiptClient
from usms_tui.api.oauth import CLIENT_ID, TokenSession
from usms_tui.domain.credentials import OAuthLogin, OAuthTokens
from usms_tui.domain.failures import ErrorKind
from usms_tui.simulator import ManualClock, Simulator

NOW = 1_750_000_000.0


class MemoryStore:
    """A TokenStore in memory: what 'the file' holds, and what was written to it."""

    description = "the test's credential store"

    def __init__(self, tokens: OAuthTokens | None) -> None:
        self.tokens = tokens
        self.saved: list[OAuthTokens] = []
        self.locks = 0

    @contextlib.contextmanager
    def locked(self):
        self.locks += 1
        yield

    def load(self) -> OAuthTokens | None:
        return self.tokens

    def save(self, tokens: OAuthTokens) -> None:
        self.tokens = tokens
        self.saved.append(tokens)


class World:
    """A simulator, a recording transport in front of it, and a Bearer client over both."""

    def __init__(self, *, lifetime: float = 3600, channel_key: str | None = None, sim_channel: str | None = None):
        self.clock = ManualClock(NOW)
        self.sim = Simulator(seed=3, clock=self.clock, channel_key=sim_channel)
        login = self.sim.login(lifetime)
        self.tokens = OAuthTokens(login.access_token, login.refresh_token, login.expires_at)
        self.store = MemoryStore(self.tokens)
        self.requests: list[httpx.Request] = []
        self.fail_token_endpoint = False
        inner = self.sim.mock_transport()

        def handler(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            if self.fail_token_endpoint and request.url.path == "/token":
                raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
            return inner.handle_request(request)

        self.http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        login_ = OAuthLogin("work", self.tokens, Path("/nowhere/credential.json"), "http://127.0.0.1:1")
        self.session = TokenSession(self.http, login_, self.store, clock=self.clock)
        self.fake = FakeTime()
        self.client = ReceiptClient(
            self.http,
            BearerAuth(self.session),
            base_url="http://127.0.0.1:1",
            channel_key=channel_key,
            sleep=self.fake.sleep,
            clock=self.fake.clock,
            rng=lambda: 0.5,
        )

    def gateway(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/token"]

    def token_calls(self) -> list[dict[str, str]]:
        return [dict(parse_qsl(r.content.decode())) for r in self.requests if r.url.path == "/token"]


async def test_a_valid_token_is_sent_as_bearer_only():
    world = World()
    nos = world.sim.precreate(2, 1)
    result = await world.client.fetch(nos)
    assert result.ok and world.token_calls() == []
    [request] = world.gateway()
    form = dict(parse_qsl(request.content.decode()))
    assert "Signature" not in form and "PublicKey" not in form and form["Action"] == "GetUSMSSendReceipt"
    assert request.headers["authorization"] == f"Bearer {world.tokens.access_token}"


async def test_an_expiring_token_is_refreshed_first_and_saved():
    world = World(lifetime=200)  # within the CLI's 5-minute margin
    result = await world.client.fetch(world.sim.precreate(1, 1))
    assert result.ok and result.requests == 1
    [form] = world.token_calls()
    assert form["grant_type"] == "refresh_token" and form["client_id"] == CLIENT_ID
    assert form["refresh_token"] == world.tokens.refresh_token
    [saved] = world.store.saved
    assert saved.refresh_token != world.tokens.refresh_token  # rotated
    assert saved.expires_at == int(NOW) + 3600 and world.store.locks == 1
    assert world.gateway()[0].headers["authorization"] == f"Bearer {saved.access_token}"


async def test_a_refused_token_is_refreshed_once_and_the_request_replayed():
    world = World()
    world.sim.oauth.revoke(world.tokens.access_token)  # not expired by its date, yet unknown: 174
    result = await world.client.fetch(world.sim.precreate(1, 1))
    assert result.ok and result.requests == 2 and len(world.token_calls()) == 1
    assert world.fake.sleeps == []  # a replay, not a retry with backoff


async def test_174_again_after_the_refresh_is_fatal_and_names_both_causes():
    world = World(sim_channel="channel-a")  # the account needs a channel key the client lacks
    world.client.concurrency = 1
    result = await world.client.fetch([f"s{i}" for i in range(150)])  # the second batch is never sent
    assert result.fatal is not None and result.fatal.ret_code == 174
    assert len(world.gateway()) == 2 and world.sim.oauth.refreshes == 1
    advice = result.fatal.advice
    assert "ucloud auth login" in advice and "channel_key" in advice


async def test_the_right_channel_key_gets_through():
    world = World(sim_channel="channel-a", channel_key="channel-a")
    assert (await world.client.fetch(world.sim.precreate(1, 1))).ok


async def test_a_refused_refresh_says_to_log_in_again_without_any_token():
    world = World(lifetime=-60)
    world.store.tokens = OAuthTokens(world.tokens.access_token, "sim-rt-revoked", world.tokens.expires_at)
    result = await world.client.fetch(["a"])
    error = result.fatal
    assert error is not None and error.kind is ErrorKind.FATAL and world.gateway() == []
    text = error.describe()
    assert "ucloud auth login" in text and "profile 'work'" in text and "already used" in text
    for secret in (world.tokens.access_token, world.tokens.refresh_token, "sim-rt-revoked"):
        assert secret not in text + repr(world.client) + repr(world.session) + str(world.tokens)


async def test_concurrent_batches_share_one_refresh():
    world = World(lifetime=-1)
    world.client.concurrency = 3
    result = await world.client.fetch([f"s{i}" for i in range(300)])
    assert result.ok and len(world.token_calls()) == 1 and len(world.gateway()) == 3


async def test_tokens_another_process_wrote_are_adopted_instead_of_refreshing():
    world = World(lifetime=-1)
    theirs = world.sim.login()  # "another process" refreshed and saved meanwhile
    world.store.tokens = OAuthTokens(theirs.access_token, theirs.refresh_token, theirs.expires_at)
    assert (await world.client.fetch(["a"])).ok
    assert world.token_calls() == [] and world.store.saved == []
    assert world.gateway()[0].headers["authorization"] == f"Bearer {theirs.access_token}"


async def test_an_unreachable_token_endpoint_is_transient_and_retried():
    world = World(lifetime=-1)
    world.fail_token_endpoint = True
    result = await world.client.fetch(["a"])
    [error] = result.errors
    assert error.kind is ErrorKind.TRANSIENT and error.attempts == 4 and world.gateway() == []
    assert "cannot reach http://127.0.0.1:1/token" in error.message and "ucloud auth login" in error.message


async def test_a_profile_logged_out_meanwhile_is_fatal():
    world = World(lifetime=-1)
    world.store.tokens = None
    result = await world.client.fetch(["a"])
    assert result.fatal is not None and "no longer holds an OAuth login" in result.fatal.message


@pytest.mark.parametrize("now", [NOW + 3600 - 301, NOW + 3600 - 299])
def test_expiry_margin_is_five_minutes(now):
    tokens = OAuthTokens("a", "r", int(NOW) + 3600)
    assert tokens.expiring(now) is (now > NOW + 3600 - 300)
    assert OAuthTokens("a", "r", 0).expiring(NOW)  # unknown expiry: refresh, as the CLI does
