"""The one root of every expected failure, and the exit codes the commands use.

Every failure the program expects and can explain derives from :class:`UsmsError` and
carries the exit code a command ends with: the CLI catches the root once, prints its message
as one clear line (no traceback) and exits with that code. :class:`UserError` is what the
user can fix (flags, config, files); the API's failures (``usms_tui.api.errors``) carry 4, 5
or 6 by their kind.
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


class UsmsError(Exception):
    """An expected failure: its message is one line for a person, never with secrets in it."""

    exit_code: int = EXIT_USAGE


class UserError(UsmsError):
    """Something the user can fix: the message says what and how."""

    exit_code = EXIT_USAGE


class ConfigError(UserError):
    """A bad flag, environment variable or config file value, or missing credentials."""


class WatchlistError(UserError):
    """The watchlist file is corrupt, unreadable or unwritable. It was left as it was."""
