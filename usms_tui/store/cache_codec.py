"""How the receipt cache stores errors and receipts as text (JSON), kept apart from the SQL."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt

_TEXT = json.JSONEncoder(ensure_ascii=False)
#: A C encoder kept for every session's rows (``iterencode`` builds one a call, which cost
#: more than a small session's text), writing what ``json.dumps(ensure_ascii=False)``
#: writes. No circular check: rows are flat.
_ROWS = c_make_encoder and c_make_encoder(None, _TEXT.default, encode_basestring, None, ": ", ", ", False, False, True)


def _encode_rows(rows: object) -> str:
    return "".join(_ROWS(rows, 0)) if _ROWS else _TEXT.encode(rows)


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
    except (ValueError, TypeError, AttributeError, RecursionError):
        return None


def receipts_to_json(receipts: Sequence[Receipt]) -> str:
    """Receipts as a JSON list of rows (each receipt's fields in order), the C encoder's
    fastest shape: no dict per receipt, no key written a hundred thousand times."""
    return _encode_rows(receipts)


def receipts_from_json(text: str | None) -> tuple[Receipt, ...] | None:
    """Receipts stored as JSON rows (or, from a cache of the first schema, as objects); None
    for never-fetched data, or for data that is not what this module writes (a damaged or
    hand-edited cache is read as "not fetched", never as receipts made up from junk)."""
    if text is None:
        return None
    try:
        items = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(items, list):
        return None
    plain = "\\ud" not in text and "\\uD" not in text  # so no lone surrogate in it
    out = []
    for item in items:
        receipt = Receipt.from_row(item, encodable_text=plain) if type(item) is list else None
        if receipt is None and isinstance(item, dict):
            receipt = Receipt.from_dict(item)
        if receipt is None:
            return None
        out.append(receipt)
    return tuple(out)


def seen_to_json(times: Sequence[tuple[float, float]]) -> str:
    """Each phone's (first seen in its status, last changed), in the receipts' order."""
    return json.dumps(times)


def seen_from_json(text: str | None, count: int) -> list[tuple[float, float]] | None:
    """Inverse of :func:`seen_to_json`; None when missing, damaged or not ``count`` long."""
    if not text:
        return None
    try:
        items = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(items, list) or len(items) != count:
        return None
    try:
        pairs = [(float(first), float(changed)) for first, changed in items]
    except (TypeError, ValueError):  # not pairs, or not numbers
        return None
    flat = [v for pair in pairs for v in pair]
    # Each a Unix time: not negative, before the year 5000 (1e11 s); fsum makes any NaN or
    # infinity among them its result, whatever min and max said of it.
    if flat and not (min(flat) >= 0 and max(flat) < 1e11 and math.isfinite(math.fsum(flat))):
        return None
    return pairs


def seen_after(before: tuple[str | None, str | None], receipts: list[Receipt], now: float) -> list[tuple[float, float]]:
    """Each receipt's (first seen in its status, last changed) after this fetch, from the
    session's stored (receipts, times): carried over for a phone whose receipt is the same,
    the status's first sighting kept while only other fields change, ``now`` for anything new."""
    old = receipts_from_json(before[0])
    if not old:
        return [(now, now)] * len(receipts)
    times = seen_from_json(before[1], len(old)) or [(now, now)] * len(old)
    known = {r.phone: (r, t) for r, t in zip(old, times, strict=True)}
    out = []
    for receipt in receipts:
        found = known.get(receipt.phone)
        if found is None or found[0].status is not receipt.status:
            out.append((now, now))
        elif found[0] != receipt:
            out.append((found[1][0], now))
        else:
            out.append(found[1])
    return out
