"""What a refresh cycle has to tell whoever watches it, as typed values: the UI words them
as notifications, ``wait`` reads them for its exit, a test compares them.

The refresh controller decides which of these a cycle produces (a failing streak is news
once, the first look at sessions never seen before is summed up); nothing here decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from usms_tui.domain.errors import WatchlistError
from usms_tui.domain.events import Event
from usms_tui.domain.failures import BatchError
from usms_tui.monitor.hooks import HookResult


@dataclass(frozen=True)
class PollingStopped:
    """A fatal error (credentials, permission, project): no polling until the user retries."""

    error: BatchError


@dataclass(frozen=True)
class ApiFailing:
    """The first failed cycle of a streak (later ones of the same streak are not news)."""

    error: BatchError


@dataclass(frozen=True)
class ApiRecovered:
    """Every batch answered again after failed cycles."""


@dataclass(frozen=True)
class WatchlistBroken:
    """The watchlist cannot be read (new, or a different problem than before). Not an API
    error: what is known stays, and the next cycles try the file again by themselves."""

    error: WatchlistError


@dataclass(frozen=True)
class WatchlistFixed:
    """The watchlist reads again after :class:`WatchlistBroken`."""


@dataclass(frozen=True)
class CycleCrashed:
    """The cycle raised something unexpected (a bug, not an API error); polling goes on."""

    error: Exception


@dataclass(frozen=True)
class FirstLook:
    """Events of the first cycle over sessions never seen before, summed up: what that first
    look finds is the state on screen, not news."""

    failed: int  # phones failed or unknown


@dataclass(frozen=True)
class News:
    """Events worth an alert each."""

    events: tuple[Event, ...]


@dataclass(frozen=True)
class HooksFailed:
    """Event hooks that failed, hung or were skipped since the last cycle (monitoring goes on)."""

    results: tuple[HookResult, ...]


@dataclass(frozen=True)
class AlertingTrouble:
    """Telling others went wrong (a store or the metrics textfile could not be written)."""

    message: str


Notice = (
    PollingStopped | ApiFailing | ApiRecovered | WatchlistBroken | WatchlistFixed | CycleCrashed | FirstLook | News
    | HooksFailed | AlertingTrouble
)  # fmt: skip


__all__ = [
    "AlertingTrouble",
    "ApiFailing",
    "ApiRecovered",
    "CycleCrashed",
    "FirstLook",
    "HooksFailed",
    "News",
    "Notice",
    "PollingStopped",
    "WatchlistBroken",
    "WatchlistFixed",
]
