"""Exports from the UI: one row per phone (or per failure group) as CSV or JSON.

Core module (no textual/rich) so the UI's export and tests share it. The phone columns match
``usms-tui export`` so a file written from either place reads the same. Rows hold receipt data
and watchlist fields only: never a key or any other secret.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from usms_tui.domain import json_safety
from usms_tui.domain.explain import FIELDS as EXPLANATION_FIELDS
from usms_tui.domain.explain import explain
from usms_tui.domain.receipts import Receipt, Status
from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_iso_utc
from usms_tui.store.atomic import atomic_write_bytes

FORMATS = ("csv", "json")

#: Same columns, same order as ``usms-tui export``.
PHONE_COLUMNS = (
    "session_no",
    "label",
    "phone",
    "status",
    "result",
    "code",
    "desc",
    "cost_count",
    "receipt_time",
    "user_id",
    "sent_at",
    "overdue",
    *EXPLANATION_FIELDS,
)


def phone_row(summary: SessionSummary, receipt: Receipt, entry: Any = None) -> dict[str, Any]:
    """One phone as an export row (times as ISO 8601 UTC; ``entry`` is the WatchedSession;
    the explanation fields are null where nothing applies, empty cells in CSV)."""
    return {
        "session_no": summary.session_no,
        "label": getattr(entry, "label", "") or "",
        "phone": receipt.phone,
        "status": receipt.status.value,
        "result": receipt.result,
        "code": receipt.code,
        "desc": receipt.desc,
        "cost_count": receipt.cost_count,
        "receipt_time": format_iso_utc(receipt.receipt_time),
        "user_id": receipt.user_id,
        "sent_at": format_iso_utc(getattr(entry, "sent_at", None)),
        # Still pending past the warning age: the phones to name in a support ticket.
        "overdue": receipt.status is Status.PENDING and summary.overdue,
        # The carrier (from the prefix) and, when not delivered, why and what to do.
        **explain(receipt).to_dict(),
    }


def phone_rows(summaries: Iterable[SessionSummary], states: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every phone of every session; ``states`` maps SessionNo -> an object with ``.entry``."""
    rows: list[dict[str, Any]] = []
    for summary in summaries:
        entry = getattr(states.get(summary.session_no), "entry", None)
        rows.extend(phone_row(summary, receipt, entry) for receipt in summary.phones)
    return rows


def defuse(value: Any) -> Any:
    """Prefix a cell a spreadsheet would run as a formula (= + - @ tab CR) with a quote."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def _columns(rows: list[Mapping[str, Any]]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns) or list(PHONE_COLUMNS)


def render(rows: list[Mapping[str, Any]], fmt: str) -> str:
    """The export's text: CSV with a header row (formulas defused, control characters as
    visible escapes, booleans and nested values as JSON writes them), or a JSON list of
    objects (control characters as JSON escapes: the data stays exact, and the file is safe
    to print)."""
    if fmt == "json":
        return json_safety.dumps(rows, indent=2) + "\n"
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r} (use {' or '.join(FORMATS)})")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_columns(rows), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        cells = {}
        for key, value in row.items():
            if isinstance(value, bool):  # as JSON writes them, not Python's True/False
                value = "true" if value else "false"
            elif isinstance(value, (dict, list, tuple)):
                value = json.dumps(value, ensure_ascii=False)
            if isinstance(value, str):
                # CSV has no escapes of its own: a control character is written as a visible
                # \x1b, so `cat export.csv` cannot retitle the terminal or set its clipboard.
                value = safe(value)
            cells[key] = "" if value is None else defuse(value)
        writer.writerow(cells)
    return buffer.getvalue()


def write_rows(rows: list[Mapping[str, Any]], fmt: str, path: Path | str) -> int:
    """Write ``rows`` to ``path`` as ``fmt`` (see :func:`write_export`); returns the number of rows."""
    write_export(path, render(rows, fmt))
    return len(rows)


def write_export(path: Path | str, text: str) -> None:
    """Write an export: atomically to a regular (or new) file, so a failure leaves nothing
    half-written; straight into a FIFO, terminal or device (``-o /dev/stdout``, ``-o >(gzip)``,
    ``/dev/null``). Those cannot be replaced: the atomic rename would put a regular file in
    their place (as root, even over ``/dev/null``) or fail on a ``pipe:[...]`` name.

    Raises ``OSError`` when it cannot be written."""
    target = Path(path)
    data = text.encode("utf-8")
    try:
        mode = os.stat(target).st_mode  # follows symlinks: /dev/stdout -> the pipe itself
    except OSError:
        mode = None  # missing (or unreachable: the atomic write says why)
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        with open(target, "wb") as handle:
            handle.write(data)
        return
    atomic_write_bytes(target, data)
