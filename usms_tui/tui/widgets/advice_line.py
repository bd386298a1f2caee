"""One line above the phone table about the selected session: the error when its last refresh
failed, else UCloud's advice when it is overdue, otherwise its full SessionNo and send time."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.widget import Widget

from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_local_time
from usms_tui.tui.statuses import WARNING_MARK


def hours(seconds: float) -> str:
    """``12 h`` for whole hours, else minutes: how UCloud words its advice."""
    if seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 60)} min"


def overdue_advice(session_no: str, warn_after: float) -> str:
    """UCloud's advice for a message with no final receipt past the warning age.

    The SessionNo comes first: at 80 columns the line is cut at the right, and the SessionNo
    is the part the user needs for the ticket.
    """
    return f"{safe(session_no)}: no receipt after {hours(warn_after)}, contact UCloud support with this SessionNo"


def short_overdue_advice(session_no: str, warn_after: float) -> str:
    """:func:`overdue_advice` in the 78 cells an 80-column terminal leaves: the whole SessionNo
    (36 characters from UCloud) and what to do must both be seen, so the words give way."""
    return f"{safe(session_no)}: no receipt in {hours(warn_after)}: ask UCloud support"


class AdviceLine(Widget):
    """Shows :meth:`show`'s session in one line (``y`` copies the SessionNo it names)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "advice-line--overdue",
        "advice-line--error",
        "advice-line--dim",
        "advice-line--detail",
    }

    # One line cut with "…" (Textual wraps by CSS, not by Text.no_wrap: a wrapped line would
    # lose its tail to the hidden second line without any sign that it was cut).
    DEFAULT_CSS = """
    AdviceLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._text = Text("")
        self._short: Text | None = None  # shown instead when the line is too narrow for _text
        self._args: tuple[object, ...] = ()
        self._style_name = "dim"

    def show(
        self,
        summary: SessionSummary | None,
        *,
        label: str = "",
        sent_at: float | None = None,
        project: str = "",
        error: str = "",
        warn_after: float,
        empty_hint: str = "no sessions: press a to add one",
        detail: str = "",
    ) -> None:
        """Describe the selected session (``None``: nothing selected), or ``detail`` (the phone
        under the cursor of the focused phone pane: its full description, which a narrow
        terminal cuts short in the table)."""
        args = (summary, label, sent_at, project, error, warn_after, empty_hint, detail)
        if args == self._args:
            return
        self._args = args
        style = "dim"
        short = ""
        if summary is None:
            text = empty_hint
        elif detail:
            text, style = safe(detail), "detail"
        elif error:
            # Before the overdue advice: while receipts cannot be fetched, "no receipt after
            # 12 h" may only mean "not fetched" (e.g. a wrong key from the start), and sending
            # the user to UCloud support would be the wrong advice. The age column keeps its "!".
            text, style = f"{WARNING_MARK} refresh failed: {safe(error)}", "error"
        elif summary.overdue:
            text, style = f"{WARNING_MARK} {overdue_advice(summary.session_no, warn_after)} (y copies it)", "overdue"
            short = f"{WARNING_MARK} {short_overdue_advice(summary.session_no, warn_after)}"
        else:
            parts = [safe(summary.session_no)]
            if label:
                parts.append(safe(label))
            if project:
                parts.append(f"project {safe(project)}")
            parts.append(f"sent {format_local_time(sent_at)}" if sent_at is not None else "send time unknown")
            parts.append(f"{summary.total} phones" if summary.total != 1 else "1 phone")
            text = " · ".join(parts)
        self._text = Text(text, no_wrap=True, overflow="ellipsis", end="")
        self._short = Text(short, no_wrap=True, overflow="ellipsis", end="") if short else None
        self._style_name = style
        self.refresh()

    @property
    def plain(self) -> str:
        """What the line says (for tests and copying)."""
        return self._text.plain

    def render(self) -> Text:
        # Styled at render time so a theme change recolours it.
        text = self._text
        if self._short is not None and text.cell_len > self.content_size.width:
            text = self._short
        text = text.copy()
        text.stylize(self.get_component_rich_style(f"advice-line--{self._style_name}", partial=True))
        return text
