"""A one-shot command's start (``check``, ``wait``): no summary made for a session nothing is
known of, and the same sessions known overdue at start as a start that makes them all."""

from __future__ import annotations

from usms_tui.api.client import FetchResult
from usms_tui.domain.receipts import Receipt
from usms_tui.monitor.poller import Poller
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.watchlist import WatchedSession, Watchlist

HOUR = 3600.0
NOW = 100 * HOUR


class Fetcher:
    def __init__(self, answers: dict[str, list[Receipt]]) -> None:
        self.answers = answers

    async def fetch(self, session_nos):
        return FetchResult(receipts={no: list(self.answers.get(no, [])) for no in session_nos}, requests=1)


def receipt(phone: str, result: str) -> Receipt:
    return Receipt.from_api({"Phone": phone, "ReceiptResult": result, "CostCount": 1, "ReceiptTime": 1})


SESSIONS = [
    WatchedSession("young", added_at=NOW, sent_at=NOW - HOUR, phones=("1", "2")),
    WatchedSession("old", added_at=NOW, sent_at=NOW - 13 * HOUR, phones=("1", "2")),
    WatchedSession("old-no-phones", added_at=NOW - 13 * HOUR),
    WatchedSession("old-archived", added_at=NOW, sent_at=NOW - 13 * HOUR, phones=("1",), archived=True),
    WatchedSession("old-settled", added_at=NOW, sent_at=NOW - 13 * HOUR, phones=("1",)),
    WatchedSession("old-stored-pending", added_at=NOW, sent_at=NOW - 13 * HOUR, phones=("1", "2")),
    WatchedSession("exactly-due", added_at=NOW, sent_at=NOW - 12 * HOUR, phones=("1",)),
]


async def pollers(tmp_path):
    """Two pollers over one watchlist and one cache (two sessions stored), loaded each way."""
    watchlist = Watchlist(tmp_path / "watchlist.json", clock=lambda: NOW)
    watchlist.add(SESSIONS)
    cache = ReceiptCache(tmp_path / "cache.sqlite3")
    answers = {"old-settled": [receipt("1", "Success")], "old-stored-pending": [receipt("1", "Fail")]}
    seeding = Poller(watchlist, cache, Fetcher(answers), warn_after=12 * HOUR, clock=lambda: NOW - 12 * HOUR)
    seeding.load()
    await seeding.refresh(only=list(answers))
    made = []
    for summarize in (True, False):
        poller = Poller(watchlist, cache, Fetcher(answers), warn_after=12 * HOUR, clock=lambda: NOW)
        poller.load(summarize=summarize)
        made.append(poller)
    return made


async def test_the_sessions_overdue_at_start_are_the_same_without_the_summaries(tmp_path):
    every, one_shot = await pollers(tmp_path)
    assert one_shot._overdue_known == every._overdue_known
    assert every._overdue_known == {"old", "old-no-phones", "old-stored-pending", "exactly-due"}


async def test_a_one_shot_start_makes_no_summary_of_a_session_nothing_is_known_of(tmp_path):
    every, one_shot = await pollers(tmp_path)
    unknown = ("young", "old", "old-no-phones", "exactly-due")
    assert all(one_shot.states[no]._base is None for no in unknown)
    assert all(every.states[no]._base is not None for no in unknown)
    # Asked for later, each is the summary the full start made.
    assert [one_shot.summary(no, NOW) for no in unknown] == [every.summary(no, NOW) for no in unknown]


async def test_the_first_refresh_tells_the_same_news_either_way(tmp_path):
    every, one_shot = await pollers(tmp_path)
    assert (await one_shot.refresh(force=True)).events == (await every.refresh(force=True)).events
