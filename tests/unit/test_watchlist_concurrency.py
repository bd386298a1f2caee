"""The watchlist under concurrency: racing writers, SIGKILLed writers, a hung lock holder."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from usms_tui.domain.errors import WatchlistError
from usms_tui.store.watchlist import WatchedSession, Watchlist


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "watchlist.json"


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from usms_tui.store.watchlist import Watchlist, WatchedSession
    path, prefix, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    wl = Watchlist(path)
    for i in range(count):
        wl.add([WatchedSession(f"{prefix}-{i}")])
    """
)


def test_four_processes_adding_at_once_lose_nothing(path):
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"p{n}", "100"]) for n in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    sessions = Watchlist(path).load()
    assert len(sessions) == 400
    assert len({s.session_no for s in sessions}) == 400


KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from usms_tui.store.watchlist import Watchlist, WatchedSession
    path, prefix = Path(sys.argv[1]), sys.argv[2]
    wl = Watchlist(path)
    for i in range(100000):
        # Batches of varying size so the kill lands in reads, writes, fsyncs and renames.
        batch = [WatchedSession(f"{prefix}-{i}-{j}", label="x" * (i % 5) * 15) for j in range(1 + i % 5)]
        wl.add(batch)
        print(" ".join(s.session_no for s in batch), flush=True)
    """
)


def test_sigkill_at_random_moments_never_loses_a_confirmed_add(path):
    import random
    import signal
    import time

    rng = random.Random(4)
    confirmed: set[str] = set()
    for round_no in range(30):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_WRITER, str(path), f"r{round_no}"], stdout=subprocess.PIPE, text=True
        )
        first = proc.stdout.readline()  # it is writing now
        time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        lines = (first + rest).split("\n")
        # Only complete lines were confirmed: the last piece may have been cut by the kill.
        for line in lines[:-1]:
            confirmed.update(line.split())
        held = {s.session_no for s in Watchlist(path).load()}  # always loads
        assert confirmed <= held
    assert len(confirmed) > 30


def test_a_hung_lock_holder_gives_a_clear_error_not_a_hang(path):
    from usms_tui.store.filelock import locked

    wl = Watchlist(path, lock_timeout=0.05)
    with locked(path), pytest.raises(WatchlistError, match=r"held .*nothing was changed"):
        wl.add([WatchedSession("x")])
    assert wl.add([WatchedSession("x")]).added == ["x"]
