"""How many examples each fuzz target tries: its default in the normal suite, more on demand.

``USMS_TUI_FUZZ_EXAMPLES=5000 python -m pytest tests -k hostile`` runs every target longer
(the suite's own numbers keep it at a few seconds each).
"""

from __future__ import annotations

import os


def examples(default: int) -> int:
    """``default``, or the number in ``USMS_TUI_FUZZ_EXAMPLES`` when it is set."""
    return int(os.environ.get("USMS_TUI_FUZZ_EXAMPLES") or default)
