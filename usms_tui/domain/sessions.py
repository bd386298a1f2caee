"""A watched session and the rule for what a SessionNo may be. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from usms_tui.domain.text import first_unsafe

MAX_SESSION_NO_LENGTH = 128


@dataclass(frozen=True)
class WatchedSession:
    """One watched SessionNo and what the user told us about it."""

    session_no: str
    label: str = ""
    added_at: float = 0.0  # Unix seconds; 0.0 on input means "now" to Watchlist.add
    sent_at: float | None = None  # Unix seconds when known; ages count from it
    phones: tuple[str, ...] = ()  # phones the message went to, shown pending until a receipt
    note: str = ""
    archived: bool = False  # kept, but not polled

    @property
    def display_name(self) -> str:
        """The label when there is one, else the SessionNo."""
        return self.label or self.session_no


#: Longest label accepted: a label names a session in a table, it is not a note.
MAX_LABEL_LENGTH = 200


def validate_label(text: str) -> str:
    """Trim a label; raise ``ValueError(reason)`` when too long or holding control characters
    (they would be invisible in the UI's tables, or act on a terminal printing ``list``)."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    label = text.strip()
    if len(label) > MAX_LABEL_LENGTH:
        raise ValueError(f"longer than {MAX_LABEL_LENGTH} characters ({len(label)})")
    _refuse_unsafe(label)
    return label


def _refuse_unsafe(text: str) -> None:
    """One rule for every field a person reads: what :func:`~usms_tui.domain.text.safe` would
    have to escape is refused at the door (the watchlist then never holds it)."""
    char = first_unsafe(text)
    if char is None:
        return
    if 0xD800 <= ord(char) <= 0xDFFF:
        # What a byte that is not UTF-8 becomes in the command line (surrogateescape).
        raise ValueError(f"contains a byte that is not UTF-8 text (U+{ord(char):04X})")
    raise ValueError(f"contains a control character (U+{ord(char):04X})")


def validate_session_no(text: str) -> str:
    """Trim a SessionNo; raise ``ValueError(reason)`` when it cannot be one."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    value = text.strip()
    if not value:
        raise ValueError("empty")
    if len(value) > MAX_SESSION_NO_LENGTH:
        raise ValueError(f"longer than {MAX_SESSION_NO_LENGTH} characters ({len(value)})")
    if any(char.isspace() for char in value):
        raise ValueError("contains whitespace")
    _refuse_unsafe(value)
    return value
