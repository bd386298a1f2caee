"""The watchlist: the user's own list of SessionNos, a versioned, human-readable JSON file.

It must never be lost or silently rewritten:

* every write is atomic (see :mod:`usms_tui.atomic`), so a reader or a killed writer never
  leaves a half-written file;
* every read-modify-write holds a cross-process lock (:mod:`usms_tui.filelock`) and re-reads
  the file under it, so ``add`` from several shells at once loses nothing;
* a corrupt file, or one written by a newer version, is an error naming the file and the
  problem, and the file is left byte-for-byte as it was;
* keys this version does not know (in the document or in a session) are kept on rewrite.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from usms_tui.domain.errors import WatchlistError
from usms_tui.domain.sessions import (
    MAX_SESSION_NO_LENGTH,
    WatchedSession,
    validate_label,
    validate_project_id,
    validate_session_no,
)
from usms_tui.domain.timefmt import parse_time
from usms_tui.store.atomic import atomic_write_bytes, remove_stale_temps
from usms_tui.store.filelock import LockTimeout, locked
from usms_tui.store.watchlist_format import _FIELDS, FORMAT_VERSION, _Document, _parse, _serialize

__all__ = [
    "FORMAT_VERSION",
    "MAX_SESSION_NO_LENGTH",
    "AddReport",
    "WatchedSession",
    "Watchlist",
    "WatchlistError",
    "validate_session_no",
]


@dataclass
class AddReport:
    """What :meth:`Watchlist.add` did with each input."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # already watched; label/sent_at/phones merged
    refused: list[tuple[str, str]] = field(default_factory=list)  # (input, reason)
    unchanged: list[str] = field(default_factory=list)  # already watched, nothing new


def _merge_phones(old: tuple[str, ...], new: Iterable[str]) -> tuple[str, ...]:
    merged = list(old)
    seen = set(old)
    for phone in new:
        if phone not in seen:
            seen.add(phone)
            merged.append(phone)
    return tuple(merged)


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _check_label(label: str) -> None:
    try:
        validate_label(label)
    except ValueError as error:
        raise ValueError(f"label: {error}") from None


def _check_project(project_id: str) -> str:
    try:
        return validate_project_id(project_id)
    except ValueError as error:
        raise ValueError(f"project_id: {error}") from None


def _check_times(entry: WatchedSession) -> None:
    """Refuse a time the file could not hold or a later read would refuse (NaN, 1e300, ...):
    imported JSON (``list --json`` from elsewhere) carries ``sent_at`` numbers unchecked."""
    for name in ("added_at", "sent_at"):
        value = getattr(entry, name)
        if value is not None:
            try:
                parse_time(value)
            except (TypeError, ValueError, OverflowError):
                raise ValueError(f"{name} {value!r} is not a usable time") from None


class Watchlist:
    """The watchlist file at ``path``. Reads are lock-free (writes are atomic); writes are locked."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time, *, lock_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock_timeout = lock_timeout
        self._sessions: list[WatchedSession] = []
        self._signature: tuple[int, int, int] | None = None

    # -- reading -------------------------------------------------------------------------

    def _stat_signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise WatchlistError(f"cannot read watchlist {self.path}: {error.strerror}") from None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read(self) -> tuple[_Document, tuple[int, int, int] | None]:
        # Open first, then fstat the handle: the signature then matches exactly the bytes read,
        # even if another process replaces the file in between.
        try:
            # Non-blocking open: a FIFO at this path would otherwise hang every command until
            # some writer appeared; it is refused below like any other non-regular file.
            with open(self.path, "rb", opener=_open_nonblocking) as handle:
                st = os.fstat(handle.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise WatchlistError(f"watchlist {self.path} is not a regular file (a device, FIFO or socket)")
                raw = handle.read()
        except FileNotFoundError:
            return _Document({}, {}, {}), None
        except IsADirectoryError:
            raise WatchlistError(f"watchlist {self.path} is a directory, not a file") from None
        except OSError as error:
            raise WatchlistError(f"cannot read watchlist {self.path}: {error.strerror or error}") from None
        return _parse(self.path, raw), (st.st_mtime_ns, st.st_size, st.st_ino)

    def load(self) -> list[WatchedSession]:
        """Read the file (a missing file is an empty watchlist). Raises :class:`WatchlistError`."""
        doc, signature = self._read()
        self._sessions = list(doc.sessions.values())
        self._signature = signature
        return list(self._sessions)

    def sessions(self) -> list[WatchedSession]:
        """The sessions as last loaded or written, in file order."""
        return list(self._sessions)

    def get(self, session_no: str) -> WatchedSession | None:
        """The last loaded entry for ``session_no``, if watched."""
        return next((s for s in self._sessions if s.session_no == session_no), None)

    def reload_if_changed(self) -> bool:
        """Reload when another process changed the file (a cheap ``stat``). True when reloaded."""
        if self._stat_signature() == self._signature:
            return False
        self.load()
        return True

    # -- writing -------------------------------------------------------------------------

    def _modify(self, change: Callable[[_Document], bool]) -> None:
        """Locked read-modify-write: ``change`` edits the fresh document, returns True to save."""
        # A watchlist that is a symlink (kept in a dotfiles repo, say) stays one: lock and
        # replace the file it points to, never the link itself.
        target = Path(os.path.realpath(self.path))
        try:
            with locked(target, timeout=self._lock_timeout):
                remove_stale_temps(target)
                doc, signature = self._read()
                if change(doc):
                    atomic_write_bytes(target, _serialize(doc), make_parents=True)
                    signature = self._stat_signature()
                self._sessions = list(doc.sessions.values())
                self._signature = signature
        except LockTimeout as error:
            raise WatchlistError(f"watchlist {self.path}: {error.strerror}; nothing was changed") from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise WatchlistError(
                f"cannot write watchlist {self.path}: {reason}; the previous file was left as it was"
            ) from None

    def add(self, entries: Iterable[WatchedSession]) -> AddReport:
        """Add sessions; one already watched has its label, sent_at and phones merged instead
        (and is un-archived unless the entry given is archived too).

        Invalid SessionNos are refused (with the reason) and the others still added.
        """
        report = AddReport()
        cleaned: list[WatchedSession] = []
        for entry in entries:
            try:
                session_no = validate_session_no(entry.session_no)
                _check_label(entry.label)
                _check_times(entry)
                project_id = None if entry.project_id is None else _check_project(entry.project_id)
            except ValueError as error:
                report.refused.append((str(entry.session_no), str(error)))
                continue
            phones = tuple(p.strip() for p in entry.phones if p and p.strip())
            cleaned.append(dataclasses.replace(entry, session_no=session_no, phones=phones, project_id=project_id))

        def change(doc: _Document) -> bool:
            now = self._clock()
            changed = False
            for entry in cleaned:
                old = doc.sessions.get(entry.session_no)
                if old is None:
                    doc.sessions[entry.session_no] = dataclasses.replace(entry, added_at=entry.added_at or now)
                    report.added.append(entry.session_no)
                    changed = True
                    continue
                new = dataclasses.replace(
                    old,
                    label=entry.label or old.label,
                    sent_at=entry.sent_at if entry.sent_at is not None else old.sent_at,
                    phones=_merge_phones(old.phones, entry.phones),
                    note=entry.note or old.note,
                    project_id=entry.project_id or old.project_id,
                    # Adding a session means "watch it": an archived one comes back.
                    archived=old.archived and entry.archived,
                )
                if entry.session_no in report.added or entry.session_no in report.updated:
                    pass  # the same SessionNo twice in one input: count it once
                elif new != old:
                    report.updated.append(entry.session_no)
                else:
                    report.unchanged.append(entry.session_no)
                if new != old:
                    doc.sessions[entry.session_no] = new
                    changed = True
            return changed

        if cleaned:
            self._modify(change)
        return report

    def remove(self, session_nos: Iterable[str]) -> list[str]:
        """Stop watching these sessions; returns the ones that were watched (in input order)."""
        wanted = [s.strip() for s in session_nos if isinstance(s, str)]
        removed: list[str] = []

        def change(doc: _Document) -> bool:
            for session_no in wanted:
                if session_no in doc.sessions and session_no not in removed:
                    del doc.sessions[session_no]
                    doc.extras.pop(session_no, None)
                    removed.append(session_no)
            return bool(removed)

        if wanted:
            self._modify(change)
        return removed

    def update(self, session_no: str, /, **changes: Any) -> WatchedSession:
        """Change fields of one watched session (e.g. ``label=``, ``note=``, ``archived=``).

        Raises ``KeyError`` when it is not watched and ``ValueError`` for an unknown field or
        a change of ``session_no``.
        """
        unknown = set(changes) - set(_FIELDS[1:])
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
        if "phones" in changes:
            changes["phones"] = tuple(changes["phones"])
        result: list[WatchedSession] = []

        def change(doc: _Document) -> bool:
            old = doc.sessions.get(session_no)
            if old is None:
                raise KeyError(session_no)
            new = dataclasses.replace(old, **changes)
            doc.sessions[session_no] = new
            result.append(new)
            return new != old

        self._modify(change)
        return result[0]
