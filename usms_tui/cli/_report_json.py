"""The ``check --json`` document (``check`` and ``wait``), streamed a session at a time: a day
of a large sender's traffic is a million phones."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from usms_tui.cli._common import counts_dict
from usms_tui.domain.text import safe_json_text

if TYPE_CHECKING:
    from usms_tui.domain.failures import BatchError
    from usms_tui.domain.sessions import WatchedSession
    from usms_tui.domain.summary import SessionSummary
    from usms_tui.monitor.poller import Poller


def session_fields(no: str, entry: WatchedSession, summary: SessionSummary) -> dict[str, object]:
    """A session's fields of the ``check --json`` document, before its delivery times and phones."""
    return {
        "session_no": no,
        "label": entry.label,
        "sent_at": entry.sent_at,
        "age_seconds": round(summary.age_seconds, 3),
        "settled": summary.settled,
        "overdue": summary.overdue,
        "counts": counts_dict(summary),
        "cost_count": summary.cost_count,
    }


def write_report_json(
    write: Callable[[str], object],
    poller: Poller,
    names: Sequence[str],
    errors: Iterable[BatchError],
    now: float,
    **extra: object,
) -> None:
    """The documented ``check --json`` document (every phone with its explanation, delivery
    figures per session and overall), written a session at a time (one line each), never the
    whole document in memory.

    A phone's text is put together from pieces shared by every phone alike: its status,
    result, code and description; its explanation. Each distinct piece is
    encoded (C encoder) and made safe for a terminal once, so the work per phone is one
    format of its number, count and time. ``write`` receives text that is already safe.
    """
    import json
    from collections import Counter
    from json.encoder import encode_basestring

    from usms_tui.domain.delivery import stats, stats_of_sorted
    from usms_tui.domain.explain import explain
    from usms_tui.domain.receipt_codes import default_table
    from usms_tui.domain.receipts import Receipt, Status

    table = default_table()
    encode = json.JSONEncoder(ensure_ascii=False).encode

    def piece(fields: Mapping[str, object]) -> str:
        # '{"a": 1, "b": 2}' -> ', "a": 1, "b": 2': a run of fields to put inside an object.
        return ", " + safe_json_text(encode(fields))[1:-1]

    explained: dict[int, tuple[object, str]] = {}  # explanation (held, so its id stays its own) -> fields
    # (result, status, code, desc) -> their fields, and the explanation's fields by number
    # prefix: a plain eleven-digit number's carrier is its prefix's (see explain), so every
    # phone of one prefix with the same receipt words has the same explanation.
    heads: dict[tuple[object, ...], tuple[str, dict[str, str]]] = {}

    def explained_piece(receipt: Receipt) -> str:
        explanation = explain(receipt, table)
        known = explained.get(id(explanation))
        if known is None:
            known = explained[id(explanation)] = (explanation, piece(explanation.to_dict()))
        return known[1]

    delivered_status = Status.DELIVERED
    delivered: Counter[int] = Counter()
    pending: list[str] = [f'{{"checked_at": {encode(now)}, "sessions": [']
    size = 0
    for index, no in enumerate(names):
        summary = poller.summary(no, now)
        started_at = summary.started_at
        phones: list[str] = []
        times: list[int] = []
        for receipt in summary.phones:
            number, result, status, code, desc, cost, when, user_id, time_raw = receipt
            words = heads.get(receipt[1:5])
            if words is None:
                fields = {"status": status, "result": result, "code": code, "desc": desc}
                words = heads[receipt[1:5]] = (piece(fields), {})
            head, by_prefix = words
            if len(number) == 11 and number.isdigit() and number.isascii():
                shown = f'"{number}"'
                tail = by_prefix.get(number[:4])
                if tail is None:
                    tail = by_prefix[number[:4]] = explained_piece(receipt)
            else:
                shown = safe_json_text(encode_basestring(number))
                tail = explained_piece(receipt)
            if user_id or time_raw:  # user ids vary per send: encoded each, not cached
                user = safe_json_text(encode_basestring(user_id)) if user_id else '""'
                if time_raw:
                    user += f', "receipt_time_raw": {safe_json_text(encode_basestring(time_raw))}'
            else:
                user = '""'
            stamp = "null" if when is None else when
            phones.append(
                f'{{"phone": {shown}{head}, "cost_count": {cost}, "receipt_time": {stamp}, "user_id": {user}{tail}}}'
            )
            if status is delivered_status and when is not None:
                times.append(max(0, math.floor(when - started_at)))
        times.sort()
        delivered.update(times)
        entry = poller.states[no].entry
        session = {**session_fields(no, entry, summary), "delivery_seconds": stats_of_sorted(times).to_dict()}
        head_text = safe_json_text(encode(session))
        text = f'{head_text[:-1]}, "phones": [{", ".join(phones)}]}}'
        pending.append(("\n" if index == 0 else ",\n") + text)
        size += len(text)
        if size > 1 << 16:  # few large writes: the stream's own work is per call
            write("".join(pending))
            pending.clear()
            size = 0
    tail_doc = {"errors": [e.to_dict() for e in errors], **extra, "delivery_seconds": stats(delivered).to_dict()}
    pending.append("\n], " + safe_json_text(encode(tail_doc))[1:] + "\n")
    write("".join(pending))
