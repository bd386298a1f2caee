"""``add`` as a shell script runs it, one session per process: it loads only what it uses.

Each module held out here was once imported by every command's settings or shared plumbing
(the summaries for a percentage, the UI's key names, the credential classes, the TOML
parser, the batch errors). These tests say which modules, not how fast: a module that comes
back into the path of ``add`` fails here, whatever the machine.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.process_env import isolated_env

#: Modules ``add`` of one SessionNo, with no config.toml, has no use for.
NOT_FOR_ADD = (
    "tomllib",
    "usms_tui.config.keys",
    "usms_tui.domain.credentials",
    "usms_tui.domain.failures",
    "usms_tui.domain.receipts",
    "usms_tui.domain.summary",
    "usms_tui.domain.thresholds",
)

RUN = (
    "import sys, runpy\n"
    "sys.argv = ['usms-tui', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('usms_tui', run_name='__main__')\n"
    "except SystemExit as stop:\n    code = stop.code\n"
    "print('exit', code)\n"
    f"print(sorted(m for m in {NOT_FOR_ADD!r} if m in sys.modules))\n"
)


def _run(tmp_path, *args: str, config: str | None = None) -> tuple[str, str]:
    env = isolated_env(tmp_path)
    if config is not None:
        (tmp_path / "c.toml").write_text(config)
    out = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, env=env, check=True)
    *_, code, loaded = out.stdout.strip().splitlines()
    return f"{code}\n{loaded}", out.stderr


def test_add_imports_none_of_what_it_does_not_use(tmp_path):
    shown, err = _run(tmp_path, "add", "usms-x-1", "--label", "batch", "--phone", "13800000000")
    assert shown == "exit 0\n[]", err


def test_add_with_a_config_file_reads_it_and_only_then_loads_the_toml_parser(tmp_path):
    shown, err = _run(tmp_path, "add", "usms-x-1", config="[ui]\nbell = true\n")
    assert shown == "exit 0\n['tomllib']", err


@pytest.mark.parametrize(
    ("config", "complaint"),
    [
        ('[keys]\nrefresh = "escape"\n', "[keys] refresh"),  # the key names, loaded for [keys]
        ('[alerts]\nfail_above = "lots"\n', "percentage"),  # the thresholds, loaded for a percentage
    ],
)
def test_what_add_leaves_out_still_checks_a_config_file_that_uses_it(tmp_path, config, complaint):
    # Loaded when the file needs them, so a bad value is refused as before, naming itself.
    shown, err = _run(tmp_path, "add", "usms-x-1", config=config)
    assert shown.startswith("exit 2\n"), err
    assert complaint in err
