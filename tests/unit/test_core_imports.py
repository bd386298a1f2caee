"""The core must not import textual or rich: headless commands stay fast and UI-free."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "usms_tui.settings",
    "usms_tui.settings_values",
    "usms_tui.config_file",
    "usms_tui.ucloud_profile",
    "usms_tui.api.signing",
    "usms_tui.api.errors",
    "usms_tui.api.client",
    "usms_tui.api.batching",
    "usms_tui.poller",
    "usms_tui.model",
    "usms_tui.paths",
    "usms_tui.errors",
    "usms_tui.cli",
    "usms_tui.watchlist",
    "usms_tui.cache",
    "usms_tui.filelock",
    "usms_tui.atomic",
    "usms_tui.importer",
    "usms_tui.cache_codec",
    "usms_tui.watchlist_format",
    "usms_tui.watchlist_model",
    "usms_tui.simulator",
    "usms_tui.simulator.server",
    "usms_tui.simulator.transport",
    "usms_tui.exporting",
    "usms_tui.timefmt",
]


def test_core_does_not_import_textual_or_rich():
    code = (
        # Every module must import: skipping missing ones let a misspelt or renamed module
        # pass without being checked at all.
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_and_help_start_without_textual():
    out = subprocess.run([sys.executable, "-m", "usms_tui", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.startswith("usms-tui ")
    code = "import sys; from usms_tui.cli import build_parser; build_parser(); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
