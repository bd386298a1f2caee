"""A big watchlist's first screen, read before the whole of it.

Reading 100,000 sessions and their stored counts takes most of a second; the screen can show
the first rows of the watchlist's own order long before that. The preview reads only those:
the first sessions of the watchlist and their rows of the receipt cache, each summarised as
the whole read will summarise it, so the rows the whole read shows next are the same and
repaint nothing. Nothing here changes the poller: the whole read that follows is the truth.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from usms_tui.domain.summary import SessionSummary
from usms_tui.monitor.poller import Poller, read_receipts
from usms_tui.monitor.session_state import SessionState
from usms_tui.store.watchlist_db import first_sessions

#: Sessions the preview reads: more than a tall terminal shows.
PREVIEW_ROWS = 200
#: A watchlist of up to this many sessions is read whole before its first paint (tens of ms).
PREVIEW_OVER = 1000


@dataclass(frozen=True)
class Preview:
    """The first watched (not archived) sessions' summaries, in watchlist order, with the
    labels of those that have one and the SessionNos whose last refresh failed."""

    summaries: list[SessionSummary]
    labels: dict[str, str]
    stale: list[str]


def read_preview(poller: Poller, now: float, count: int = PREVIEW_ROWS, over: int = PREVIEW_OVER) -> Preview | None:
    """The first ``count`` sessions as the store has them; None when the watchlist holds no
    more than ``over`` (its whole read is as quick) or cannot be read as it is (the whole
    read says why). Reads the disk: call it in a thread."""
    entries = first_sessions(poller.watchlist.path, count, over)
    if entries is None:
        return None
    entries = [entry for entry in entries if not entry.archived]
    cache = poller.cache
    stored = cache.load_stored([entry.session_no for entry in entries]) if cache is not None else {}
    read = None if cache is None else functools.partial(read_receipts, cache)
    preview = Preview([], {}, [])
    for entry in entries:
        state = SessionState(entry)
        known = stored.get(entry.session_no)
        if known is not None:
            state.restore(known.last_checked, known.last_error, read if known.fetched else None, known.summary)
        preview.summaries.append(state.summary(now, poller.warn_after))
        if entry.label:
            preview.labels[entry.session_no] = entry.label
        if state.last_error is not None:
            preview.stale.append(entry.session_no)
    return preview
