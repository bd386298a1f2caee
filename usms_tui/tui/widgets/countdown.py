"""The status line's "when next" slot: the countdown, or refreshing / paused / stopped.

A widget of its own, at a fixed width at the end of the first status row, so the 1 s tick
repaints about a dozen cells instead of both status rows. The text is coarse while the next
cycle is far away (``next in 4m`` for anything from 4 to 5 minutes), so a long interval
repaints once a minute, not every second.
"""

from __future__ import annotations

from usms_tui.domain.timefmt import format_duration
from usms_tui.tui.widgets.text_part import Part, TextPart

#: Cells the slot takes: enough for its longest wording, "  ■ stopped: press r".
WIDTH = 20


def countdown_part(*, refreshing: bool, stopped: bool, paused: bool, next_in: float | None) -> Part:
    """What the slot says, as pieces for :class:`~usms_tui.tui.widgets.text_part.TextPart`."""
    if refreshing:
        return (("  ⟳ refreshing…", ""),)
    if stopped:
        return (("  ■ stopped: press r", "error"),)
    if paused:
        return (("  ‖ paused (p)", "overdue"),)
    if next_in is not None:
        return ((f"  next in {format_duration(next_in)}", ""),)
    return ()


class Countdown(TextPart):
    """The "when next" slot (see :func:`countdown_part`)."""

    DEFAULT_CSS = f"""
    Countdown {{ width: {WIDTH}; }}
    """
