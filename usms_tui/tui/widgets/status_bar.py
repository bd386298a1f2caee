"""The status line: account, refresh times and countdown, API health and totals.

Two lines, so it fits 80 columns: who/when on the first, what (totals) and API health on the
second. It only renders a :class:`BarState`; the app computes that state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from usms_tui.config.login import OAUTH
from usms_tui.domain.receipts import Status
from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_duration, format_local_time
from usms_tui.tui.statuses import OVERDUE_SYMBOL, STATUS_SYMBOLS
from usms_tui.tui.text import shorten

if TYPE_CHECKING:
    from usms_tui.config.settings import Settings


@dataclass(frozen=True)
class BarState:
    """Everything the status line shows (a snapshot; cheap to compare)."""

    account: str = ""
    last_refresh: float | None = None
    next_in: float | None = None  # seconds until the next cycle; None when none is scheduled
    refreshing: bool = False
    paused: bool = False
    interval: float = 30.0
    stopped: bool = False  # a fatal error stopped polling until `r`
    error: str = ""  # the last error in one line ("" when the last cycle was fine)
    watchlist_error: str = ""  # why the watchlist cannot be read (not an API error; retried by itself)
    failures: int = 0  # consecutive failed cycles
    stale: int = 0  # sessions whose last refresh failed
    totals: Mapping[Status, int] = field(default_factory=dict)
    overdue: int = 0
    alert: str = ""  # the crossed thresholds ("" when none is, or none is set)
    hook_error: str = ""  # the last event hook's failure ("" when it ran, or there is none)
    sessions: int = 0
    loading: bool = False


def account_label(settings: Settings) -> str:
    """``4E9U…3x0Q/org-abc``: enough of the key to tell accounts apart, never all of it.

    A ``ucloud auth login`` profile signs with no key: it shows as ``oauth:NAME``, never its token.
    """
    if settings.auth_mode == OAUTH:
        key = f"oauth:{shorten(safe(settings.profile or 'default'), 12)}"
    else:
        key = shorten(settings.public_key, 10) if settings.public_key else "no key"
    project_id = settings.project_id
    return f"{key}/{safe(project_id)}" if project_id else key


class StatusBar(Widget):
    """Renders a :class:`BarState`; set :attr:`state` to update."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--delivered",
        "status-bar--failed",
        "status-bar--unknown",
        "status-bar--pending",
        "status-bar--other",
        "status-bar--overdue",
        "status-bar--error",
        "status-bar--ok",
        "status-bar--dim",
    }

    # Textual wraps rendered Text by the widget's CSS, not by Text.no_wrap: without these
    # a narrow terminal wraps the first line and pushes totals and API health out of sight.
    DEFAULT_CSS = """
    StatusBar { height: 2; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._state = BarState(loading=True)

    @property
    def state(self) -> BarState:
        return self._state

    @state.setter
    def state(self, state: BarState) -> None:
        if state != self._state:
            self._state = state
            self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"status-bar--{name}", partial=True)

    def render(self) -> Text:
        s = self._state
        wide = self.size.width >= 110
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append("usms-tui ", style="bold")
        line.append(s.account, style=self._style("dim"))
        if s.loading and (s.stopped or s.watchlist_error):
            line.append("  watchlist not loaded")
        elif s.loading:
            line.append("  loading watchlist and cache…")
        elif s.last_refresh is None:
            line.append("  never refreshed")
        else:
            line.append(f"  refreshed {format_local_time(s.last_refresh, with_date=wide)}")
        if s.refreshing:
            line.append("  ⟳ refreshing…")
        elif s.stopped:
            line.append("  ■ stopped: press r", style=self._style("error"))
        elif s.paused:
            line.append("  ‖ paused (p)", style=self._style("overdue"))
        elif s.next_in is not None:
            line.append(f"  next in {format_duration(s.next_in)}")
        line.append(f"  every {format_duration(s.interval)}", style=self._style("dim"))

        second = Text(no_wrap=True, overflow="ellipsis", end="")
        for status in (Status.DELIVERED, Status.FAILED, Status.UNKNOWN, Status.PENDING):
            count = s.totals.get(status, 0)
            style = self._style(status.value) if count else self._style("dim")
            second.append(f"{STATUS_SYMBOLS[status]}{count}", style=style)
            second.append(f" {status.value}  " if wide else " ")
        other = s.totals.get(Status.OTHER, 0)
        if other:
            second.append(
                f"{STATUS_SYMBOLS[Status.OTHER]}{other}" + (" other  " if wide else " "), style=self._style("other")
            )
        second.append(
            f"{OVERDUE_SYMBOL}{s.overdue} overdue", style=self._style("overdue") if s.overdue else self._style("dim")
        )
        if s.alert:
            second.append(f"  {s.alert}", style=self._style("error"))
        second.append("  │ ")
        health_start = len(second)
        if s.watchlist_error:
            second.append(f"✗ {safe(s.watchlist_error)}", style=self._style("error"))
        elif s.error:
            health = f"API ✗ {s.error}"
            if s.failures > 1:
                health += f" ×{s.failures}"
            if s.stale:
                health += f" · {s.stale} stale"
            second.append(health, style=self._style("error"))
        elif s.last_refresh is not None:
            second.append("API ✓ ok", style=self._style("ok"))
        else:
            second.append("API –", style=self._style("dim"))
        if s.hook_error:
            second.append(f" · {s.hook_error}", style=self._style("error"))
        # A click on the API health part opens the events screen (what the errors said).
        second.stylize(Style.from_meta({"@click": "app.events"}), health_start)
        return Text("\n", end="").join([line, second])
