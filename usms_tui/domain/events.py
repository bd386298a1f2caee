"""What a refresh cycle found worth telling someone about: news, not the state itself.

The poller emits these; the refresh controller decides whether they are alerts (the first
look at sessions never seen before is summed up instead), and the UI words them.
"""

from __future__ import annotations

from dataclasses import dataclass

from usms_tui.domain.receipts import Receipt


@dataclass(frozen=True)
class PhoneFailed:
    """A phone's receipt turned failed (or unknown) since the last refresh."""

    session_no: str
    receipt: Receipt


@dataclass(frozen=True)
class SessionOverdue:
    """A session passed the warning age without every phone having a final receipt."""

    session_no: str


#: Every kind of event; tell them apart with ``isinstance`` or ``match``.
Event = PhoneFailed | SessionOverdue

__all__ = ["Event", "PhoneFailed", "SessionOverdue"]
