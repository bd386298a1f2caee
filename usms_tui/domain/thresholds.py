"""Alert thresholds over session summaries: when the figures mean someone should be told.

Two rules, each off unless set:

* ``fail_above`` PCT: of the phones that have a final receipt, the share not delivered
  (failed, unknown or an unlisted result), over the sessions looked at, is above PCT percent.
  Phones still pending are left out: they may yet be delivered, and counting them would make
  a fresh send look like a disaster.
* ``overdue_above`` N: more than N sessions are overdue (no final receipt for every phone
  after the warning age).

Pure: the parsers raise ``ValueError`` with what is accepted (the caller adds which flag or
setting it was), the evaluation takes summaries and returns the rules crossed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from usms_tui.domain.receipts import Status
from usms_tui.domain.summary import SessionSummary

FAIL_ABOVE = "fail_above"
OVERDUE_ABOVE = "overdue_above"

_PERCENT = re.compile(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(%?)\s*")
#: What every refusal of a percentage ends with.
PERCENT_HINT = "a percentage from 0 to 100 (e.g. 5%, 2.5%, 10)"


def parse_percent(value: Any) -> float:
    """``5%``, ``2.5%``, ``5`` or ``2.5`` (TOML numbers too) -> percent from 0 to 100.

    A bare number is read as percent, never as a fraction: ``0.5`` is half a percent, which
    is what a person who writes ``--fail-above 0.5`` next to ``--fail-above 5%`` means.
    Raises ``ValueError(problem)``; like the settings' own kinds, the problem does not repeat
    the value (the caller names the flag or key and shows what was given).
    """
    if isinstance(value, bool):
        raise ValueError(f"not {PERCENT_HINT}")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and (match := _PERCENT.fullmatch(value)):
        number = float(match.group(1))
    else:
        raise ValueError(f"not {PERCENT_HINT}")
    if not math.isfinite(number):
        raise ValueError(f"not {PERCENT_HINT}")
    if number < 0:
        raise ValueError(f"negative; {PERCENT_HINT}")
    if number > 100:
        raise ValueError(f"over 100%; {PERCENT_HINT}")
    return number


@dataclass(frozen=True)
class Thresholds:
    """The configured rules; ``None`` = that rule is off."""

    fail_above: float | None = None  #: percent, 0..100
    overdue_above: int | None = None  #: sessions

    @property
    def active(self) -> bool:
        return self.fail_above is not None or self.overdue_above is not None


@dataclass(frozen=True)
class Alert:
    """One crossed rule: its figure now, and the threshold it went above."""

    rule: str
    value: float
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """The shape of ``check --json``'s ``"alerts"`` items and of the hook's event."""
        return {"rule": self.rule, "value": self.value, "threshold": self.threshold}

    def describe(self) -> str:
        """One line for a status line or a log: what is above what."""
        if self.rule == FAIL_ABOVE:
            return f"{self.value:g}% of final receipts not delivered (above {self.threshold:g}%)"
        noun = "session" if self.value == 1 else "sessions"
        return f"{self.value:g} {noun} overdue (above {self.threshold:g})"


@dataclass(frozen=True)
class Figures:
    """What the rules are measured on, counted once over the summaries."""

    final: int = 0  # phones with a final receipt
    undelivered: int = 0  # of those, not delivered
    overdue: int = 0  # sessions

    @property
    def fail_percent(self) -> float:
        """Share of final receipts not delivered, in percent (0 when none is final yet)."""
        return 100.0 * self.undelivered / self.final if self.final else 0.0


def measure(summaries: Iterable[SessionSummary]) -> Figures:
    """Count what the rules need over these sessions."""
    final = undelivered = overdue = 0
    for summary in summaries:
        for status, count in summary.counts.items():
            if status.is_final:
                final += count
                if status is not Status.DELIVERED:
                    undelivered += count
        overdue += summary.overdue
    return Figures(final=final, undelivered=undelivered, overdue=overdue)


def evaluate(figures: Figures, thresholds: Thresholds) -> list[Alert]:
    """The rules crossed (strictly above their threshold), ``fail_above`` first."""
    alerts: list[Alert] = []
    if thresholds.fail_above is not None and figures.final:
        percent = figures.fail_percent
        if percent > thresholds.fail_above:
            shown = round(percent, 2)
            if shown <= thresholds.fail_above:  # 10.001 above 10 must not read "10 above 10"
                shown = math.ceil(percent * 100) / 100
            alerts.append(Alert(FAIL_ABOVE, shown, thresholds.fail_above))
    if thresholds.overdue_above is not None and figures.overdue > thresholds.overdue_above:
        alerts.append(Alert(OVERDUE_ABOVE, figures.overdue, thresholds.overdue_above))
    return alerts


def crossed(summaries: Iterable[SessionSummary], thresholds: Thresholds) -> list[Alert]:
    """:func:`evaluate` over :func:`measure` of these summaries."""
    return evaluate(measure(summaries), thresholds) if thresholds.active else []
