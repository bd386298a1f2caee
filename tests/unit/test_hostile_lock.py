"""Class 6: writers never both write, whatever happens to the lock file.

The lock file can be deleted while held (``rm *.lock``, a clean-up job) or swapped between
a writer's ``open`` and its ``flock``; neither may let a second writer in. Where a folder
cannot be locked (NFS), the lock file alone must still exclude.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import subprocess
import sys
import textwrap
import threading

import pytest

from tests.unit.test_watchlist_concurrency import WRITER  # adds COUNT sessions, one write each
from usms_tui.domain.errors import WatchlistError
from usms_tui.store import filelock
from usms_tui.store.filelock import LockTimeout, lock_path_for, locked
from usms_tui.store.watchlist import WatchedSession, Watchlist

#: A writer that stops inside its read-modify-write (after reading, before writing its row)
#: until told to go on: the moment a second writer getting in would lose an add.
PAUSED_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import usms_tui.store.watchlist as module
    real = module.fetch_many
    def paused(*args, **kwargs):
        print("holding", flush=True)
        sys.stdin.readline()
        return real(*args, **kwargs)
    module.fetch_many = paused
    module.Watchlist(Path(sys.argv[1])).add([module.WatchedSession("from-a")])
    print("added", flush=True)
    """
)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "watchlist.json"


def test_deleting_the_lock_file_while_it_is_held_lets_no_second_writer_in(path):
    Watchlist(path).add([WatchedSession("first")])
    writer = subprocess.Popen(
        [sys.executable, "-c", PAUSED_WRITER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline() == "holding\n"
        os.unlink(lock_path_for(path))  # while A holds it, mid-write
        with pytest.raises(WatchlistError, match="held"):
            Watchlist(path, lock_timeout=0.3).add([WatchedSession("from-b")])
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.stdout.readline() == "added\n"
    finally:
        writer.stdin.close()
        writer.wait(timeout=30)
    assert Watchlist(path).add([WatchedSession("from-b")]).added == ["from-b"]
    assert [s.session_no for s in Watchlist(path).load()] == ["first", "from-a", "from-b"]


def test_writers_racing_a_lock_file_deleter_lose_nothing(path):
    Watchlist(path).add([WatchedSession("seed")])
    done = threading.Event()
    deletions = 0

    def delete_the_lock_file_again_and_again() -> None:
        nonlocal deletions
        while not done.is_set():
            try:
                os.unlink(lock_path_for(path))
                deletions += 1
            except FileNotFoundError:
                pass

    deleter = threading.Thread(target=delete_the_lock_file_again_and_again)
    deleter.start()
    try:
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"w{n}", "60"]) for n in range(3)]
        assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    finally:
        done.set()
        deleter.join()
    held = {s.session_no for s in Watchlist(path).load()}
    assert held == {"seed"} | {f"w{n}-{i}" for n in range(3) for i in range(60)}
    assert deletions > 0


def test_a_lock_file_swapped_between_open_and_flock_is_locked_again(path, monkeypatch):
    real_flock = fcntl.flock
    swapped = []

    def flock(fd, operation):
        if not swapped and not stat.S_ISDIR(os.fstat(fd).st_mode) and operation & fcntl.LOCK_EX:
            # Another process deletes and recreates the lock file just before we lock ours.
            lock = lock_path_for(path)
            os.unlink(lock)
            os.close(os.open(lock, os.O_CREAT | os.O_WRONLY, 0o600))
            swapped.append(True)
        return real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    with locked(path):
        assert swapped
        fd = os.open(lock_path_for(path), os.O_RDWR)
        try:  # the file now at the name is the one we hold
            with pytest.raises(OSError) as raised:
                real_flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            assert raised.value.errno in (errno.EAGAIN, errno.EWOULDBLOCK)
        finally:
            os.close(fd)


def test_where_a_folder_cannot_be_locked_the_lock_file_still_excludes(path, monkeypatch):
    real_flock = fcntl.flock

    def no_folder_locks(fd, operation):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EBADF, "NFS cannot flock a folder")
        return real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", no_folder_locks)
    with locked(path), pytest.raises(LockTimeout), locked(path, timeout=0.05):
        pass
    with locked(path, timeout=0.05):
        pass


def test_the_folder_is_the_lock_that_cannot_be_unlinked(path):
    with locked(path):
        os.unlink(lock_path_for(path))
        with pytest.raises(LockTimeout, match=str(path.parent)), locked(path, timeout=0.05):
            pass
    with locked(path, timeout=0.05):  # and once released, the next writer gets in at once
        assert filelock.lock_path_for(path).exists()
