"""Exceptions for a failed call, one class per kind of failure (for ``except`` clauses)."""

from __future__ import annotations

from usms_tui.domain.failures import BatchError, ErrorKind


class ApiError(Exception):
    """A failed call, carrying its :class:`BatchError`. Subclassed by kind for ``except`` clauses."""

    kind: ErrorKind = ErrorKind.OTHER

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


class ThrottledError(ApiError):
    kind = ErrorKind.THROTTLED


class FatalError(ApiError):
    kind = ErrorKind.FATAL


class OtherApiError(ApiError):
    kind = ErrorKind.OTHER
