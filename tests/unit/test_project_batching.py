"""Per-session projects: grouping, the poller's one fetch per project, the stored field."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from usms_tui.api.batching import by_project, merge_results
from usms_tui.api.client import FetchResult
from usms_tui.domain.sessions import validate_project_id
from usms_tui.monitor.poller import Poller
from usms_tui.store.importer import parse_import
from usms_tui.store.watchlist import WatchedSession, Watchlist


class ProjectFetcher:
    """Records every fetch with the project it named (None: the configured one)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str | None, list[str]]] = []

    async def fetch(self, session_nos, *, project_id=None):
        nos = list(session_nos)
        self.asked.append((project_id, nos))
        return FetchResult(receipts={no: [] for no in nos}, requests=1)


@given(
    st.lists(
        st.tuples(st.text("abc", min_size=1, max_size=3), st.sampled_from([None, "p1", "p2"])), unique_by=lambda t: t[0]
    )
)
def test_groups_keep_every_session_once_and_never_mix(pairs):
    project = dict(pairs)
    groups = by_project([no for no, _ in pairs], project.__getitem__)
    assert sorted(no for nos in groups.values() for no in nos) == sorted(project)
    for key, nos in groups.items():
        assert all(project[no] == key for no in nos)


def test_merge_results_adds_requests_and_keeps_all():
    a = FetchResult(receipts={"x": []}, requests=1)
    b = FetchResult(receipts={"y": []}, requests=2)
    merged = merge_results([a, b])
    assert set(merged.receipts) == {"x", "y"} and merged.requests == 3


async def test_poller_fetches_each_project_apart(tmp_path):
    watchlist = Watchlist(tmp_path / "watchlist.json", clock=lambda: 1000.0)
    watchlist.add(
        [
            WatchedSession("a", phones=("1",)),
            WatchedSession("b", phones=("1",), project_id="org-2"),
            WatchedSession("c", phones=("1",)),
            WatchedSession("d", phones=("1",), project_id="org-3"),
        ]
    )
    fetcher = ProjectFetcher()
    poller = Poller(watchlist, None, fetcher, interval=30, clock=lambda: 1000.0)
    poller.load()
    report = await poller.refresh(force=True)
    assert sorted(fetcher.asked, key=str) == sorted([(None, ["a", "c"]), ("org-2", ["b"]), ("org-3", ["d"])], key=str)
    assert report.requests == 3 and sorted(report.checked) == ["a", "b", "c", "d"]


def test_old_watchlist_without_project_reads_and_keeps_none(tmp_path):
    path = tmp_path / "watchlist.json"
    path.write_text(json.dumps({"version": 1, "sessions": [{"session_no": "s-1"}]}))
    assert Watchlist(path).load()[0].project_id is None


def test_bad_project_in_the_file_is_a_clear_error(tmp_path):
    path = tmp_path / "watchlist.json"
    path.write_text(json.dumps({"version": 1, "sessions": [{"session_no": "s-1", "project_id": "a b"}]}))
    with pytest.raises(Exception, match="project_id"):
        Watchlist(path).load()


def test_importer_reads_project_from_the_response_too_and_refuses_a_bad_one():
    found, refused = parse_import(json.dumps({"RetCode": 0, "SessionNo": "s-1", "ProjectId": "org-x"}))
    assert found[0].project_id == "org-x" and not refused
    found, refused = parse_import(json.dumps({"request": {"ProjectId": "a\x1bb"}, "response": {"SessionNo": "s-2"}}))
    assert not found and "ProjectId" in refused[0][1]


@pytest.mark.parametrize("bad", ["", " ", "a b", "x\u202e", "p" * 65])
def test_validate_project_id_refuses(bad):
    with pytest.raises(ValueError):
        validate_project_id(bad)
