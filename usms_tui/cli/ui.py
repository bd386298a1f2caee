"""``usms-tui`` with no command (or ``usms-tui ui``): open the terminal UI on the watchlist.

Imports textual and httpx only inside :func:`run`, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
from typing import Any

from usms_tui.domain.errors import EXIT_OK


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``ui`` subcommand (what ``usms-tui`` runs when no command is given)."""
    parser = subparsers.add_parser(
        "ui",
        parents=[common],
        help="open the terminal UI on the watchlist (the default)",
        description="Watch the sessions of the watchlist live. Press ? inside for the keys.",
    )
    parser.set_defaults(run=run)


def run_app(settings: Any) -> int:
    """Build client, watchlist, cache and poller from ``settings`` and run the app until quit."""
    from usms_tui.cli._common import open_cache, open_watchlist
    from usms_tui.monitor.poller import Poller
    from usms_tui.monitor.runtime import build_client
    from usms_tui.tui.app import make_app

    client = build_client(settings)  # raises ConfigError (one line) without credentials
    watchlist = open_watchlist(settings)  # a corrupt watchlist is one line and exit 2, not a screen of errors
    notes: list[str] = []
    cache = open_cache(settings, notes)
    poller = Poller(watchlist, cache, client, warn_after=settings.warn_after, interval=settings.interval)
    app = make_app(settings, poller=poller, watchlist=watchlist)
    app.startup_notes = notes
    try:
        app.run()
    finally:
        if cache is not None:
            cache.close()
    return EXIT_OK if app.return_code in (None, 0) else int(app.return_code)


def run(args: argparse.Namespace) -> int:
    """Open the UI with the effective settings; missing credentials are one clear line."""
    from usms_tui.config.settings import settings_from_args

    settings = settings_from_args(args)
    settings.credentials()  # fail before the screen switches, with the message naming every way
    return run_app(settings)
