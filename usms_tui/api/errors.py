"""Exceptions for a failed call, one class per kind of failure (for ``except`` clauses).

They derive from the program's one error root, so a call that fails outside a refresh cycle
ends a command with the exit code of its kind: 4 fatal, 5 transient or throttled, 6 other.
"""

from __future__ import annotations

from usms_tui.domain.errors import EXIT_FATAL_API, EXIT_OTHER_API, EXIT_TRANSIENT_API, UsmsError
from usms_tui.domain.failures import BatchError, ErrorKind


class ApiError(UsmsError):
    """A failed call, carrying its :class:`BatchError`. Subclassed by kind for ``except`` clauses."""

    kind: ErrorKind = ErrorKind.OTHER
    exit_code = EXIT_OTHER_API

    def __init__(self, error: BatchError) -> None:
        super().__init__(error.describe())
        self.error = error

    @staticmethod
    def from_error(error: BatchError) -> ApiError:
        cls = {
            ErrorKind.TRANSIENT: TransientError,
            ErrorKind.THROTTLED: ThrottledError,
            ErrorKind.FATAL: FatalError,
        }.get(error.kind, OtherApiError)
        return cls(error)


class TransientError(ApiError):
    kind = ErrorKind.TRANSIENT
    exit_code = EXIT_TRANSIENT_API


class ThrottledError(ApiError):
    kind = ErrorKind.THROTTLED
    exit_code = EXIT_TRANSIENT_API


class FatalError(ApiError):
    kind = ErrorKind.FATAL
    exit_code = EXIT_FATAL_API


class OtherApiError(ApiError):
    kind = ErrorKind.OTHER
    exit_code = EXIT_OTHER_API
