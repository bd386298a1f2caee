"""A clock that only moves when told to, so tests jump time instead of sleeping."""

from __future__ import annotations

import threading

#: A fixed, recent-looking instant (2025-06-15 UTC) for tests that do not care which day it is.
DEFAULT_START = 1_750_000_000.0


class ManualClock:
    """Callable clock (``clock() -> float`` Unix seconds) moved by hand.

    The simulator, the poller and the UI all take a ``clock`` callable; handing them the same
    ``ManualClock`` lets a test say "ten minutes later" with :meth:`advance`.
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)
        # The server answers from other threads; keep reads and jumps consistent.
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current simulated time, Unix seconds."""
        with self._lock:
            return self._now

    def __call__(self) -> float:
        return self.now()

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` (never backwards) and return the new time."""
        if seconds < 0:
            raise ValueError("a ManualClock only moves forward; use set() to jump anywhere")
        with self._lock:
            self._now += float(seconds)
            return self._now

    def set(self, t: float) -> None:
        """Jump to ``t`` (Unix seconds), forwards or backwards."""
        with self._lock:
            self._now = float(t)

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"
