"""Settings precedence, sources, validation and file handling. Never touches the real home."""

from __future__ import annotations

import argparse
import json
import os
import tomllib
from pathlib import Path

import pytest

from usms_tui.config import settings as settings_module
from usms_tui.config.settings import Settings, check_base_url, load_settings, settings_from_args
from usms_tui.config.toml_file import EXAMPLE
from usms_tui.domain.errors import ConfigError

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


class World:
    """A fake home with the app's config.toml and the ucloud CLI's files, all under tmp_path."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path
        self.home = tmp_path / "home"
        self.ucloud = self.home / ".ucloud"
        self.ucloud.mkdir(parents=True)
        self.config = tmp_path / "conf" / "config.toml"
        self.config.parent.mkdir()
        self.env = {
            "USMS_TUI_CONFIG": str(self.config),
            "USMS_TUI_WATCHLIST": str(tmp_path / "watchlist.json"),
            "USMS_TUI_CACHE": str(tmp_path / "cache.sqlite3"),
        }

    def toml(self, text: str, mode: int = 0o600) -> None:
        self.config.write_text(text, encoding="utf-8")
        self.config.chmod(mode)

    def profiles(self, configs: list | str | None = None, credentials: list | str | None = None, mode=0o600):
        for name, content in (("config.json", configs), ("credential.json", credentials)):
            if content is not None:
                path = self.ucloud / name
                path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
                path.chmod(mode)

    def load(self, overrides=None, **env: str) -> Settings:
        return load_settings(overrides, env={**self.env, **env}, home=self.home)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


DEFAULT_PROFILE = [{"project_id": "org-p", "region": "cn-sh2", "zone": "cn-sh2-02", "base_url": "https://api.ucloud.cn",
                    "timeout_sec": 30, "profile": "default", "active": True},
                   {"project_id": "org-other", "region": "hk", "profile": "other"}]  # fmt: skip
DEFAULT_CREDENTIALS = [{"public_key": "pub-default", "private_key": "priv-default-0123456789", "profile": "default",
                        "cookie": "ignored"},
                       {"public_key": "pub-other", "private_key": "priv-other-0123456789", "profile": "other"}]  # fmt: skip


def test_defaults_when_nothing_is_configured(world):
    s = world.load()
    assert (s.public_key, s.private_key, s.project_id, s.region, s.zone, s.profile) == (None,) * 6
    assert (s.base_url, s.timeout, s.allow_http) == ("https://api.ucloud.cn", 15.0, False)
    assert (s.interval, s.warn_after, s.batch_size, s.concurrency) == (30.0, 43200.0, 100, 4)
    assert (s.bell, s.theme, s.mask_phones) == (False, None, True)
    assert s.config_path == world.config and s.watchlist_path == world.root / "watchlist.json"
    assert s.sources["region"] == "default" and s.sources["config_path"] == "env USMS_TUI_CONFIG"
    assert set(s.sources) >= {"public_key", "private_key", "interval", "mask_phones", "profile"}
    assert s.warnings == ()


def test_missing_credentials_name_every_way_to_provide_them(world):
    with pytest.raises(ConfigError) as raised:
        world.load().credentials()
    message = str(raised.value)
    for way in ("UCLOUD_PUBLIC_KEY", "UCLOUD_PRIVATE_KEY", "[ucloud]", str(world.config),
                str(world.ucloud / "credential.json"), "--profile", "UCLOUD_PROFILE"):  # fmt: skip
        assert way in message
    with pytest.raises(
        ConfigError, match=r"private key missing \(the public key comes from env UCLOUD_PUBLIC_KEY\)\. "
    ):
        world.load(UCLOUD_PUBLIC_KEY="pub").credentials()


def test_everything_from_env(world):
    s = world.load(
        UCLOUD_PUBLIC_KEY="pub", UCLOUD_PRIVATE_KEY=" priv-from-env\n", UCLOUD_PROJECT_ID="org-e",
        UCLOUD_REGION="cn-bj2", UCLOUD_ZONE="cn-bj2-03", UCLOUD_API_BASE_URL="http://127.0.0.1:9000",
        UCLOUD_TIMEOUT_SECOND="2.5", UCLOUD_PROFILE="",
    )  # fmt: skip
    assert s.credentials().private_key == "priv-from-env"  # a trailing newline from $(cat key) is dropped
    assert (s.project_id, s.region, s.zone, s.base_url, s.timeout) == (
        "org-e", "cn-bj2", "cn-bj2-03", "http://127.0.0.1:9000", 2.5)  # fmt: skip
    assert s.sources["timeout"] == "env UCLOUD_TIMEOUT_SECOND"
    assert s.sources["profile"] == "default"  # an empty variable counts as unset


def test_precedence_flag_env_toml_profile_default(world):
    world.profiles(DEFAULT_PROFILE, DEFAULT_CREDENTIALS)
    world.toml('[ucloud]\nregion = "from-toml"\nproject_id = "org-toml"\n')
    env = {"UCLOUD_REGION": "from-env"}
    assert world.load({"region": "from-flag"}, **env).region == "from-flag"
    s = world.load(**env)
    assert (s.region, s.sources["region"]) == ("from-env", "env UCLOUD_REGION")
    assert (s.project_id, s.sources["project_id"]) == ("org-toml", f"config.toml {world.config}")
    assert (s.zone, s.timeout) == ("cn-sh2-02", 30.0)
    assert s.sources["zone"] == f"ucloud profile 'default' ({world.ucloud / 'config.json'})"
    world.toml("")
    assert world.load().region == "cn-sh2"
    assert world.load({"region": "flag"}).sources["region"] == "flag --region"


def test_active_profile_and_named_profiles(world):
    world.profiles(DEFAULT_PROFILE, DEFAULT_CREDENTIALS)
    s = world.load()
    assert (s.profile, s.public_key, s.private_key) == ("default", "pub-default", "priv-default-0123456789")
    assert s.sources["profile"] == f"active profile in {world.ucloud / 'config.json'}"
    assert s.sources["private_key"] == f"ucloud profile 'default' ({world.ucloud / 'credential.json'})"
    named = world.load(UCLOUD_PROFILE="other")
    assert (named.profile, named.region, named.public_key) == ("other", "hk", "pub-other")
    assert named.sources["profile"] == "env UCLOUD_PROFILE"
    assert world.load({"profile": "default"}, UCLOUD_PROFILE="other").profile == "default"
    world.toml('[ucloud]\nprofile = "other"\n')
    assert world.load().project_id == "org-other"


def test_unknown_profile_lists_the_ones_that_exist(world):
    world.profiles(DEFAULT_PROFILE, DEFAULT_CREDENTIALS)
    with pytest.raises(
        ConfigError, match=r"ucloud profile 'prod' \(flag --profile\) does not exist.*'default', 'other'"
    ):
        world.load({"profile": "prod"})
    world.profiles("[]", "[]")
    with pytest.raises(ConfigError, match=r"'prod' \(env UCLOUD_PROFILE\) does not exist.*: none"):
        world.load(UCLOUD_PROFILE="prod")


def test_last_active_profile_wins_as_in_the_cli(world):
    configs = [{"profile": "a", "active": True, "region": "ra"}, {"profile": "b", "active": True, "region": "rb"},
               {"profile": "c", "region": "rc"}]  # fmt: skip
    credentials = [{"profile": name, "public_key": f"pub-{name}", "private_key": f"priv-{name}-0123"} for name in "abc"]
    world.profiles(configs, credentials)
    s = world.load()
    assert (s.profile, s.region, s.public_key) == ("b", "rb", "pub-b")
    assert s.sources["profile"] == f"active profile in {world.ucloud / 'config.json'}"


def test_no_active_profile_is_an_error_naming_the_file_once_keys_are_needed(world):
    world.profiles([{"profile": "default", "region": "r1"}], [{"profile": "default", "public_key": "k"}])
    s = world.load()  # commands that need no keys (add, list) still work
    assert (s.profile, s.region, s.sources["profile"]) == (None, None, "default")
    with pytest.raises(ConfigError) as raised:
        s.credentials()
    message = str(raised.value)
    assert f"no active profile in {world.ucloud / 'config.json'}" in message and "--profile" in message
    assert "UCLOUD_PUBLIC_KEY" in message and "'default'" in message
    with pytest.raises(ConfigError, match="no active profile"):
        s.login()
    assert world.load(UCLOUD_PUBLIC_KEY="p", UCLOUD_PRIVATE_KEY="k-0123456").credentials().public_key == "p"
    assert world.load(UCLOUD_PROFILE="default").region == "r1"
    world.profiles("[]", "[]")  # no profiles at all is not a problem, just nothing to read
    assert world.load().profile_problem is None


def test_profile_without_a_credential_entry_is_not_used(world):
    world.profiles([{"profile": "bare", "active": True, "region": "r-bare"}, {"profile": "ok", "region": "r-ok"}],
                   [{"profile": "ok", "public_key": "pub-ok", "private_key": "priv-ok-0123"}])  # fmt: skip
    s = world.load()
    assert (s.profile, s.region) == (None, None)
    with pytest.raises(ConfigError, match=r"active ucloud profile 'bare' .* has no entry in .*credential.json"):
        s.credentials()
    with pytest.raises(ConfigError, match=r"'bare' \(flag --profile\) has no entry in .*usable profiles: 'ok'"):
        world.load({"profile": "bare"})
    with pytest.raises(ConfigError, match=r"'ghost' \(env UCLOUD_PROFILE\) does not exist.*: 'ok'"):
        world.profiles(None, [{"profile": "ok"}, {"profile": "ghost", "public_key": "g"}])
        world.load(UCLOUD_PROFILE="ghost")  # a credential entry alone is no profile either


def test_shared_file_variables_move_the_ucloud_files(world, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "c.json").write_text(json.dumps([{"profile": "default", "active": True, "region": "moved"}]))
    (elsewhere / "k.json").write_text(
        json.dumps([{"profile": "default", "public_key": "p", "private_key": "moved-key"}])
    )
    (elsewhere / "k.json").chmod(0o600)
    world.profiles(DEFAULT_PROFILE, DEFAULT_CREDENTIALS)
    s = world.load(
        UCLOUD_SHARED_CONFIG_FILE=str(elsewhere / "c.json"), UCLOUD_SHARED_CREDENTIAL_FILE=str(elsewhere / "k.json")
    )
    assert (s.region, s.private_key) == ("moved", "moved-key")
    assert s.ucloud_credential_path == elsewhere / "k.json"


def test_config_toml_format_documented_by_the_example(world):
    assert tomllib.loads(EXAMPLE)["api"] == {"batch_size": 100, "concurrency": 4, "max_retry_times": 3}
    world.toml(
        '[ucloud]\npublic_key = "tp"\nprivate_key = "toml-private-key"\nproject_id = "org-t"\nregion = "cn-gd"\n'
        'zone = "cn-gd-02"\nbase_url = "http://api.service.ucloud.cn"\ntimeout = "20s"\nallow_http = true\n\n'
        "[api]\nbatch_size = 50\nconcurrency = 8\n\n"
        '[ui]\ninterval = "2m"\nwarn_after = "1h30m"\nbell = true\ntheme = "nord"\nmask_phones = false\n\n'
        '[paths]\nwatchlist = "lists/w.json"\ncache = "/abs/c.sqlite3"\n'
    )
    s = load_settings(env={"USMS_TUI_CONFIG": str(world.config)}, home=world.home)
    assert (s.public_key, s.project_id, s.region, s.zone) == ("tp", "org-t", "cn-gd", "cn-gd-02")
    assert (s.base_url, s.timeout, s.allow_http) == ("http://api.service.ucloud.cn", 20.0, True)
    assert (s.batch_size, s.concurrency, s.interval, s.warn_after) == (50, 8, 120.0, 5400.0)
    assert (s.bell, s.theme, s.mask_phones) == (True, "nord", False)
    assert s.watchlist_path == world.config.parent / "lists" / "w.json"  # relative to the config file
    assert s.cache_path == Path("/abs/c.sqlite3")
    assert s.sources["interval"] == f"config.toml {world.config}"


def test_unknown_toml_keys_are_warnings(world):
    world.toml('top = 1\n[ui]\nintervl = "5s"\n[colours]\na = 1\n')
    warnings = world.load().warnings
    assert any("[ui] 'intervl'" in w for w in warnings) and any("'colours'" in w for w in warnings)
    assert any("'top'" in w for w in warnings)


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"UCLOUD_TIMEOUT_SECOND": "abc"}, "UCLOUD_TIMEOUT_SECOND='abc' (env): not a positive number of seconds"),
        ({"UCLOUD_TIMEOUT_SECOND": "0"}, "UCLOUD_TIMEOUT_SECOND='0' (env): not a positive"),
        ({"UCLOUD_TIMEOUT_SECOND": "nan"}, "UCLOUD_TIMEOUT_SECOND='nan' (env)"),
        ('[ui]\ninterval = "0.5s"', "[ui] interval='0.5s' ({config}): not a duration of at least 1 second"),
        ("[ui]\nwarn_after = -3", "[ui] warn_after=-3 ({config}): not a positive duration"),
        ("[api]\nbatch_size = 101", "[api] batch_size=101 ({config}): not a whole number from 1 to 100"),
        ("[api]\nconcurrency = 0", "[api] concurrency=0 ({config}): not a whole number from 1 to 16"),
        ("[api]\nconcurrency = true", "[api] concurrency=True ({config}): not a whole number from 1 to 16"),
        ('[ui]\nbell = "maybe"', "[ui] bell='maybe' ({config}): not true or false"),
        ("[ucloud]\nregion = 5", "[ucloud] region=5 ({config}): must be text"),
        ('[ucloud]\nbase_url = "ftp://x"', "[ucloud] base_url='ftp://x' ({config}): not an http(s) URL"),
        ({"UCLOUD_API_BASE_URL": "http://api.service.ucloud.cn"}, "UCLOUD_API_BASE_URL='http://api.service.ucloud.cn' (env): plain http://"),
        ({"flag": {"batch_size": "lots"}}, "--batch-size='lots' (flag): not a whole number"),
        ({"flag": {"interval": "soon"}}, "--interval='soon' (flag): not a duration"),
    ],
)  # fmt: skip
def test_bad_values_say_which_setting_where_and_what_is_allowed(world, setup, expected):
    if isinstance(setup, str):
        world.toml(setup)
        setup = {}
    flags = setup.pop("flag", None)
    with pytest.raises(ConfigError) as raised:
        world.load(flags, **setup)
    assert expected.format(config=world.config) in str(raised.value)


def test_bad_profile_value_names_the_profile_and_file(world):
    world.profiles([{"profile": "default", "active": True, "timeout_sec": "slow"}], [{"profile": "default"}])
    with pytest.raises(ConfigError, match=r"timeout_sec='slow' \(ucloud profile 'default' in .*config.json\)"):
        world.load()


def test_plain_http_allowed_for_loopback_or_when_allowed(world):
    assert world.load(UCLOUD_API_BASE_URL="http://localhost:8080").base_url == "http://localhost:8080"
    assert world.load({"allow_http": True}, UCLOUD_API_BASE_URL="http://api.service.ucloud.cn").allow_http
    world.toml("[ucloud]\nallow_http = true\n")
    assert world.load(UCLOUD_API_BASE_URL="http://api.service.ucloud.cn").base_url.startswith("http://")


@pytest.mark.parametrize(
    ("url", "allow", "ok"),
    [
        ("https://api.ucloud.cn", False, True),
        ("HTTPS://api.ucloud.cn/", False, True),
        ("http://127.0.0.1:8080", False, True),
        ("http://127.5.6.7", False, True),
        ("http://[::1]:9000/", False, True),
        ("http://localhost", False, True),
        ("http://api.service.ucloud.cn", False, False),
        ("http://api.service.ucloud.cn", True, True),
        ("http://10.0.0.1", False, False),
        ("ftp://api.ucloud.cn", True, False),
        ("https://", False, False),
        ("api.ucloud.cn", False, False),
        ("http://host:notaport", True, False),
    ],
)
def test_check_base_url(url, allow, ok):
    if ok:
        assert check_base_url(f" {url} ", allow) == url
    else:
        with pytest.raises(ConfigError, match="base URL"):
            check_base_url(url, allow)


def test_corrupt_files_name_the_path_and_the_problem(world):
    world.toml('[ucloud]\nregion = "unterminated\n')
    with pytest.raises(ConfigError, match=rf"{world.config} is not valid TOML: .*line 2, column"):
        world.load()
    world.toml("")
    world.profiles('[{"profile": "default",}]', None)
    with pytest.raises(ConfigError, match=r"config.json is not valid JSON: .*line 1, column"):
        world.load()
    world.profiles('{"a": [1]}', None)
    world.profiles("[]", '"just a string"')
    with pytest.raises(ConfigError, match=r"credential.json must be a JSON array"):
        world.load()


def test_config_flag_must_exist_but_env_path_may_not(world, tmp_path):
    with pytest.raises(ConfigError, match=r"does not exist"):
        world.load({"config_path": str(tmp_path / "nope.toml")})
    assert world.load(USMS_TUI_CONFIG=str(tmp_path / "nope.toml")).config_path == tmp_path / "nope.toml"


@posix_only
def test_group_readable_credential_files_warn_like_ssh(world):
    world.profiles(DEFAULT_PROFILE, DEFAULT_CREDENTIALS, mode=0o644)
    (warning,) = world.load().warnings
    assert "0644" in warning and "credential.json" in warning and "chmod 600" in warning
    world.profiles(DEFAULT_PROFILE, DEFAULT_CREDENTIALS, mode=0o600)
    assert world.load().warnings == ()
    world.toml('[ucloud]\nregion = "x"\n', mode=0o644)  # no secret in it: no warning
    assert world.load().warnings == ()
    world.toml('[ucloud]\nprivate_key = "abcdefgh"\n', mode=0o640)
    assert any("0640" in w and str(world.config) in w for w in world.load().warnings)


def test_keys_from_different_sources_warn(world):
    world.profiles(DEFAULT_PROFILE, DEFAULT_CREDENTIALS)
    s = world.load(UCLOUD_PUBLIC_KEY="pub-env")
    assert any("one pair" in w for w in s.warnings)


def test_overrides_reject_unknown_names(world):
    with pytest.raises(TypeError, match="colour"):
        world.load({"colour": "red"})


def test_settings_from_args_reads_present_attributes_only(world, capsys, monkeypatch):
    monkeypatch.setattr(settings_module, "_printed_warnings", set())
    world.toml("[ucloud]\nallow_http = true\n[ui]\nbell = true\nintervl = 1\n")
    args = argparse.Namespace(region="flag-region", timeout="7", allow_http=False, bell=False, json=True)
    env = {**world.env}
    s = settings_from_args(args, env=env, home=world.home)
    assert (s.region, s.timeout, s.allow_http, s.bell) == ("flag-region", 7.0, True, True)
    assert s.sources["timeout"] == "flag --timeout"
    assert capsys.readouterr().err.count("intervl") == 1
    settings_from_args(args, env=env, home=world.home)  # the same warning is not printed twice
    settings_from_args(argparse.Namespace(), env=env, home=world.home, quiet=True)
    assert capsys.readouterr().err == ""
    s = settings_from_args(argparse.Namespace(watchlist="~/w.json"), env=env, home=world.home, quiet=True)
    assert s.watchlist_path == Path("~/w.json").expanduser() and s.sources["watchlist_path"] == "flag --watchlist"


def test_settings_are_frozen_and_repr_hides_the_key():
    s = Settings(public_key="pub", private_key="do-not-show-me", config_path=Path("c"))
    assert "do-not-show-me" not in repr(s) and "do-not-show-me" not in str(s)
    assert "do-not-show-me" not in repr(s.credentials()) and "do-not-show-me" not in str(s.credentials())
    with pytest.raises(AttributeError):
        s.region = "x"  # type: ignore[misc]
