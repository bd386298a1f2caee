"""How ``list`` prints sessions: an 80-column table or JSON. Shared with ``check``."""

from __future__ import annotations

import time
from collections.abc import Sequence

from usms_tui.cli._common import SessionView, counts_dict, state_word
from usms_tui.domain import json_safety
from usms_tui.domain.receipts import mask_phone, shows_raw_result
from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_duration, format_local_time

_HEADER = (
    f"{'SESSION':<30} {'AGE':>6} {'DELIV':>5} {'FAIL':>4} {'UNKN':>4} {'PEND':>4} {'OTHR':>4}  {'STATE':<9} CHECKED"
)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def view_json(view: SessionView) -> dict[str, object]:
    """One session as ``list --json`` prints it: the documented keys first, then the rest."""
    entry, summary, cached = view.entry, view.summary, view.cached
    return {
        "session_no": entry.session_no,
        "label": entry.label,
        "added_at": entry.added_at,
        "sent_at": entry.sent_at,
        "note": entry.note,
        "archived": entry.archived,
        "known_phones": list(entry.phones),
        "last_checked": cached.last_checked if cached else None,
        "last_error": cached.last_error.to_dict() if cached and cached.last_error else None,
        "age_seconds": summary.age_seconds,
        "settled": summary.settled,
        "overdue": summary.overdue,
        "counts": counts_dict(summary),
        "cost_count": summary.cost_count,
        "phones": [r.to_dict() for r in summary.phones],
    }


def print_json(views: Sequence[SessionView]) -> None:
    """``{"sessions": [...]}`` on stdout, explained as ``check --json`` is."""
    from usms_tui.domain.explain import explain_report

    doc = explain_report({"sessions": [view_json(v) for v in views]}, [v.summary for v in views])
    print(json_safety.dumps(doc, indent=2))


FROM_CACHE = "Last known state from the cache; 'usms-tui check' refreshes it."


def print_table(
    views: Sequence[SessionView],
    *,
    phones: bool,
    mask: bool,
    hidden: int = 0,
    now: float | None = None,
    footer: str = FROM_CACHE,
) -> None:
    """A readable table, one line per session (plus one per phone with ``phones``)."""
    now = time.time() if now is None else now
    if not views:
        print(
            "No sessions watched."
            + (f" ({hidden} archived hidden: --archived)" if hidden else "")
            + " Add some with: usms-tui add SESSION_NO"
        )
        return
    print(_HEADER)
    for view in views:
        summary, cached = view.summary, view.cached
        counts = counts_dict(summary)
        checked = cached.last_checked if cached else None
        ago = f"{format_duration(now - checked)} ago" if checked else "never"
        name = _clip(safe(view.entry.display_name), 30)
        print(
            f"{name:<30} {format_duration(summary.age_seconds):>6} {counts['delivered']:>5} {counts['failed']:>4}"
            f" {counts['unknown']:>4} {counts['pending']:>4} {counts['other']:>4}  "
            f"{state_word(summary, checked is None):<9} {ago}"
        )
        if view.entry.label:
            print(f"  {safe(view.entry.session_no)}")
        if cached and cached.last_error:
            print(
                f"  last error {format_duration(now - (cached.error_at or now))} ago: {safe(cached.last_error.describe(retrying=False))}"
            )
        if phones:
            for receipt in summary.phones:
                phone = mask_phone(receipt.phone) if mask else receipt.phone
                when = format_local_time(receipt.receipt_time) if receipt.receipt_time else "-"
                if receipt.time_raw:  # a ReceiptTime no clock can have: never shown as a date
                    when = "unknown time"
                status = receipt.status.value
                if shows_raw_result(receipt.status, receipt.result):  # undocumented: show it raw
                    status += f" ({safe(_clip(receipt.result, 20))})"
                print(
                    f"    {safe(phone):<15} {status:<10} {safe(receipt.code):<11} {when}  {safe(_clip(receipt.desc, 40))}"
                )
    total = len(views)
    extra = f", {hidden} archived hidden" if hidden else ""
    print(f"{total} session{'s' if total != 1 else ''}{extra}. {footer}".rstrip())
