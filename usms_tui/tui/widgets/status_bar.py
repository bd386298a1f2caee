"""The status line: account, refresh times and countdown, totals, delivery times, API health.

Two lines, so it fits 80 columns: who/when on the first, what (totals, delivery times) and API
health on the second. It only renders a :class:`BarState`; the app computes that state.

Drawn in three parts that each repaint only when their own text changes: the first row's
head, the countdown slot at its end (the only part that changes every second) and the second
row. Setting the same state again, or one whose countdown reads the same, writes nothing to
the terminal: over SSH an idle screen should cost next to no bandwidth.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget

from usms_tui.config.login import OAUTH
from usms_tui.domain.delivery import NO_DELIVERIES, DeliveryStats
from usms_tui.domain.receipts import Status
from usms_tui.domain.text import safe
from usms_tui.domain.timefmt import format_duration, format_local_time
from usms_tui.tui.statuses import OVERDUE_SYMBOL, STATUS_SYMBOLS
from usms_tui.tui.text import shorten
from usms_tui.tui.widgets.countdown import Countdown, countdown_part
from usms_tui.tui.widgets.text_part import Part, Piece, TextPart

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
    delivery: DeliveryStats = NO_DELIVERIES  # delivery times of every delivered phone
    keys: tuple[str, str] = ("r", "p")  # the refresh and pause keys (config.toml's [keys] may move them)


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

    # Textual wraps rendered Text by the widget's CSS, not by Text.no_wrap: the parts are
    # nowrap with an ellipsis, so a narrow terminal cuts the head rather than pushing totals
    # and API health out of sight.
    DEFAULT_CSS = """
    StatusBar { height: 2; }
    StatusBar > Horizontal { height: 1; }
    StatusBar #status-head { width: 1fr; }
    StatusBar Countdown { text-align: right; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._state = BarState(loading=True)
        self._head = TextPart(self._style, id="status-head")
        self._countdown = Countdown(self._style)
        self._totals = TextPart(self._style, id="status-totals")

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield self._head
            yield self._countdown
        yield self._totals

    def on_mount(self) -> None:
        self._show()

    def on_resize(self) -> None:
        self._show()  # the wording of the second row depends on the width

    @property
    def state(self) -> BarState:
        return self._state

    @state.setter
    def state(self, state: BarState) -> None:
        if state != self._state:
            self._state = state
            self._show()

    @property
    def plain(self) -> str:
        """Both rows as text (the head and the countdown joined as on screen, for tests)."""
        return f"{self._head.plain}{self._countdown.plain}\n{self._totals.plain}"

    def _show(self) -> None:
        s = self._state
        wide = self.size.width >= 110
        self._head.show(head_part(s, wide))
        self._countdown.show(
            countdown_part(
                refreshing=s.refreshing,
                stopped=s.stopped,
                paused=s.paused,
                next_in=s.next_in,
                interval=s.interval,
                keys=s.keys,
            )
        )
        self._totals.show(totals_part(s, wide, self.content_size.width))

    def _style(self, name: str) -> Style | str:
        if name.endswith(LINK):
            # A click on the API health part opens the events screen (what the errors said).
            base = self._style(name.removesuffix(LINK)) if name != LINK else ""
            return Style.parse(base) + OPENS_EVENTS if isinstance(base, str) else base + OPENS_EVENTS
        if name == "bold":
            return name
        return self.get_component_rich_style(f"status-bar--{name}", partial=True)


#: A style name ending so is a link to the events screen.
LINK = " link"
OPENS_EVENTS = Style.from_meta({"@click": "app.events"})


def head_part(s: BarState, wide: bool) -> Part:
    """The first row before the countdown: who, when refreshed, how often."""
    pieces: list[Piece] = [("usms-tui ", "bold"), (s.account, "dim")]
    if s.loading and (s.stopped or s.watchlist_error):
        pieces.append(("  watchlist not loaded", ""))
    elif s.loading:
        pieces.append(("  loading watchlist and cache…", ""))
    elif s.last_refresh is None:
        pieces.append(("  never refreshed", ""))
    else:
        pieces.append((f"  refreshed {format_local_time(s.last_refresh, with_date=wide)}", ""))
    pieces.append((f"  every {format_duration(s.interval)}", "dim"))
    return tuple(pieces)


def delivery_words(stats: DeliveryStats, wide: bool) -> str:
    """``delivery p50 3s p95 6s`` (``… · max 9s`` too when wide); "" when none delivered."""
    if stats.p50 is None:
        return ""
    if wide:
        return f"delivery {stats.describe()}"
    return f"delivery p50 {format_duration(stats.p50)} p95 {format_duration(stats.p95)}"


def totals_part(s: BarState, wide: bool, width: int = 0) -> Part:
    """The second row: phones per status, overdue, alerts, delivery times (only if they fit
    in ``width`` cells beside the rest: API health matters more), API health."""
    pieces: list[Piece] = []
    for status in (Status.DELIVERED, Status.FAILED, Status.UNKNOWN, Status.PENDING):
        count = s.totals.get(status, 0)
        pieces.append((f"{STATUS_SYMBOLS[status]}{count}", status.value if count else "dim"))
        pieces.append((f" {status.value}  " if wide else " ", ""))
    other = s.totals.get(Status.OTHER, 0)
    if other:
        pieces.append((f"{STATUS_SYMBOLS[Status.OTHER]}{other}" + (" other  " if wide else " "), "other"))
    pieces.append((f"{OVERDUE_SYMBOL}{s.overdue} overdue", "overdue" if s.overdue else "dim"))
    if s.alert:
        pieces.append((f"  {s.alert}", "error"))
    delivery = delivery_words(s.delivery, wide)
    at = len(pieces)
    pieces.append(("  │ ", ""))
    health_at = len(pieces)
    if s.watchlist_error:
        pieces.append((f"✗ {safe(s.watchlist_error)}", "error"))
    elif s.error:
        health = f"API ✗ {s.error}"
        if s.failures > 1:
            health += f" ×{s.failures}"
        if s.stale:
            health += f" · {s.stale} stale"
        pieces.append((health, "error"))
    elif s.last_refresh is not None:
        pieces.append(("API ✓ ok", "ok"))
    else:
        pieces.append(("API –", "dim"))
    if s.hook_error:
        pieces.append((f" · {s.hook_error}", "error"))
    pieces[health_at:] = [(text, name + LINK) for text, name in pieces[health_at:]]
    if delivery and sum(cell_len(text) for text, _ in pieces) + 2 + cell_len(delivery) <= width:
        pieces.insert(at, (f"  {delivery}", ""))
    return tuple(pieces)
