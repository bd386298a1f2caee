"""OAuth profiles, channel_key and max_retry_times in the settings, and the client built from them."""

from __future__ import annotations

import httpx
import pytest

from tests.unit.test_settings import World
from usms_tui.api.auth import BearerAuth, KeyPairAuth
from usms_tui.domain.credentials import Credentials, OAuthLogin
from usms_tui.domain.errors import ConfigError
from usms_tui.monitor.runtime import build_client

ACCESS, REFRESH = "at-0123456789-secret", "rt-0123456789-secret"
CONFIG = [{"profile": "work", "active": True, "project_id": "org-w", "region": "cn-sh2", "base_url": "https://api.ucloud.cn",
           "timeout_sec": 20, "max_retry_times": 0, "channel_key": "ck-work", "oauth_base_url": "https://oauth.example"},
          {"profile": "keys", "project_id": "org-k"}]  # fmt: skip
CREDENTIALS = [{"profile": "work", "public_key": "stale-pub", "private_key": "stale-private-key", "auth_mode": "oauth",
                "access_token": ACCESS, "refresh_token": REFRESH, "expires_at": 1750000000},
               {"profile": "keys", "public_key": "pub-k", "private_key": "priv-k-0123"}]  # fmt: skip


@pytest.fixture
def world(tmp_path) -> World:
    world = World(tmp_path)
    world.profiles(CONFIG, CREDENTIALS)
    return world


def test_an_oauth_profile_authenticates_with_its_token_not_its_stale_keys(world):
    s = world.load()
    assert (s.auth_mode, s.profile, s.public_key, s.private_key) == ("oauth", "work", None, None)
    login = s.login()
    assert isinstance(login, OAuthLogin)
    assert (login.profile, login.tokens.access_token, login.tokens.refresh_token) == ("work", ACCESS, REFRESH)
    assert login.tokens.expires_at == 1750000000 and login.oauth_base_url == "https://oauth.example"
    assert login.credential_path == world.ucloud / "credential.json"
    assert s.sources["access_token"] == f"ucloud profile 'work' ({world.ucloud / 'credential.json'})"
    for text in (repr(s), str(s), repr(login), str(login), repr(login.tokens)):
        assert ACCESS not in text and REFRESH not in text


def test_a_key_pair_given_elsewhere_wins_over_the_oauth_login(world):
    s = world.load(UCLOUD_PUBLIC_KEY="pub-env", UCLOUD_PRIVATE_KEY="priv-env-0123")
    assert (s.auth_mode, s.access_token, s.refresh_token) == ("signed", None, None)
    assert s.login() == Credentials("pub-env", "priv-env-0123")
    world.toml('[ucloud]\npublic_key = "pub-t"\nprivate_key = "priv-t-0123"\n')
    assert world.load().login() == Credentials("pub-t", "priv-t-0123")
    world.toml("")
    only_half = world.load(UCLOUD_PUBLIC_KEY="pub-env")  # half a pair does not switch modes
    assert only_half.auth_mode == "oauth"


def test_a_key_profile_signs_and_the_default_oauth_endpoint_applies(world):
    s = world.load({"profile": "keys"})
    assert (s.auth_mode, s.login()) == ("signed", Credentials("pub-k", "priv-k-0123"))
    world.profiles([{"profile": "w", "active": True}], [{"profile": "w", "auth_mode": "oauth", "access_token": "a",
                                                        "refresh_token": "r"}])  # fmt: skip
    login = world.load().login()
    assert isinstance(login, OAuthLogin) and login.oauth_base_url == "https://oauth2.ucloud.cn"


def test_an_oauth_profile_without_tokens_says_to_log_in(world):
    world.profiles([{"profile": "w", "active": True}], [{"profile": "w", "auth_mode": "oauth", "public_key": "p"}])
    with pytest.raises(
        ConfigError, match=r"profile 'w' uses OAuth login but has no token .* `ucloud auth login` first"
    ):
        world.load().login()


def test_channel_key_from_flag_env_toml_or_profile(world):
    assert (world.load().channel_key, world.load().sources["channel_key"]) == (
        "ck-work", f"ucloud profile 'work' ({world.ucloud / 'config.json'})")  # fmt: skip
    world.toml('[ucloud]\nchannel_key = "ck-toml"\n')
    assert world.load().channel_key == "ck-toml"
    assert world.load(UCLOUD_CHANNEL_KEY="ck-env").channel_key == "ck-env"
    s = world.load({"channel_key": "ck-flag"}, UCLOUD_CHANNEL_KEY="ck-env")
    assert (s.channel_key, s.sources["channel_key"]) == ("ck-flag", "flag --channel-key")


def test_max_retry_times_and_timeout_sec_from_the_profile(world):
    s = world.load()
    assert (s.max_retry_times, s.timeout) == (0, 20.0)  # 0 means no retry, not "unset"
    assert world.load({"profile": "keys"}).max_retry_times == 3  # missing: the CLI's 3
    world.toml("[api]\nmax_retry_times = 5\n")
    assert world.load().max_retry_times == 5
    with pytest.raises(ConfigError, match=r"--max-retry-times='many' \(flag\): not a whole number from 0 to 20"):
        world.load({"max_retry_times": "many"})


def test_oauth_base_url_follows_the_base_url_rule(world):
    world.profiles([dict(CONFIG[0], oauth_base_url="http://oauth.example")], CREDENTIALS)
    with pytest.raises(ConfigError, match=r"oauth_base_url='http://oauth.example' .*plain http://"):
        world.load()


def test_a_token_pasted_into_another_setting_is_not_echoed(world):
    world.profiles([dict(CONFIG[0], base_url=ACCESS)], CREDENTIALS)
    with pytest.raises(ConfigError) as raised:
        world.load()
    assert ACCESS not in str(raised.value) and "base_url" in str(raised.value)


async def test_the_client_gets_bearer_auth_channel_key_and_retry_budget(world):
    async with httpx.AsyncClient() as http:
        oauth = build_client(world.load(), http)
        assert isinstance(oauth.auth, BearerAuth) and oauth.channel_key == "ck-work"
        assert oauth.retry.max_attempts == 1 and oauth.project_id == "org-w"
        signed = build_client(world.load({"profile": "keys"}), http)
        assert isinstance(signed.auth, KeyPairAuth) and signed.retry.max_attempts == 4
        assert ACCESS not in repr(oauth) and "stale-private-key" not in repr(oauth)
