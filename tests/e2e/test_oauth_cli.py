"""A ``ucloud auth login`` profile end to end: Bearer requests, refresh, write-back, two racing processes.

The simulator plays both the gateway and the rotating OAuth token endpoint on loopback; the
profile lives in the fake HOME's ``~/.ucloud`` exactly as the CLI writes it.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys

from usms_tui.simulator import Scenario

ALL_DELIVERED = Scenario(never_share=0.0, fast_share=1.0, success_share=1.0, fail_share=0.0, long_share=0.0)
STALE_PRIVATE_KEY = "stale-private-key-of-an-oauth-profile"


class Login:
    """The fake HOME's ucloud files for an OAuth profile pointed at the simulator."""

    def __init__(self, cli, server, *, lifetime: float = 3600) -> None:
        for name in ("UCLOUD_PUBLIC_KEY", "UCLOUD_PRIVATE_KEY", "UCLOUD_API_BASE_URL"):
            cli.env.pop(name, None)  # only the profile authenticates
        self.server = server
        self.oauth = server.simulator.oauth
        self.login = server.simulator.login(lifetime)
        folder = cli.watchlist.parent.parent / "home" / ".ucloud"
        folder.mkdir(parents=True, exist_ok=True)
        self.credential_file = folder / "credential.json"
        config = [{"profile": "work", "active": True, "base_url": server.base_url, "oauth_base_url": server.base_url,
                   "timeout_sec": 10}, {"profile": "spare", "base_url": server.base_url}]  # fmt: skip
        credentials = [
            {"public_key": server.public_key, "private_key": STALE_PRIVATE_KEY, "cookie": "", "csrf_token": "",
             "profile": "work", "auth_mode": "oauth", "access_token": self.login.access_token,
             "refresh_token": self.login.refresh_token, "expires_at": self.login.expires_at},
            {"public_key": "pub-spare", "private_key": "priv-spare", "profile": "spare", "extra": [1, 2]},
        ]  # fmt: skip
        (folder / "config.json").write_text(json.dumps(config))
        self.credential_file.write_text(json.dumps(credentials))
        self.credential_file.chmod(0o600)

    def on_disk(self) -> dict:
        return json.loads(self.credential_file.read_text())[0]

    def secrets(self) -> list[str]:
        entry = self.on_disk()
        return [self.login.access_token, self.login.refresh_token, entry["access_token"], entry["refresh_token"]]


def leaks(text: str, login: Login) -> list[str]:
    return [secret for secret in [*login.secrets(), STALE_PRIVATE_KEY] if secret[8:24] in text]


def watch_one(cli, server) -> str:
    session_no = server.simulator.send(["13800000001"])
    server.clock.advance(60)
    assert cli("add", session_no).returncode == 0
    return session_no


def test_a_valid_token_is_used_as_is(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    login = Login(cli, server)
    watch_one(cli, server)
    out = cli("check", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["sessions"][0]["settled"] is True
    assert login.oauth.refreshes == 0 and login.on_disk()["refresh_token"] == login.login.refresh_token


def test_an_expired_token_is_refreshed_first_and_written_back_as_the_cli_does(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    login = Login(cli, server, lifetime=-60)
    watch_one(cli, server)
    out = cli("check", "--json")
    assert out.returncode == 0, out.stderr
    assert login.oauth.refreshes == 1
    entry = login.on_disk()
    assert entry["refresh_token"] != login.login.refresh_token and entry["access_token"] != login.login.access_token
    assert entry["expires_at"] > login.login.expires_at and entry["private_key"] == STALE_PRIVATE_KEY
    assert json.loads(login.credential_file.read_text())[1]["extra"] == [1, 2]  # the other profile as it was
    assert stat.S_IMODE(login.credential_file.stat().st_mode) == 0o600
    assert (login.credential_file.parent / "credential.lock").exists()
    assert cli("doctor").returncode == 0 and login.oauth.refreshes == 1  # the saved token is used next time
    assert not leaks(out.stdout + out.stderr, login)


def test_a_refused_token_is_refreshed_and_the_request_replayed(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    login = Login(cli, server)
    server.simulator.oauth.revoke(login.login.access_token)  # fine by its date, unknown to the gateway
    watch_one(cli, server)
    out = cli("check", "--json")
    assert out.returncode == 0, out.stderr
    assert login.oauth.refreshes == 1 and server.simulator.requests == 2


def test_a_refresh_that_fails_says_to_run_ucloud_auth_login(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    login = Login(cli, server, lifetime=-60)
    entry = json.loads(login.credential_file.read_text())
    entry[0]["refresh_token"] = "sim-rt-long-revoked-0123456789"
    login.credential_file.write_text(json.dumps(entry))
    watch_one(cli, server)
    for args in (("check",), ("doctor",)):
        out = cli(*args)
        assert out.returncode == 4, out.stderr
        assert "ucloud auth login" in out.stdout + out.stderr and "profile 'work'" in out.stdout + out.stderr
        assert not leaks(out.stdout + out.stderr, login) and "long-revoked" not in out.stdout + out.stderr


def test_two_processes_refreshing_at_once_spend_the_refresh_token_once(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    login = Login(cli, server, lifetime=-60)
    server.simulator.oauth.delay = 0.8  # the first refresh is slow: the second process arrives meanwhile
    command = [sys.executable, "-m", "usms_tui", "doctor", "--json"]
    runs = [
        subprocess.Popen(command, env=cli.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    for run, (stdout, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stderr
        assert json.loads(stdout)["verdict"] == "ok"
    assert (login.oauth.refreshes, login.oauth.refused) == (1, 0)  # one rotation, no revoked token sent
    refreshed = [json.loads(stdout)["token_refreshed"] for stdout, _ in outputs]
    assert sorted(refreshed) == [False, True]  # one refreshed, the other adopted its tokens
    status, _, _ = login.oauth.respond(
        f"grant_type=refresh_token&client_id=c&refresh_token={login.on_disk()['refresh_token']}".encode()
    )
    assert status == 200  # what the file holds is the live refresh token


def test_tokens_never_appear_in_any_output(cli, make_sim):
    server = make_sim(ALL_DELIVERED)
    login = Login(cli, server, lifetime=-60)
    watch_one(cli, server)
    assert cli("check").returncode == 0  # refresh once, so old and new tokens both exist
    commands = [("config", "show"), ("config", "show", "--json"), ("check", "--json"), ("doctor", "--json"),
                ("export", "--format", "json"), ("list", "--json"), ("doctor", "--profile", "spare")]  # fmt: skip
    for args in commands:
        out = cli(*args)
        assert out.returncode in (0, 4), (args, out.stderr)  # 'spare' signs with a key the simulator refuses
        assert leaks(out.stdout + out.stderr, login) == [], args
    assert "set (hidden)" in cli("config", "show").stdout  # tokens: set, nothing of them (not even length)
