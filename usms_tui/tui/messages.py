"""Messages between the refresh worker, the app and the screens (named in the past tense)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from usms_tui.monitor.poller import RefreshReport
    from usms_tui.monitor.preview import Preview


class ReceiptsRefreshed(Message):
    """A refresh cycle finished (successfully or with errors); screens diff-update from the poller.

    ``report`` is the poller's ``RefreshReport``, or ``None`` when only local data changed
    (a session added, deleted or relabelled, the mask toggled) and no request was made.
    """

    def __init__(self, report: RefreshReport | None = None) -> None:
        super().__init__()
        self.report = report


class SessionHighlighted(Message):
    """The cursor of the sessions table moved to another session (``None``: the table is empty)."""

    def __init__(self, session_no: str | None) -> None:
        super().__init__()
        self.session_no = session_no


class FirstRowsRead(Message):
    """A big watchlist's first rows were read ahead of the rest (``preview``); the whole
    watchlist follows, with a :class:`ReceiptsRefreshed`."""

    def __init__(self, preview: Preview) -> None:
        super().__init__()
        self.preview = preview
