"""Expected failures a user can fix, and the exit codes the commands use.

The CLI prints a :class:`UserError` as one clear line (no traceback) and exits with its code.
"""

from __future__ import annotations

# Exit codes, documented in the README. ``wait`` adds its own meaning to 1 and 3.
EXIT_OK = 0
EXIT_SOME_FAILED = 1  # wait: every session settled, some phones failed or unknown
EXIT_USAGE = 2  # bad flag, bad config value, corrupt watchlist, refused input
EXIT_TIMED_OUT = 3  # wait: timed out with sessions still pending
EXIT_FATAL_API = 4  # credentials, permission or project rejected by UCloud
EXIT_TRANSIENT_API = 5  # network/service failures outlasted the retries
EXIT_OTHER_API = 6  # the API answered an error that is neither (bad parameter, 18xxx, ...)
EXIT_THRESHOLD = 7  # check: an alert threshold was crossed (4, 5 and 6 win: the data is not trusted)
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # as a tool killed by SIGPIPE (the reader of our output went away)


class UserError(Exception):
    """Something the user can fix: the message says what and how. Never carries secrets."""

    exit_code = EXIT_USAGE


class ConfigError(UserError):
    """A bad flag, environment variable or config file value, or missing credentials."""


class WatchlistError(UserError):
    """The watchlist file is corrupt, unreadable or unwritable. It was left as it was."""
