"""The cache's rows as its readers get them: a session whole, or (at start) without its receipts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from usms_tui.domain.failures import BatchError
from usms_tui.domain.receipts import Receipt
from usms_tui.store.cache_codec import error_from_json, receipts_from_json, seen_from_json
from usms_tui.store.summary_codec import StoredSummary


@dataclass(frozen=True)
class CachedSession:
    """What the cache knows about one session."""

    session_no: str
    receipts: tuple[Receipt, ...] | None = None  # None = never fetched successfully
    last_checked: float | None = None
    last_error: BatchError | None = None
    error_at: float | None = None
    first_seen: Mapping[str, float] = field(default_factory=dict)  # phone -> since its status
    last_changed: Mapping[str, float] = field(default_factory=dict)  # phone -> last change


class StoredSession(NamedTuple):
    """A session as a start reads it: everything but its receipts, which stay in the store
    until someone looks (:meth:`ReceiptCache.load_session`). A tuple: a start builds one for
    each of 100,000 sessions."""

    session_no: str
    fetched: bool  # receipts were stored (so load_session has some to give)
    summary: StoredSummary | None  # what they add up to; None: count them from the receipts
    last_checked: float | None = None
    last_error: BatchError | None = None
    error_at: float | None = None


def session_of(
    session_no: str,
    receipts_text: str | None,
    seen_text: str | None,
    last_checked: float | None,
    last_error: str | None,
    error_at: float | None,
) -> CachedSession:
    receipts = receipts_from_json(receipts_text)
    seen = seen_from_json(seen_text, len(receipts)) if receipts else None
    phones = [r.phone for r in receipts or ()]
    return CachedSession(
        session_no=session_no,
        receipts=receipts,
        last_checked=last_checked,
        last_error=error_from_json(last_error),
        error_at=error_at,
        first_seen={p: t[0] for p, t in zip(phones, seen, strict=True)} if seen else {},
        last_changed={p: t[1] for p, t in zip(phones, seen, strict=True)} if seen else {},
    )
