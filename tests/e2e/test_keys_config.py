"""config.toml's ``[keys]`` end to end: a bad map is one line naming the key and why, exit 2,
for every command (settings load first); ``config show`` and ``config example`` list the map."""

from __future__ import annotations

import json

import pytest

from .test_config_cmd import clean_env, usms

BAD = [
    ('[keys]\nrefreh = "x"\n', "[keys] refreh ({config}): not an action; the actions are: add, back,"),
    ('[keys]\nrefresh = "a"\n', "[keys] add and [keys] refresh ({config}) would both be the key a on the main screen"),
    ('[keys]\nrefresh = "escape"\n', "[keys] refresh='escape' ({config}): escape is not free: it goes back"),
    ('[keys]\nrefresh = "\\u001b[2J"\n', "[keys] refresh ({config}): holds a control character"),
    ("[keys.refresh]\nkey = 'r'\n", "[keys] refresh ({config}): must be a key name in quotes"),
    (f'[keys]\nrefresh = "{"r" * 100_000}"\n', "[keys] refresh ({config}): is too long (at most 80 characters)"),
]


@pytest.mark.parametrize(("text", "line"), BAD, ids=["unknown", "clash", "reserved", "control", "nested", "huge"])
def test_a_bad_key_map_is_one_line_and_exit_2(tmp_path, text, line):
    env = clean_env(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(text)
    for args in (["config", "show"], ["list"]):
        out = usms(env, *args)
        assert out.returncode == 2, out.stderr
        assert out.stdout == "" and "Traceback" not in out.stderr
        assert len(out.stderr.splitlines()) == 1 and len(out.stderr) < 600
        assert out.stderr.startswith("usms-tui: error: " + line.format(config=config)), out.stderr


def test_config_show_lists_the_key_map_and_where_it_came_from(tmp_path):
    env = clean_env(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nrefresh = "ctrl+r"\nquit = "q,ctrl+q"\n')
    out = usms(env, "config", "show")
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line.split()[1:] for line in out.stdout.splitlines() if line.startswith("keys.")}
    assert rows["keys.refresh"] == ["ctrl+r", "config.toml", str(config)]
    assert rows["keys.quit"] == ["q,ctrl+q", "config.toml", str(config)]
    assert rows["keys.help"] == ["?", "default"]
    shown = json.loads(usms(env, "config", "show", "--json").stdout)["keys"]
    assert shown["refresh"] == {"value": "ctrl+r", "source": f"config.toml {config}"}
    assert shown["pause"] == {"value": "p", "source": "default"}


def test_the_example_key_map_loads(tmp_path):
    env = clean_env(tmp_path)
    example = usms(env, "config", "example").stdout
    assert "[keys]" in example and '# refresh = "r"' in example
    # Uncommented, every action at its default is a valid map.
    (tmp_path / "config.toml").write_text(example.replace("\n# refresh", "\nrefresh").replace("\n# back", "\nback"))
    out = usms(env, "config", "show")
    assert out.returncode == 0, out.stderr
    assert "keys.refresh" in out.stdout and "unknown" not in out.stderr
