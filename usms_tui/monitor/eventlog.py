"""The monitor's stderr: one line per event, per hook problem and per notice.

Plain lines for a person reading ``journalctl``, or JSON lines (``--json``) for a log
pipeline; in both every line starts with (or holds) the UTC time, and text from the API is
escaped. Phones are masked unless the user turned masking off: logs are kept and shipped
further than the hook, which gets the full number on its stdin.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from usms_tui.domain.receipts import mask_phone
from usms_tui.monitor.alert_events import AlertEvent, iso, safe_json, safe_line
from usms_tui.monitor.hooks import HookResult


def event_line(event: AlertEvent, *, json_lines: bool = False, mask: bool = True) -> str:
    """One line for one event."""
    if json_lines:
        shown = replace(event, phone=mask_phone(event.phone)) if mask and event.phone else event
        return safe_json({"log": "event", **shown.to_dict()})
    return f"{iso(event.at)} {event.describe(mask=mask)}"


def hook_line(result: HookResult, at: float, *, json_lines: bool = False) -> str:
    """One line for a hook that failed, hung, could not start or was skipped."""
    if json_lines:
        doc: dict[str, Any] = {
            "log": "hook",
            "at": iso(at),
            "ok": result.ok,
            "hook_event": result.event,
            "exit_code": result.exit_code,
            "timed_out": result.timed_out,
            "skipped": result.skipped,
            "message": result.describe(),
        }
        return safe_json(doc)
    return f"{iso(at)} {safe_line(result.describe())}"


def notice_line(text: str, at: float, *, json_lines: bool = False, level: str = "warning") -> str:
    """One line for anything else worth saying (a warning, the endpoint's address, stopping)."""
    if json_lines:
        return safe_json({"log": level, "at": iso(at), "message": text})
    return f"{iso(at)} {level}: {safe_line(text)}"
