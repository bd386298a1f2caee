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


def countdown_part(
    *, refreshing: bool, stopped: bool, paused: bool, next_in: float | None, keys: tuple[str, str] = ("r", "p")
) -> Part:
    """What the slot says, as pieces for :class:`~usms_tui.tui.widgets.text_part.TextPart`.
    ``keys``: the refresh and pause keys, as config.toml's [keys] may have moved them."""
    refresh_key, pause_key = keys
    if refreshing:
        return (("  ⟳ refreshing…", ""),)
    if stopped:
        said = f"  ■ stopped: press {refresh_key}"
        return ((said if len(said) <= WIDTH else f"  ■ stopped ({refresh_key})"[:WIDTH], "error"),)
    if paused:
        return ((f"  ‖ paused ({pause_key})"[:WIDTH], "overdue"),)
    if next_in is not None:
        return ((f"  next in {format_duration(next_in)}", ""),)
    return ()


class Countdown(TextPart):
    """The "when next" slot (see :func:`countdown_part`)."""

    DEFAULT_CSS = f"""
    Countdown {{ width: {WIDTH}; }}
    """
