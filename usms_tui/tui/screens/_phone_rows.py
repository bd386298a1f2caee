"""Rows of the phones view: which phones match a filter, their cell values and sort keys.

Kept apart from the screen so the data side stays testable without a running app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from collections.abc import Callable

from rich.text import Text

from usms_tui.model import Receipt, SessionSummary, Status, mask_phone
from usms_tui.timefmt import format_duration, format_local_time
from usms_tui.tui.text import literal, safe_str, shorten, status_class, status_label

#: (column key, header) in display order; the first column carries the row key for sorting.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("session", "Session"),
    ("phone", "Phone"),
    ("status", "Status"),
    ("code", "Code"),
    ("desc", "Description"),
    ("time", "Receipt time"),
    ("latency", "Latency"),
    ("cost", "Cost"),
)

DESC_WIDTH = 28  # the table truncates long descriptions; exports keep them whole
SESSION_WIDTH = 14

#: Sort rank, worst news first: what an operator on call wants at the top.
_RANK = {"overdue": 0, Status.FAILED: 1, Status.UNKNOWN: 2, Status.OTHER: 3, Status.PENDING: 4, Status.DELIVERED: 5}


@dataclass(frozen=True)
class PhoneFilter:
    """Which phones the view shows: by status, only overdue ones, or one failure group."""

    name: str
    statuses: frozenset[Status] | None = None  # None: any status
    overdue: bool = False  # only pending phones past the warning age
    code_desc: tuple[str, str] | None = None  # only this (ReceiptCode, ReceiptDesc) group

    def matches(self, receipt: Receipt, overdue: bool) -> bool:
        """True when the phone belongs in the view."""
        if self.overdue and not overdue:
            return False
        if self.statuses is not None and receipt.status not in self.statuses:
            return False
        if self.code_desc is not None and (receipt.code, receipt.desc) != self.code_desc:
            return False
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


def filters_for(status_filter: set[Status] | frozenset[Status] | None, code_desc: tuple[str, str] | None = None) -> list[PhoneFilter]:
    """The filter cycle, starting at the one asked for (a custom set or group goes first)."""
    cycle = list(STANDARD_FILTERS)
    if code_desc is not None:
        code, desc = code_desc
        statuses = frozenset(status_filter) if status_filter else None
        label = safe_str(f"code {code or '-'}" + (f" {desc}" if desc else ""))
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
    """The label when there is one, else the SessionNo, shortened to fit the column."""
    label = getattr(entry, "label", "") or ""
    return shorten(label, SESSION_WIDTH) if label else shorten(session_no, SESSION_WIDTH)


@dataclass
class PhoneRows:
    """Cell values and sort keys of every phone in the view, by row key."""

    values: dict[str, tuple]
    sort_data: dict[str, tuple]
    total: int  # phones across all sessions, before filtering


def build_rows(
    summaries: Iterable[SessionSummary],
    states: Mapping[str, Any],
    phone_filter: PhoneFilter,
    *,
    mask: bool = True,
) -> PhoneRows:
    """Every phone of every session that passes ``phone_filter``, as cell values (hashable, so
    the screen can tell cheaply which cells changed)."""
    values: dict[str, tuple] = {}
    sort_data: dict[str, tuple] = {}
    total = 0
    for index, summary in enumerate(summaries):
        state = states.get(summary.session_no)
        entry = getattr(state, "entry", None)
        sent_at = getattr(entry, "sent_at", None)
        name = session_name(summary.session_no, entry)
        for receipt in summary.phones:
            total += 1
            overdue = receipt.status is Status.PENDING and summary.overdue
            if not phone_filter.matches(receipt, overdue):
                continue
            latency = None
            if sent_at is not None and receipt.receipt_time is not None:
                latency = max(0.0, receipt.receipt_time - sent_at)
            key = row_key(summary.session_no, receipt.phone)
            values[key] = (
                name,
                mask_phone(receipt.phone) if mask else receipt.phone,
                (receipt.status, receipt.result, overdue),
                receipt.code,
                receipt.desc,
                receipt.receipt_time,
                latency,
                receipt.cost_count,
            )
            rank = _RANK["overdue"] if overdue else _RANK[receipt.status]
            sort_data[key] = (index, receipt.phone, rank, receipt.receipt_time, latency)
    return PhoneRows(values, sort_data, total)


def sort_key(mode: str, data: tuple) -> tuple:
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


def render_cell(column: str, value: Any, styled: Callable[[str, str], Text]) -> Text:
    """One cell as literal text (API data is never markup); ``styled(text, css_class)`` is the
    table's, so status colours follow the theme."""
    if column == "status":
        status, result, overdue = value
        return styled(status_label(status, result, overdue), status_class(status, overdue))
    if column == "desc":
        text = literal(value)
        text.truncate(DESC_WIDTH, overflow="ellipsis")
        return text
    if column == "time":
        return Text(format_local_time(value), no_wrap=True, end="")
    if column == "latency":
        return Text(format_duration(value), no_wrap=True, end="", justify="right")
    if column == "cost":
        return Text(str(value), no_wrap=True, end="", justify="right")
    return literal(value if value != "" else "-")
