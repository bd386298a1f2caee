"""The status line's "when next" slot: the countdown, or refreshing / paused / stopped.

A widget of its own, at a fixed width at the end of the first status row, so the 1 s tick
repaints about a dozen cells instead of both status rows. The text is coarse: whole minutes
while the next cycle is a minute or more away (``next in 4m`` for anything from 4 to 5
minutes), and under a minute steps of about a third of the interval, rounded up (``next in
30s``, ``20s``, ``10s`` at the default 30 s), so an idle screen repaints the slot a few times
a cycle, not every second: at 30 s that is about 0.6 KB a minute instead of 5.4 KB.
"""

from __future__ import annotations

import math

from usms_tui.domain.timefmt import format_duration
from usms_tui.tui.widgets.text_part import Part, TextPart

#: Cells the slot takes: enough for its longest wording, "  ■ stopped: press r".
WIDTH = 20


#: The steps (seconds) a countdown under a minute moves in: the largest not above a third of
#: the interval, so a short interval still counts down visibly.
STEPS = (1, 5, 10, 15, 20, 30)


def coarse_wait(seconds: float, interval: float) -> float:
    """``seconds`` as the slot shows it: rounded up to a step under a minute (see :data:`STEPS`)."""
    if seconds >= 60:
        return seconds  # whole minutes: format_duration already drops the seconds
    step = max((s for s in STEPS if s <= interval / 3), default=1)
    return min(60, max(step, math.ceil(seconds / step) * step))


def countdown_part(
    *,
    refreshing: bool,
    stopped: bool,
    paused: bool,
    next_in: float | None,
    interval: float = 0.0,
    keys: tuple[str, str] = ("r", "p"),
) -> Part:
    """What the slot says, as pieces for :class:`~usms_tui.tui.widgets.text_part.TextPart`
    (``interval``: the pause between cycles, which sets the steps under a minute; ``keys``:
    the refresh and pause keys, as config.toml's [keys] may have moved them)."""
    refresh_key, pause_key = keys
    if refreshing:
        return (("  ⟳ refreshing…", ""),)
    if stopped:
        said = f"  ■ stopped: press {refresh_key}"
        return ((said if len(said) <= WIDTH else f"  ■ stopped ({refresh_key})"[:WIDTH], "error"),)
    if paused:
        return ((f"  ‖ paused ({pause_key})"[:WIDTH], "overdue"),)
    if next_in is not None:
        return ((f"  next in {format_duration(coarse_wait(next_in, interval))}", ""),)
    return ()


class Countdown(TextPart):
    """The "when next" slot (see :func:`countdown_part`)."""

    DEFAULT_CSS = f"""
    Countdown {{ width: {WIDTH}; }}
    """
