"""The core must not import textual or rich: headless commands stay fast and UI-free."""

from __future__ import annotations

import subprocess
import sys

#: Every package below the UI. Walked, not listed, so a new core module is checked too.
CORE_PACKAGES = ("domain", "api", "store", "config", "monitor", "simulator")

# httpx imports its own command line (and with it rich) when click happens to be installed,
# which the lint tools bring. So rich being in sys.modules proves nothing about our code:
# instead every import of textual or rich is refused, and each core module must still load.
BLOCK_UI = """
import importlib, pkgutil, sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("textual", "rich"):
            raise ImportError(f"core imported {name}")
sys.meta_path.insert(0, Refuse())
"""


def test_core_does_not_import_textual_or_rich():
    code = BLOCK_UI + (
        "import usms_tui\n"
        "names = []\n"
        f"for package in {CORE_PACKAGES!r}:\n"
        "    module = importlib.import_module('usms_tui.' + package)\n"
        "    names.append(module.__name__)\n"
        "    names += [m.name for m in pkgutil.walk_packages(module.__path__, module.__name__ + '.')]\n"
        "names.append('usms_tui.cli.main')\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 30  # the walk really found the core


def test_version_and_help_start_without_textual():
    out = subprocess.run([sys.executable, "-m", "usms_tui", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.startswith("usms-tui ")
    code = "import sys; from usms_tui.cli.main import build_parser; build_parser(); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
