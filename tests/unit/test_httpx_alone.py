"""``import_httpx_alone``: a headless command's ``import httpx`` leaves out httpx's command
line (click, pygments, rich), and ``httpx.main`` still runs the real one."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

SETUP = "import sys\nfrom usms_tui.api import import_httpx_alone\nimport_httpx_alone()\nimport httpx\n"


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", SETUP + code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_httpx_imported_alone_brings_no_command_line():
    assert run("print(sorted(m for m in ('click', 'pygments', 'rich') if m in sys.modules))") == "[]"
    assert run("print(httpx.AsyncClient.__name__, callable(httpx.main))") == "AsyncClient True"


@pytest.mark.skipif(importlib.util.find_spec("click") is None, reason="httpx's command line needs click")
def test_httpx_main_still_runs_the_real_command_line():
    shown = run("httpx.main(['--help'], standalone_mode=False)\nprint('click' in sys.modules)")
    assert "Usage" in shown and shown.endswith("True")


def test_once_httpx_is_imported_nothing_is_changed():
    code = "import httpx._main as found\nimport_httpx_alone()\nprint(sys.modules['httpx._main'] is found)"
    assert run(code) == "True"
