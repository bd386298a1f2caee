"""How the receipt cache stores errors and receipts as text (JSON), kept apart from the SQL."""

from __future__ import annotations

import hashlib
import json

from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt


def error_to_json(error: BatchError) -> str:
    """All of a BatchError's fields as JSON (``to_dict`` omits http_status and attempts)."""
    return json.dumps(
        {
            "kind": error.kind.value,
            "message": error.message,
            "session_nos": list(error.session_nos),
            "ret_code": error.ret_code,
            "request_id": error.request_id,
            "http_status": error.http_status,
            "attempts": error.attempts,
        },
        ensure_ascii=False,
    )


def error_from_json(text: str | None) -> BatchError | None:
    """Inverse of :func:`error_to_json`; None for missing or unreadable data."""
    if not text:
        return None
    try:
        data = json.loads(text)
        return BatchError(
            kind=ErrorKind(data.get("kind", "other")),
            message=str(data.get("message", "")),
            session_nos=tuple(data.get("session_nos") or ()),
            ret_code=data.get("ret_code"),
            request_id=data.get("request_id"),
            http_status=data.get("http_status"),
            attempts=int(data.get("attempts") or 1),
        )
    except (ValueError, TypeError, AttributeError):
        return None


def receipts_from_json(text: str | None) -> tuple[Receipt, ...] | None:
    """Receipts stored as JSON; None for never-fetched or unreadable data."""
    if text is None:
        return None
    try:
        items = json.loads(text)
        return tuple(Receipt.from_dict(item) for item in items if isinstance(item, dict))
    except (ValueError, TypeError):
        return None


def fingerprint(receipt: Receipt) -> str:
    """A short stable hash of every field of a receipt, to notice any change cheaply."""
    text = json.dumps(receipt.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
