"""A watched session and the rules for what the user may give about one: SessionNo, label,
phones and send time. The CLI's flags and the UI's dialogs validate through these functions,
so both accept and refuse the same input with the same reason. Pure: no I/O."""

from __future__ import annotations

import functools
import json
import re
from typing import NamedTuple

from usms_tui.domain.text import first_unsafe
from usms_tui.domain.timefmt import format_duration, parse_duration, parse_time

MAX_SESSION_NO_LENGTH = 128


class _Keep:
    """The default of :meth:`WatchedSession.replace` for a field whose None is a value."""


_KEEP = _Keep()


class _Fields(NamedTuple):
    session_no: str
    label: str = ""
    added_at: float = 0.0
    sent_at: float | None = None
    phones_text: str = ""
    note: str = ""
    archived: bool = False
    project_id: str | None = None


class WatchedSession(_Fields):
    """One watched SessionNo and what the user told us about it.

    Fields: ``session_no``; ``label``; ``added_at`` (Unix seconds; 0.0 on input means "now"
    to ``Watchlist.add``); ``sent_at`` (Unix seconds when known; ages count from it);
    ``phones`` (the phones the message went to, shown pending until a receipt); ``note``;
    ``archived`` (kept, but not polled); ``project_id`` (the UCloud project it was sent under,
    None for the configured one: the API answers a session only under its own project, so one
    sent elsewhere would stay pending for ever).

    A tuple, and immutable as one: a start holds 100,000 of them, and a tuple is half the
    size of an object with a dict and made in one call. The phones are kept as their stored
    text (:func:`phones_to_text`) and split when asked for: a session's phones as separate
    strings cost three times as much, for the few views that read them.
    """

    __slots__ = ()

    def __new__(
        cls,
        session_no: str,
        label: str = "",
        added_at: float = 0.0,
        sent_at: float | None = None,
        phones: tuple[str, ...] = (),
        note: str = "",
        archived: bool = False,
        project_id: str | None = None,
    ) -> WatchedSession:
        return _new(cls, (session_no, label, added_at, sent_at, phones_to_text(phones), note, archived, project_id))

    @classmethod
    def stored(
        cls,
        session_no: str,
        label: str,
        added_at: float,
        sent_at: float | None,
        phones_text: str,
        note: str,
        archived: bool,
        project_id: str | None,
    ) -> WatchedSession:
        """A session from fields as stored, ``phones_text`` as :func:`phones_to_text` writes it."""
        return _new(cls, (session_no, label, added_at, sent_at, phones_text, note, archived, project_id))

    @property
    def phones(self) -> tuple[str, ...]:
        """The phones the message went to, in the order given."""
        text = self.phones_text
        if not text.startswith("["):
            return tuple(text.split("\n")) if text else ()
        return phones_from_text(text)

    @property
    def display_name(self) -> str:
        """The label when there is one, else the SessionNo."""
        return self.label or self.session_no

    def replace(
        self,
        *,
        session_no: str | None = None,
        label: str | None = None,
        added_at: float | None = None,
        sent_at: float | _Keep | None = _KEEP,
        phones: tuple[str, ...] | None = None,
        note: str | None = None,
        archived: bool | None = None,
        project_id: str | _Keep | None = _KEEP,
    ) -> WatchedSession:
        """This session with the fields given changed (the others as they are)."""
        return _new(
            type(self),
            (
                self.session_no if session_no is None else session_no,
                self.label if label is None else label,
                self.added_at if added_at is None else added_at,
                self.sent_at if isinstance(sent_at, _Keep) else sent_at,
                self.phones_text if phones is None else phones_to_text(phones),
                self.note if note is None else note,
                self.archived if archived is None else archived,
                self.project_id if isinstance(project_id, _Keep) else project_id,
            ),
        )


_new = tuple.__new__  # a tuple made directly: a class's own __new__ is a Python call


def phones_to_text(phones: tuple[str, ...]) -> str:
    """One line per phone (cheap to split, and one string per session in memory and in the
    store); JSON when a phone itself holds a line break, when the first starts like JSON, or
    for one empty phone (which the lines would read back as none)."""
    if any("\n" in p for p in phones) or (phones and phones[0].startswith("[")) or phones == ("",):
        return json.dumps(list(phones), ensure_ascii=False)
    return "\n".join(phones)


def phones_from_text(text: str) -> tuple[str, ...]:
    """Inverse of :func:`phones_to_text`; ``ValueError`` for what it cannot have written."""
    if not text.startswith("["):
        return tuple(text.split("\n")) if text else ()
    try:
        numbers = json.loads(text)
    except ValueError:
        numbers = None
    if not isinstance(numbers, list) or not all(isinstance(p, str) for p in numbers):
        raise ValueError("phones is not a JSON list of texts")
    return tuple(numbers)


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
