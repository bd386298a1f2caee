"""Rows of the phones view: which phones match a filter, their cell values and sort keys.

Kept apart from the screen so the data side stays testable without a running app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from usms_tui.domain.causes import Cause
from usms_tui.domain.explain import explain
from usms_tui.domain.receipts import Receipt, Status, mask_phone
from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_duration, format_local_time
from usms_tui.tui.statuses import status_class, status_label
from usms_tui.tui.text import shorten
from usms_tui.tui.widgets.table_base import Column, Values

SESSION_WIDTH = 14

#: What the sorts order a row by: (session position, phone, status rank, receipt time, latency).
SortData = tuple[int, str, int, float | None, float | None]

#: Fixed widths (the virtual table never measures cells); longer text is cut with "…" and
#: exports keep it whole.
COLUMNS: tuple[Column, ...] = (
    Column("session", "Session", SESSION_WIDTH),
    Column("phone", "Phone", 13),
    Column("status", "Status", 12),
    Column("code", "Code", 10),
    Column("desc", "Description", 28),
    Column("time", "Receipt time", 19),
    Column("latency", "Latency", 7, "right"),
    Column("cost", "Cost", 4, "right"),
)

#: Sort rank, worst news first: what an operator on call wants at the top.
_RANK = {"overdue": 0, Status.FAILED: 1, Status.UNKNOWN: 2, Status.OTHER: 3, Status.PENDING: 4, Status.DELIVERED: 5}


@dataclass(frozen=True)
class PhoneFilter:
    """Which phones the view shows: by status, only overdue ones, or one failure group."""

    name: str
    statuses: frozenset[Status] | None = None  # None: any status
    overdue: bool = False  # only pending phones past the warning age
    code_desc: tuple[str, str] | None = None  # only this (ReceiptCode, ReceiptDesc) group
    cause: Cause | None = None  # only phones of this cause (from UCloud's code table)
    code: str | None = None  # only this raw ReceiptCode
    text: str = ""  # casefolded search: in the (unmasked) phone, the code or the description

    def matches(self, receipt: Receipt, overdue: bool) -> bool:
        """True when the phone belongs in the view."""
        if self.overdue and not overdue:
            return False
        if self.statuses is not None and receipt.status not in self.statuses:
            return False
        if self.code_desc is not None and (receipt.code, receipt.desc) != self.code_desc:
            return False
        if self.code is not None and receipt.code != self.code:
            return False
        if self.cause is not None and explain(receipt).cause is not self.cause:
            return False
        if self.text:
            text = self.text
            return text in receipt.phone or text in receipt.code.casefold() or text in receipt.desc.casefold()
        return True


#: What ``f`` cycles through.
STANDARD_FILTERS: tuple[PhoneFilter, ...] = (
    PhoneFilter("all"),
    PhoneFilter("failed", frozenset({Status.FAILED})),
    PhoneFilter("unknown", frozenset({Status.UNKNOWN})),
    PhoneFilter("pending", frozenset({Status.PENDING})),
    PhoneFilter("overdue", frozenset({Status.PENDING}), overdue=True),
    PhoneFilter("other", frozenset({Status.OTHER})),
)

#: What ``s`` cycles through.
SORTS: tuple[str, ...] = ("session", "status", "time", "latency", "phone")


def filters_for(
    status_filter: set[Status] | frozenset[Status] | None,
    code_desc: tuple[str, str] | None = None,
    *,
    cause: Cause | None = None,
    code: str | None = None,
) -> list[PhoneFilter]:
    """The filter cycle, starting at the one asked for (a custom set or group goes first)."""
    cycle = list(STANDARD_FILTERS)
    if cause is not None or code is not None:
        statuses = frozenset(status_filter) if status_filter else None
        label = f"code {safe(code) or '-'}" if code is not None else f"cause {cause.label}" if cause else ""
        return [PhoneFilter(label, statuses, cause=cause, code=code), *cycle]
    if code_desc is not None:
        code, desc = code_desc
        statuses = frozenset(status_filter) if status_filter else None
        label = safe(f"code {code or '-'}" + (f" {desc}" if desc else ""))
        return [PhoneFilter(label, statuses, code_desc=code_desc), *cycle]
    if not status_filter:
        return cycle
    wanted = frozenset(status_filter)
    for index, candidate in enumerate(cycle):
        if candidate.statuses == wanted and not candidate.overdue:
            return cycle[index:] + cycle[:index]
    name = "+".join(s.value for s in sorted(wanted, key=lambda s: _RANK[s]))
    return [PhoneFilter(name, wanted), *cycle]


def row_key(session_no: str, phone: str) -> str:
    """A row key per (session, phone). NUL cannot occur in a validated SessionNo."""
    return f"{session_no}\x00{phone}"


def session_name(session_no: str, entry: Any) -> str:
    """The label when there is one (cut at the end: labels are read left to right), else the
    SessionNo shortened in the middle (its head and tail are what people compare)."""
    label = safe(getattr(entry, "label", "") or "")
    if label:
        return label if len(label) <= SESSION_WIDTH else label[: SESSION_WIDTH - 1] + "…"
    return shorten(session_no, SESSION_WIDTH)


Row = tuple[str, Values, SortData]  # (row key, cell values, sort data)


def session_rows(index: int, summary: SessionSummary, entry: Any, phone_filter: PhoneFilter) -> list[Row]:
    """The rows of one session that pass the filter."""
    rows: list[Row] = []
    sent_at = getattr(entry, "sent_at", None)
    name = session_name(summary.session_no, entry)
    prefix = summary.session_no + "\x00"
    session_overdue = summary.overdue
    for receipt in summary.phones:
        status = receipt.status
        overdue = session_overdue and status is Status.PENDING
        if not phone_filter.matches(receipt, overdue):
            continue
        receipt_time = receipt.receipt_time
        latency = None
        if sent_at is not None and receipt_time is not None:
            latency = receipt_time - sent_at if receipt_time > sent_at else 0.0
        phone = receipt.phone
        values = (
            name,
            phone,
            (status, receipt.result, overdue),
            receipt.code,
            receipt.desc,
            receipt_time,
            latency,
            receipt.cost_count,
        )
        rank = _RANK["overdue"] if overdue else _RANK[status]
        rows.append((prefix + phone, values, (index, phone, rank, receipt_time, latency)))
    return rows


def sort_key(mode: str, data: SortData) -> tuple[Any, ...]:
    """Sort key for one row in ``mode`` (one of :data:`SORTS`); missing values sort last."""
    index, phone, rank, receipt_time, latency = data
    if mode == "status":
        return (rank, index, phone)
    if mode == "time":
        return (receipt_time is None, -(receipt_time or 0), index, phone)
    if mode == "latency":
        return (latency is None, -(latency or 0), index, phone)
    if mode == "phone":
        return (phone, index)
    return (index, phone)


def cell_text(column: str, value: Any, mask: bool = True) -> tuple[str, str]:
    """One cell as (text, status class). The table shows the text literally (no markup,
    control characters made visible), so API strings cannot restyle the screen."""
    if column == "phone":
        return (mask_phone(value) if mask else value) or "-", ""
    if column == "status":
        status, result, overdue = value
        return status_label(status, result, overdue), status_class(status, overdue)
    if column == "time":
        return format_local_time(value), ""
    if column == "latency":
        return format_duration(value), ""
    if column == "cost":
        return str(value), ""
    if column == "desc":
        return str(value), ""
    return (str(value) if value != "" else "-"), ""
