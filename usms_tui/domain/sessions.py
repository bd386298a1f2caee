"""A watched session and the rules for what the user may give about one: SessionNo, label,
phones and send time. The CLI's flags and the UI's dialogs validate through these functions,
so both accept and refuse the same input with the same reason. Pure: no I/O."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from usms_tui.domain.text import first_unsafe
from usms_tui.domain.timefmt import format_duration, parse_duration, parse_time

MAX_SESSION_NO_LENGTH = 128


@dataclass(frozen=True, init=False)
class WatchedSession:
    """One watched SessionNo and what the user told us about it."""

    session_no: str
    label: str = ""
    added_at: float = 0.0  # Unix seconds; 0.0 on input means "now" to Watchlist.add
    sent_at: float | None = None  # Unix seconds when known; ages count from it
    phones: tuple[str, ...] = ()  # phones the message went to, shown pending until a receipt
    note: str = ""
    archived: bool = False  # kept, but not polled
    # The UCloud project it was sent under; None: the configured one. The API answers a
    # session only under its own project, so one sent elsewhere would stay pending for ever.
    project_id: str | None = None

    def __init__(
        self,
        session_no: str,
        label: str = "",
        added_at: float = 0.0,
        sent_at: float | None = None,
        phones: tuple[str, ...] = (),
        note: str = "",
        archived: bool = False,
        project_id: str | None = None,
    ) -> None:
        # Frozen all the same (assignment raises); written straight into the instance's dict
        # because the generated __init__'s object.__setattr__ per field made each entry three
        # times dearer, and a start reads 100,000 of them.
        fields = self.__dict__
        fields["session_no"] = session_no
        fields["label"] = label
        fields["added_at"] = added_at
        fields["sent_at"] = sent_at
        fields["phones"] = phones
        fields["note"] = note
        fields["archived"] = archived
        fields["project_id"] = project_id

    @property
    def display_name(self) -> str:
        """The label when there is one, else the SessionNo."""
        return self.label or self.session_no


#: Longest label accepted, here and in the UI's dialogs: a label names a session in one line of
#: a table or a dialog; it is not a note.
MAX_LABEL_LENGTH = 64


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


# The two patterns are compiled when a phone is first checked, not when every command loads
# this module.


@functools.cache
def _phone() -> re.Pattern[str]:
    """Digits with an optional leading + and the brackets/dashes people paste (UCloud writes
    international numbers as "(852)55311234"), at least 3 digits."""
    return re.compile(r"^\+?[0-9()\-]{3,32}$")


@functools.cache
def _phone_separators() -> re.Pattern[str]:
    return re.compile(r"[,;\s]+")


def validate_phone(text: str) -> str:
    """Trim a phone number; raise ``ValueError(reason)`` when it cannot be one."""
    phone = text.strip()
    if not _phone().match(phone) or sum(c.isdigit() for c in phone) < 3:
        raise ValueError(f"{phone!r} is not a phone number (digits, with an optional + ( ) -)")
    return phone


def parse_phones(text: str) -> tuple[str, ...]:
    """``"138..., 139..."`` (commas, semicolons or spaces) -> the phones in order without
    duplicates; "" -> ``()``. Raises ``ValueError`` naming the first bad one."""
    phones = [validate_phone(part) for part in _phone_separators().split(text.strip()) if part]
    return tuple(dict.fromkeys(phones))


#: A send time may only be in the past; this much slack for clocks that disagree.
FUTURE_SLACK = 300.0


def parse_sent_at(text: str, now: float) -> float | None:
    """When a message was sent: ISO 8601 (naive = local time), Unix seconds, or
    ``<duration> ago`` (``2h ago``, ``1h30m ago``); "" -> None. Raises ``ValueError`` with the
    reason, also for a time in the future (ages and the overdue warning count from it)."""
    raw = text.strip()
    if not raw:
        return None
    if raw.lower().endswith(" ago"):
        return now - parse_duration(raw[:-4])
    moment = parse_time(raw)
    if moment > now + FUTURE_SLACK:
        ahead = format_duration(moment - now)
        raise ValueError(f"{raw!r} is {ahead} in the future (a send time must be in the past)")
    return moment


#: Longest project id accepted (UCloud's look like ``org-abc123``; this is generous).
MAX_PROJECT_ID_LENGTH = 64


def validate_project_id(text: str) -> str:
    """Trim a project id; raise ``ValueError(reason)`` when it cannot be one (it goes into
    every request for the session, and is shown in ``list`` and the UI)."""
    return _validate_token(text, MAX_PROJECT_ID_LENGTH)


def validate_session_no(text: str) -> str:
    """Trim a SessionNo; raise ``ValueError(reason)`` when it cannot be one."""
    return _validate_token(text, MAX_SESSION_NO_LENGTH)


def _validate_token(text: str, limit: int) -> str:
    """One word of at most ``limit`` characters, trimmed, with nothing unsafe to show or send."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    value = text.strip()
    if not value:
        raise ValueError("empty")
    if len(value) > limit:
        raise ValueError(f"longer than {limit} characters ({len(value)})")
    if any(char.isspace() for char in value):
        raise ValueError("contains whitespace")
    _refuse_unsafe(value)
    return value
