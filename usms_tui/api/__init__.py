"""The UCloud API client: signing, the receipt client and its error classes. No UI imports."""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def import_httpx_alone() -> None:
    """Have the first ``import httpx`` leave out httpx's own command line (``httpx._main``).

    httpx imports it whenever ``click`` is installed (the lint tools bring it), and with it
    click, pygments and rich: half of the 0.1 s an ``import httpx`` costs, before a headless
    command's first request, for a command line it never runs. In its place is a module
    whose ``main`` imports the real one and runs it, so ``httpx.main`` still works. Nothing
    is done once httpx is imported (its ``main`` is then whatever it found).
    """
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    stand_in = types.ModuleType("httpx._main", "httpx's command line, imported when first run")

    def main(*args: Any, **kwargs: Any) -> Any:
        if sys.modules.get("httpx._main") is stand_in:
            del sys.modules["httpx._main"]
        return importlib.import_module("httpx._main").main(*args, **kwargs)

    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stand_in
