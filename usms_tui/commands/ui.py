"""``usms-tui`` with no command (or ``usms-tui ui``): open the terminal UI on the watchlist.

Imports textual and httpx only inside :func:`run`, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from usms_tui.errors import EXIT_OK


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``ui`` subcommand (what ``usms-tui`` runs when no command is given)."""
    parser = subparsers.add_parser(
        "ui",
        parents=[common],
        help="open the terminal UI on the watchlist (the default)",
        description="Watch the sessions of the watchlist live. Press ? inside for the keys.",
    )
    parser.set_defaults(run=run)


def open_cache(path: Any, notes: list[str] | None = None) -> Any:
    """The receipt cache, or None with a warning: it only speeds up the first paint.

    Warnings go to stderr and, when ``notes`` is given, into it too: the app's screen covers
    stderr at once, so the app shows them again as notifications.
    """
    from usms_tui.cache import CacheError, ReceiptCache

    messages: list[str] = []
    try:
        cache = ReceiptCache(path)
    except (CacheError, OSError) as error:
        cache = None
        messages.append(f"{error}; continuing without the cache")
    else:
        messages.extend(str(message) for message in getattr(cache, "warnings", ()))
    for message in messages:
        print(f"usms-tui: warning: {message}", file=sys.stderr)
    if notes is not None:
        notes.extend(messages)
    return cache


def run_app(settings: Any, base_url: str | None = None) -> int:
    """Build client, watchlist, cache and poller from ``settings`` and run the app until quit."""
    from usms_tui.api.client import build_client
    from usms_tui.poller import Poller
    from usms_tui.tui.app import make_app
    from usms_tui.watchlist import Watchlist

    client = build_client(settings)  # raises ConfigError (one line) without credentials
    watchlist = Watchlist(settings.watchlist_path)
    watchlist.load()  # a corrupt watchlist is one line and exit 2 here, not a screen of errors
    notes: list[str] = []
    cache = open_cache(settings.cache_path, notes)
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
    from usms_tui.settings import settings_from_args

    settings = settings_from_args(args)
    settings.credentials()  # fail before the screen switches, with the message naming every way
    return run_app(settings)
