"""The watchlist file format (version 1): parsing with precise error messages, and writing.

Kept apart from :mod:`usms_tui.watchlist` (locking, merging) so each stays small.
Unknown keys, in the document or in a session, are carried through a rewrite untouched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from usms_tui.domain import json_safety
from usms_tui.domain.errors import WatchlistError
from usms_tui.domain.sessions import WatchedSession, validate_label, validate_project_id, validate_session_no
from usms_tui.domain.text import decode_text, safe_json_text
from usms_tui.domain.timefmt import parse_time

FORMAT_VERSION = 1

_FIELDS = ("session_no", "label", "added_at", "sent_at", "phones", "note", "archived", "project_id")


def _problem(path: Path, message: str) -> WatchlistError:
    return WatchlistError(f"watchlist {path}: {message}; the file was left as it was (fix or move it)")


def _shown(value: Any) -> str:
    """A value for a message: a short repr of a scalar, only the type of a list or object
    (the repr of one nested a thousand deep would itself overflow the stack)."""
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "an object"
    return repr(value if not isinstance(value, str) else value[:40])


def _check_type(value: Any, types: tuple[type, ...], where: str, what: str) -> None:
    # bool is an int subclass: reject it where a number is expected.
    if isinstance(value, bool) and bool not in types:
        raise ValueError(f"{where}: {what} must be {' or '.join(t.__name__ for t in types)}")
    if not isinstance(value, types):
        raise ValueError(f"{where}: {what} must be {' or '.join(t.__name__ for t in types)}")


def _check_moment(value: Any, where: str, what: str) -> None:
    # json.loads accepts NaN and Infinity, and a hand-edited 1e20 is a number too: either
    # would crash every later age, table, export or screen that shows the time.
    _check_type(value, (int, float), where, what)
    try:
        parse_time(value)
    except (ValueError, OverflowError):
        raise ValueError(f"{where}: {what} {value!r} is not a usable Unix time") from None


def _session_from_json(item: Any, index: int) -> tuple[WatchedSession, dict[str, Any]]:
    where = f"sessions[{index}]"
    if not isinstance(item, dict):
        raise ValueError(f"{where} is not an object")
    if "session_no" not in item:
        raise ValueError(f"{where} has no session_no")
    try:
        session_no = validate_session_no(item["session_no"])
    except ValueError as error:
        raise ValueError(f"{where}: session_no {_shown(item['session_no'])} is invalid ({error})") from None
    label = item.get("label", "")
    note = item.get("note", "")
    added_at = item.get("added_at", 0.0)
    sent_at = item.get("sent_at")
    phones = item.get("phones", [])
    archived = item.get("archived", False)
    _check_type(label, (str,), where, "label")
    _check_type(note, (str,), where, "note")
    _check_moment(added_at, where, "added_at")
    if sent_at is not None:
        _check_moment(sent_at, where, "sent_at")
    _check_type(phones, (list,), where, "phones")
    for phone in phones:
        _check_type(phone, (str,), where, "each phone")
    _check_type(archived, (bool,), where, "archived")
    project_id = item.get("project_id")
    if project_id is not None:
        _check_type(project_id, (str,), where, "project_id")
        try:
            project_id = validate_project_id(project_id)
        except ValueError as error:
            raise ValueError(f"{where}: project_id {_shown(project_id)} is invalid ({error})") from None
    extras = {k: v for k, v in item.items() if k not in _FIELDS}
    if json_safety.too_deep(extras):
        # Kept as they are through every rewrite: they must encode again.
        raise ValueError(f"{where}: an unknown key nests deeper than {json_safety.MAX_DEPTH} levels")
    session = WatchedSession(
        session_no=session_no,
        label=label,
        added_at=float(added_at),
        sent_at=None if sent_at is None else float(sent_at),
        phones=tuple(phones),
        note=note,
        archived=archived,
        project_id=project_id,
    )
    return session, extras


def _session_to_json(session: WatchedSession, extras: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "session_no": session.session_no,
        "label": session.label,
        "added_at": session.added_at,
        "sent_at": session.sent_at,
        "phones": list(session.phones),
        "note": session.note,
        "archived": session.archived,
    }
    if session.project_id is not None:
        # Only when set: a file of sessions under the configured project reads as before.
        data["project_id"] = session.project_id
    data.update(extras)
    return data


class _Document:
    """A JSON watchlist as read: its sessions and the keys this version does not know.

    A plain class, not a dataclass, whose methods are generated as the module loads: every
    command using the watchlist loads it, and only the move of an old JSON file builds one.
    """

    __slots__ = ("extras", "sessions", "top_extras")

    def __init__(
        self,
        sessions: dict[str, WatchedSession],  # insertion order = file order
        extras: dict[str, dict[str, Any]],  # unknown keys per session, kept on rewrite
        top_extras: dict[str, Any],  # unknown top-level keys, kept on rewrite
    ) -> None:
        self.sessions = sessions
        self.extras = extras
        self.top_extras = top_extras


def _parse(path: Path, raw: bytes) -> _Document:
    try:
        # A byte-order mark is dropped as `add --from` drops it (a rewrite then has none).
        text = decode_text(raw)
    except ValueError as error:
        raise _problem(path, str(error)) from None
    if not text.strip():
        # An empty file (e.g. `touch`) holds no data to lose: it is an empty watchlist.
        return _Document({}, {}, {})
    try:
        # Duplicated keys are refused, not resolved: of `"sessions"` twice, json.loads keeps
        # the last one, and the next write would drop the first list for good.
        data = json_safety.loads(text)
    except json.JSONDecodeError as error:
        raise _problem(path, f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except json_safety.JsonProblem as error:
        raise _problem(path, str(error)) from None
    if not isinstance(data, dict):
        raise _problem(path, "the top level is not a JSON object")
    version = data.get("version")
    if version != FORMAT_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise _problem(
                path, f"written by a newer usms-tui (format version {version}; this one reads {FORMAT_VERSION})"
            )
        raise _problem(path, f"unknown format version {_shown(version)} (expected {FORMAT_VERSION})")
    items = data.get("sessions", [])
    if not isinstance(items, list):
        raise _problem(path, '"sessions" is not a list')
    sessions: dict[str, WatchedSession] = {}
    extras: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(items):
        try:
            session, extra = _session_from_json(item, index)
        except ValueError as error:
            raise _problem(path, str(error)) from None
        if session.session_no in sessions:
            # Merging silently would rewrite what the user wrote by hand; make them choose.
            raise _problem(path, f"sessions[{index}]: {session.session_no!r} is listed twice")
        sessions[session.session_no] = session
        if extra:
            extras[session.session_no] = extra
    top_extras = {k: v for k, v in data.items() if k not in ("version", "sessions")}
    if json_safety.too_deep(top_extras):
        raise _problem(path, f"an unknown key nests deeper than {json_safety.MAX_DEPTH} levels")
    return _Document(sessions, extras, top_extras)


def _serialize(doc: _Document) -> bytes:
    """Pretty JSON with one session per line: readable, diff-friendly, and fast.

    ``json.dumps(indent=...)`` falls back to the pure-Python encoder, which made a write of a
    10,000-session watchlist take a quarter of a second; encoding each session compactly
    uses the C encoder and keeps every session on its own line for humans and ``grep``.
    """
    parts = ['{\n  "version": ' + str(FORMAT_VERSION)]
    for key, value in doc.top_extras.items():
        parts.append(f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}")
    lines = [
        json.dumps(_session_to_json(s, doc.extras.get(s.session_no, {})), ensure_ascii=False)
        for s in doc.sessions.values()
    ]
    parts.append('  "sessions": [' + ("\n    " + ",\n    ".join(lines) + "\n  ]" if lines else "]"))
    # People open this file: a hand-edited label or an unknown key holding ESC or U+202E is
    # written as a JSON escape (the same data on reading, inert in `cat` or an editor).
    return safe_json_text(",\n".join(parts) + "\n}\n").encode("utf-8")


def check_label(label: str) -> None:
    """A label the watchlist can hold; ``ValueError`` naming the field otherwise."""
    try:
        validate_label(label)
    except ValueError as error:
        raise ValueError(f"label: {error}") from None


def check_times(entry: WatchedSession) -> None:
    """Refuse a time the file could not hold or a later read would refuse (NaN, 1e300, ...):
    imported JSON (``list --json`` from elsewhere) carries ``sent_at`` numbers unchecked."""
    for name in ("added_at", "sent_at"):
        value = getattr(entry, name)
        if value is not None:
            try:
                parse_time(value)
            except (TypeError, ValueError, OverflowError):
                raise ValueError(f"{name} {value!r} is not a usable time") from None
