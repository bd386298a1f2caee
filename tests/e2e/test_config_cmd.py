"""``usms-tui config show|path|example`` end to end, and the private key and OAuth tokens never leaking anywhere.

Every run points HOME, the XDG dirs and USMS_TUI_CONFIG into tmp_path and drops inherited
UCLOUD_* / USMS_TUI_* variables, so the real ~/.ucloud and config are never read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from usms_tui.cli import main as cli
from usms_tui.config import settings as settings_module
from usms_tui.config.settings import Settings, load_settings
from usms_tui.domain.errors import ConfigError

SECRET = "SeCrEt-9f8e7d6c5b4a-DoNotLeak-0123456789"  # 40 chars, like a real UCloud private key
REFRESH_SECRET = "ReFrEsH-1a2b3c4d5e6f-NeverShown-98765432"  # an OAuth profile's refresh token


def leaked(text: str) -> bool:
    """True if any 8 consecutive characters of a secret appear (not just the whole key)."""
    return any(secret[i : i + 8] in text for secret in (SECRET, REFRESH_SECRET) for i in range(len(secret) - 7))


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UCLOUD_", "USMS_TUI_", "XDG_"))}
    home = tmp_path / "home"
    (home / ".ucloud").mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
        USMS_TUI_CONFIG=str(tmp_path / "config.toml"),
    )
    return env


def usms(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "usms_tui", *args], env=env, capture_output=True, text=True, timeout=60
    )


def write_profile(home: Path, private_key: str = SECRET, mode: int = 0o600) -> None:
    config = [{"project_id": "org-prof", "region": "cn-sh2", "zone": "cn-sh2-02", "base_url": "https://api.ucloud.cn",
               "timeout_sec": 30, "profile": "default", "active": True},
              {"project_id": "org-b", "region": "hk", "profile": "backup"}]  # fmt: skip
    credential = [{"public_key": "pub-prof", "private_key": private_key, "profile": "default"},
                  {"public_key": "pub-b", "private_key": "other-private-key", "profile": "backup"}]  # fmt: skip
    (home / ".ucloud" / "config.json").write_text(json.dumps(config))
    path = home / ".ucloud" / "credential.json"
    path.write_text(json.dumps(credential))
    path.chmod(mode)


def test_show_from_env(tmp_path):
    env = clean_env(tmp_path)
    env.update(
        UCLOUD_PUBLIC_KEY="pub-env", UCLOUD_PRIVATE_KEY=SECRET, UCLOUD_REGION="cn-bj2", UCLOUD_TIMEOUT_SECOND="20"
    )
    out = usms(env, "config", "show")
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line for line in out.stdout.splitlines() if line.strip()}
    assert "pub-env" in lines["public_key"] and lines["public_key"].endswith("env UCLOUD_PUBLIC_KEY")
    assert "set (hidden)" in lines["private_key"] and lines["private_key"].endswith("env UCLOUD_PRIVATE_KEY")
    assert "20s" in lines["timeout"] and lines["timeout"].endswith("env UCLOUD_TIMEOUT_SECOND")
    assert lines["interval"].endswith("default") and lines["config_path"].endswith("env USMS_TUI_CONFIG")
    assert "credentials: ok" in out.stdout
    assert not leaked(out.stdout + out.stderr)

    data = json.loads(usms(env, "config", "show", "--json").stdout)
    assert data["settings"]["region"] == {"value": "cn-bj2", "source": "env UCLOUD_REGION"}
    assert data["settings"]["private_key"] == {"value": "set (hidden)", "source": "env UCLOUD_PRIVATE_KEY"}
    assert data["settings"]["timeout"]["value"] == 20.0 and data["credentials"] == "ok"


def test_show_says_the_key_is_set_and_where_from_but_not_its_length(tmp_path):
    env = clean_env(tmp_path)
    env.update(UCLOUD_PUBLIC_KEY="pub-env", UCLOUD_PRIVATE_KEY=SECRET)
    text = usms(env, "config", "show").stdout
    line = next(line for line in text.splitlines() if line.startswith("private_key"))
    assert line.split() == ["private_key", "set", "(hidden)", "env", "UCLOUD_PRIVATE_KEY"]
    assert "chars" not in text and "(40" not in text


def _source_column_holds(text: str) -> None:
    """Every row's source starts under SOURCE, on the row's line or (a long value) the next."""
    lines = text.splitlines()
    source_at = lines[0].index("SOURCE")
    table = lines[1 : lines.index("")]
    for i, line in enumerate(table):
        if line[source_at - 2 : source_at] == "  " and line[source_at : source_at + 1].strip():
            continue
        if line[:source_at].strip() == "":  # the source line of the row above
            assert i > 0 and len(table[i - 1]) > source_at, line
            continue
        assert table[i + 1][:source_at].strip() == "", (line, table[i + 1])


def test_show_keeps_its_columns_with_a_long_path(tmp_path, monkeypatch, capsys):
    env = clean_env(tmp_path)
    deep = tmp_path / ("a-rather-long-folder-name-" * 4) / "watchlist.json"
    env["USMS_TUI_WATCHLIST"] = str(deep)
    piped = usms(env, "config", "show").stdout  # not a terminal: one line a row, all aligned
    _source_column_holds(piped)
    assert f"{deep}  " in piped and "env USMS_TUI_WATCHLIST" in piped.split(str(deep))[1].splitlines()[0]

    from usms_tui.cli import _common

    for name in [k for k in os.environ if k.startswith(("UCLOUD_", "USMS_TUI_", "XDG_"))]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(_common, "terminal_width", lambda: 100)
    assert cli.main(["config", "show"]) == 0
    shown = capsys.readouterr().out
    _source_column_holds(shown)
    lines = shown.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("watchlist_path"))
    assert lines[row] == f"{'watchlist_path':<15} {deep}"  # whole, on its own line
    assert lines[row + 1].strip() == "env USMS_TUI_WATCHLIST"
    assert lines[row + 1].index("env") == lines[0].index("SOURCE")
    source_at = lines[0].index("SOURCE")
    for i, line in enumerate(lines[: lines.index("")]):
        assert len(line) <= 100 or lines[i + 1][:source_at].strip() == "", line  # only a lone value is wider


def test_show_from_a_ucloud_profile(tmp_path):
    env = clean_env(tmp_path)
    write_profile(Path(env["HOME"]), mode=0o644)
    data = json.loads(usms(env, "config", "show", "--json").stdout)
    settings = data["settings"]
    credential_file = str(Path(env["HOME"]) / ".ucloud" / "credential.json")
    assert settings["public_key"] == {"value": "pub-prof", "source": f"ucloud profile 'default' ({credential_file})"}
    assert settings["project_id"]["value"] == "org-prof" and settings["timeout"]["value"] == 30.0
    assert settings["profile"]["value"] == "default" and settings["profile"]["source"].startswith("active profile")
    assert data["files"]["ucloud_credential"] == {"path": credential_file, "exists": True}
    assert any("0644" in w for w in data["warnings"])  # warned, not refused

    out = usms(env, "--profile", "backup", "config", "show")
    assert out.returncode == 0
    assert "org-b" in out.stdout and "flag --profile" in out.stdout

    out = usms(env, "config", "show", "--profile", "nope")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1  # one line, no traceback
    assert "'nope'" in out.stderr and "'backup', 'default'" in out.stderr


def test_show_without_credentials_still_works_and_says_how(tmp_path):
    out = usms(clean_env(tmp_path), "config")
    assert out.returncode == 0
    assert "credentials: missing: no UCloud API keys" in out.stdout and "UCLOUD_PRIVATE_KEY" in out.stdout


def test_bad_value_is_one_line_exit_2(tmp_path):
    env = clean_env(tmp_path)
    env["UCLOUD_TIMEOUT_SECOND"] = "abc"
    out = usms(env, "config", "show")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "usms-tui: error: UCLOUD_TIMEOUT_SECOND='abc' (env): not a positive number of seconds (e.g. 15, 2.5 or 15s)"
    )


def test_path_and_example(tmp_path):
    env = clean_env(tmp_path)
    (tmp_path / "config.toml").write_text("not [valid toml")  # path must work even when it is corrupt
    out = usms(env, "config", "path")
    assert (out.returncode, out.stdout) == (0, f"{tmp_path / 'config.toml'}\n")
    assert usms(env, "config", "path", "ucloud-credential").stdout.strip().endswith(".ucloud/credential.json")
    (tmp_path / "config.toml").write_text(usms(env, "config", "example").stdout)
    out = usms(env, "config", "path", "all")
    assert out.returncode == 0 and "watchlist" in out.stdout and str(tmp_path / "xdg-data") in out.stdout


# --- the private key, set through each source, never comes out -------------------------------


def write_oauth_profile(home: Path) -> None:
    """A `ucloud auth login` profile whose access token is SECRET (its old key pair stays beside it)."""
    config = [{"profile": "default", "active": True, "project_id": "org-o"}]
    credential = [{"profile": "default", "public_key": "pub-stale", "private_key": "stale-private-key",
                   "auth_mode": "oauth", "access_token": SECRET, "refresh_token": REFRESH_SECRET,
                   "expires_at": 1750000000}]  # fmt: skip
    (home / ".ucloud" / "config.json").write_text(json.dumps(config))
    path = home / ".ucloud" / "credential.json"
    path.write_text(json.dumps(credential))
    path.chmod(0o600)


def _put_secret(source: str, tmp_path: Path, env: dict[str, str]) -> None:
    if source == "oauth":
        write_oauth_profile(Path(env["HOME"]))
    elif source == "env":
        env.update(UCLOUD_PUBLIC_KEY="pub-env", UCLOUD_PRIVATE_KEY=SECRET)
    elif source == "config.toml":
        path = tmp_path / "config.toml"
        path.write_text(f'[ucloud]\npublic_key = "pub-toml"\nprivate_key = "{SECRET}"\n')
        path.chmod(0o600)
    else:
        write_profile(Path(env["HOME"]))


SOURCES = ["env", "config.toml", "credential.json", "oauth"]


@pytest.mark.parametrize("source", SOURCES)
def test_config_show_never_prints_the_key_subprocess(tmp_path, source):
    env = clean_env(tmp_path)
    _put_secret(source, tmp_path, env)
    for args in (["config", "show"], ["config", "show", "--json"]):
        out = usms(env, *args)
        assert out.returncode == 0, out.stderr
        assert "set (hidden)" in out.stdout and not leaked(out.stdout + out.stderr)
    out = usms({**env, "UCLOUD_API_BASE_URL": SECRET}, "config", "show")  # key pasted in the wrong place
    assert out.returncode == 2 and not leaked(out.stdout + out.stderr)


BAD_OTHER_VALUES = [
    {"UCLOUD_TIMEOUT_SECOND": "abc"},
    {"UCLOUD_API_BASE_URL": "http://api.service.ucloud.cn"},
    {"UCLOUD_API_BASE_URL": SECRET},
    {"UCLOUD_API_BASE_URL": f"https://{SECRET}@host:bad"},
    {"UCLOUD_REGION": "r", "UCLOUD_PROFILE": "missing"},
    {"UCLOUD_SHARED_CONFIG_FILE": "/"},  # a directory
]


@pytest.mark.parametrize("source", SOURCES)
def test_key_absent_from_repr_output_and_every_error(tmp_path, monkeypatch, capsys, source):
    env = clean_env(tmp_path)
    _put_secret(source, tmp_path, env)
    for name in [k for k in os.environ if k.startswith(("UCLOUD_", "USMS_TUI_", "XDG_"))]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(settings_module, "_printed_warnings", set())

    settings = load_settings()
    assert SECRET in (settings.private_key, settings.access_token)
    login = settings.login()
    assert not leaked(repr(settings) + str(settings) + repr(login) + str(login) + str(dict(settings.sources)))
    for argv in (["config", "show"], ["config", "show", "--json"], ["config", "path", "all"]):
        assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert cli.main(["config", "--json"]) == 0 and cli.main(["config", "--json", "show"]) == 0
    both = capsys.readouterr().out.split("\n}\n")
    assert json.loads(both[0] + "}") == json.loads(both[1] + "}")
    assert "set (hidden)" in captured.out and not leaked(captured.out + captured.err)

    messages = []
    for bad in BAD_OTHER_VALUES:
        try:
            load_settings(env={**env, **bad})
        except ConfigError as error:
            messages.append(str(error))
    for overrides in ({"batch_size": 0}, {"interval": "0s"}, {"base_url": "ftp://x"}, {"region": 5}):
        with pytest.raises(ConfigError) as raised:
            load_settings(overrides, env=env)
        messages.append(str(raised.value))
    with pytest.raises(ConfigError) as raised:  # the half-configured case names the source, not the key
        Settings(private_key=SECRET, sources={"private_key": "env UCLOUD_PRIVATE_KEY"}).credentials()
    messages.append(str(raised.value))
    assert len(messages) == len(BAD_OTHER_VALUES) + 5
    for message in messages:
        assert not leaked(message), message
    with pytest.raises(ConfigError) as raised:
        load_settings({"private_key": 12345678})
    assert "12345678" not in str(raised.value) and "--private-key" in str(raised.value)
