"""The monitor's stderr: one line per event, per hook problem and per notice.

Plain lines for a person reading ``journalctl``, or JSON lines (``--json``) for a log
pipeline; in both every line starts with (or holds) the UTC time, and text from the API is
escaped. Phones are masked unless the user turned masking off: logs are kept and shipped
further than the hook, which gets the full number on its stdin.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TextIO

from usms_tui.domain.receipts import mask_phone
from usms_tui.domain.text import safe
from usms_tui.monitor.alert_events import AlertEvent, iso, safe_json
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
    return f"{iso(at)} {safe(result.describe())}"


def notice_line(text: str, at: float, *, json_lines: bool = False, level: str = "warning") -> str:
    """One line for anything else worth saying (a warning, the endpoint's address, stopping)."""
    if json_lines:
        return safe_json({"log": level, "at": iso(at), "message": text})
    return f"{iso(at)} {level}: {safe(text)}"


class StderrLog:
    """The monitor's log: every line flushed at once (journald, a pipe), formatted as above."""

    def __init__(
        self,
        *,
        json_lines: bool = False,
        mask: bool = True,
        clock: Callable[[], float] = time.time,
        out: TextIO | None = None,
    ) -> None:
        self.json_lines, self.mask, self.clock = json_lines, mask, clock
        self._out = out

    def _print(self, line: str) -> None:
        print(line, file=self._out or sys.stderr, flush=True)

    def event(self, event: AlertEvent) -> None:
        self._print(event_line(event, json_lines=self.json_lines, mask=self.mask))

    def hook(self, result: HookResult) -> None:
        """A hook's outcome: only the ones that went wrong are worth a line."""
        if not result.ok:
            self._print(hook_line(result, self.clock(), json_lines=self.json_lines))

    def warning(self, text: str) -> None:
        self._print(notice_line(text, self.clock(), json_lines=self.json_lines))

    def info(self, text: str) -> None:
        self._print(notice_line(text, self.clock(), json_lines=self.json_lines, level="info"))
