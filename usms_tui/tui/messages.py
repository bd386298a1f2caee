"""Messages between the refresh worker, the app and the screens (named in the past tense)."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class ReceiptsRefreshed(Message):
    """A refresh cycle finished (successfully or with errors); screens diff-update from the poller.

    ``report`` is the poller's ``RefreshReport``, or ``None`` when only local data changed
    (a session added, deleted or relabelled, the mask toggled) and no request was made.
    """

    def __init__(self, report: Any | None = None) -> None:
        super().__init__()
        self.report = report


class RefreshFailed(Message):
    """The refresh cycle itself crashed (a bug or an unexpected exception), not an API error."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class SessionHighlighted(Message):
    """The cursor of the sessions table moved to another session (``None``: the table is empty)."""

    def __init__(self, session_no: str | None) -> None:
        super().__init__()
        self.session_no = session_no
