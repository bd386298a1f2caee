"""Shared plumbing of the headless commands: settings, watchlist, cache, warnings.

Imports here stay light (no httpx, no textual) so every command's ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from usms_tui.domain.errors import EXIT_FATAL_API, EXIT_OK, EXIT_OTHER_API, EXIT_TRANSIENT_API, UserError
from usms_tui.domain.text import safe

if TYPE_CHECKING:
    from usms_tui.config.settings import Settings
    from usms_tui.domain.failures import BatchError
    from usms_tui.domain.summary import SessionSummary
    from usms_tui.store.cache import CachedSession, ReceiptCache
    from usms_tui.store.watchlist import WatchedSession, Watchlist

T = TypeVar("T")

#: Cache rows of sessions no longer watched are kept this long after their last refresh.
CACHE_KEEP_SECONDS = 30 * 86400.0

API_EXIT_CODES_HELP = """\
exit codes:
  0  every batch was fetched
  2  bad flag or input, missing credentials, or a corrupt watchlist (the file is left as it was)
  4  fatal API error: credentials, permission or project rejected (RetCode 171, 172, 29x, ...),
     or a TLS certificate that fails verification
  5  transient failures (network, timeouts, HTTP 5xx/429, throttling) outlasted the retries
  6  another API error (bad parameter, USMS 18xxx, malformed answer)
  129, 143  stopped by SIGHUP (the terminal hung up) or SIGTERM, after closing its files
"""


UI_EXIT_CODES_HELP = """\
Needs a terminal: with standard output not a terminal (a pipe, a file) or TERM=dumb it refuses
at once; scripts use 'usms-tui check' (one refresh) or 'usms-tui list' (the last known state).

exit codes:
  0    quit
  2    no terminal, missing credentials, a bad setting, or a corrupt watchlist
  129  the terminal hung up (SIGHUP: a closed window, a dropped SSH link)
  143  terminated (SIGTERM)
"""


def formatter() -> type[argparse.HelpFormatter]:
    """Keep the exit-code tables in epilogs as written."""
    return argparse.RawDescriptionHelpFormatter


def load_settings(args: argparse.Namespace) -> Settings:
    """Effective settings for this run (flags > env > config.toml > ucloud profile)."""
    from usms_tui.config.settings import settings_from_args

    return settings_from_args(args)


def open_watchlist(settings: Settings) -> Watchlist:
    """The watchlist, opened and checked (its sessions are read when first asked for, so an
    ``add`` of one session does not read 100,000). A corrupt file raises WatchlistError
    (one line, exit 2)."""
    from usms_tui.store.watchlist import Watchlist

    watchlist = Watchlist(settings.watchlist_path)
    watchlist.check()
    return watchlist


def open_cache(settings: Settings) -> ReceiptCache | None:
    """The receipt cache, or None (with a warning on stderr) when it cannot be used: it is disposable."""
    from usms_tui.monitor.runtime import open_cache as open_or_warn

    return open_or_warn(settings.cache_path, warn)


def load_cached(settings: Settings) -> dict[str, CachedSession]:
    """The cache's last known state of every session, read and closed again ({} without one)."""
    cache = open_cache(settings)
    try:
        return cache.load_all() if cache is not None else {}
    finally:
        close_cache(cache)


def parse_option(value: str, parse: Callable[[str], T], flag: str) -> T:
    """``parse(value)``, its ValueError turned into a one-line UserError naming ``flag``."""
    try:
        return parse(value)
    except ValueError as error:
        raise UserError(f"{flag}: {error}") from None


def close_cache(cache: ReceiptCache | None) -> None:
    """Show any cache warnings, then close it."""
    from usms_tui.monitor.runtime import flush_cache_warnings

    if cache is not None:
        flush_cache_warnings(cache, warn)
        cache.close()


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (not a pipe, a file or closed)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # no usable stdout
        return False


def terminal_width() -> int | None:
    """The terminal's width when stdout is one, else None: in a pipe or a file nothing is
    cut, so a SessionNo reaches a support ticket whole."""
    return shutil.get_terminal_size().columns if stdout_is_terminal() else None


def require_terminal() -> None:
    """Refuse to open the UI where it cannot work, before anything starts: into a pipe it
    wrote escape codes until killed, and a ``TERM=dumb`` terminal cannot show it."""
    if os.environ.get("TERM") == "dumb":
        reason = "TERM=dumb cannot show it"
    elif not stdout_is_terminal():
        reason = "standard output is not a terminal"
    else:
        return
    raise UserError(
        f"the UI needs a terminal ({reason}); for scripts use 'usms-tui check' (one refresh) "
        "or 'usms-tui list' (the last known state)"
    )


def warn(message: str) -> None:
    """One warning line on stderr."""
    print(f"usms-tui: warning: {safe(message)}", file=sys.stderr)


@dataclass(frozen=True)
class SessionView:
    """A watched session with what the cache last knew about it."""

    entry: WatchedSession
    summary: SessionSummary
    cached: CachedSession | None


def session_views(
    entries: Iterable[WatchedSession],
    cached: Mapping[str, CachedSession],
    *,
    now: float | None = None,
    warn_after: float,
) -> list[SessionView]:
    """Summaries from the cache only (no network), in watchlist order."""
    from usms_tui.domain.summary import summarize

    now = time.time() if now is None else now
    views = []
    for entry in entries:
        hit = cached.get(entry.session_no)
        summary = summarize(
            entry.session_no,
            (hit.receipts or ()) if hit else (),
            now=now,
            added_at=entry.added_at,
            sent_at=entry.sent_at,
            known_phones=entry.phones,
            warn_after=warn_after,
        )
        views.append(SessionView(entry, summary, hit))
    return views


def exit_code_for(errors: Iterable[BatchError]) -> int:
    """The exit code a set of failed batches deserves (worst first: fatal, other, transient)."""
    from usms_tui.domain.failures import ErrorKind  # here: add, remove and list fetch nothing

    kinds = {e.kind for e in errors}
    if ErrorKind.FATAL in kinds:
        return EXIT_FATAL_API
    if ErrorKind.OTHER in kinds:
        return EXIT_OTHER_API
    if kinds & {ErrorKind.TRANSIENT, ErrorKind.THROTTLED}:
        return EXIT_TRANSIENT_API
    return EXIT_OK


def counts_dict(summary: SessionSummary) -> dict[str, int]:
    """``{"delivered": n, "failed": n, "unknown": n, "pending": n, "other": n}``."""
    from usms_tui.domain.receipts import STATUS_ORDER

    get = summary.counts.get
    return {str(status): get(status, 0) for status in STATUS_ORDER}


def state_word(summary: SessionSummary, never_checked: bool) -> str:
    """One word for a session's state in tables."""
    if summary.settled:
        return "settled"
    if summary.overdue:
        return "OVERDUE"
    return "unchecked" if never_checked else "pending"
