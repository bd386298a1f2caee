"""How ``list`` prints sessions: a table fitted to the terminal (or whole, in a pipe) or JSON.
Shared with ``check`` and ``wait``."""

from __future__ import annotations

import time
from collections.abc import Sequence

from usms_tui.cli._common import SessionView, counts_dict, state_word
from usms_tui.domain import json_safety
from usms_tui.domain.cells import cell_width, clip, pad
from usms_tui.domain.receipts import mask_phone, shows_raw_result
from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_duration, format_local_time

#: Cells of a row after the name column: age, counts, state and "CHECKED" ("2d04h ago").
_REST_WIDTH = 54
#: Cells of a phone line before its description.
_PHONE_PREFIX_WIDTH = 64
MIN_NAME, MIN_DESC = 16, 20


def _header(name_width: int) -> str:
    return (
        f"{'SESSION':<{name_width}} {'AGE':>6} {'DELIV':>5} {'FAIL':>4} {'UNKN':>4} {'PEND':>4} {'OTHR':>4}"
        f"  {'STATE':<9} CHECKED"
    )


def _clip(text: str, width: int | None) -> str:
    return text if width is None else clip(text, width)


def _name_width(views: Sequence[SessionView], width: int | None) -> int:
    """The name column: as wide as the widest name, within a terminal's width when there is one."""
    natural = max([len("SESSION"), *(cell_width(safe(v.entry.display_name)) for v in views)])
    return natural if width is None else max(MIN_NAME, min(natural, width - _REST_WIDTH))


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
        "project_id": entry.project_id,
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
    width: int | None = None,
) -> None:
    """A readable table, one line per session (plus one per phone with ``phones``).

    ``width`` is the terminal's (None: not a terminal, nothing is cut). Columns are measured in
    terminal cells, so CJK labels line up. A SessionNo is always printed whole: in the name
    column when it fits, else (and for a labelled session) on the line below, for support
    tickets and copy-paste."""
    now = time.time() if now is None else now
    if not views:
        print(
            "No sessions watched."
            + (f" ({hidden} archived hidden: --archived)" if hidden else "")
            + " Add some with: usms-tui add SESSION_NO"
        )
        return
    name_width = _name_width(views, width)
    # Only when sessions span projects: otherwise every line would repeat the same one.
    show_project = len({v.entry.project_id for v in views}) > 1
    desc_width = None if width is None else max(MIN_DESC, width - _PHONE_PREFIX_WIDTH)
    print(_header(name_width))
    for view in views:
        summary, cached = view.summary, view.cached
        counts = counts_dict(summary)
        checked = cached.last_checked if cached else None
        ago = f"{format_duration(now - checked)} ago" if checked else "never"
        name = clip(safe(view.entry.display_name), name_width)
        print(
            f"{pad(name, name_width)} {format_duration(summary.age_seconds):>6} {counts['delivered']:>5}"
            f" {counts['failed']:>4} {counts['unknown']:>4} {counts['pending']:>4} {counts['other']:>4}  "
            f"{state_word(summary, checked is None):<9} {ago}"
        )
        if name != safe(view.entry.session_no):
            print(f"  {safe(view.entry.session_no)}")
        if show_project:
            print(f"  project {safe(view.entry.project_id or 'configured')}")
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
                    status += f" ({clip(safe(receipt.result), 20)})"
                print(
                    f"    {pad(safe(phone), 15)} {pad(status, 10)} {pad(safe(receipt.code), 11)} {when}  "
                    f"{_clip(safe(receipt.desc), desc_width)}".rstrip()
                )
    total = len(views)
    extra = f", {hidden} archived hidden" if hidden else ""
    print(f"{total} session{'s' if total != 1 else ''}{extra}. {footer}".rstrip())
