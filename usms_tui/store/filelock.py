"""A cross-process lock for read-modify-write of a user's file (stdlib ``fcntl.flock``).

The lock lives in a sibling file (``watchlist.json.lock``), never in the data file itself:
the data file is replaced atomically on every write, so a lock on it would lock a file that
no longer has the name. ``flock`` locks die with their process, so a killed writer can never
leave the lock held.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class LockTimeout(OSError):
    """Another process held the lock for longer than the timeout."""


def lock_path_for(path: Path) -> Path:
    """``watchlist.json`` -> ``watchlist.json.lock`` in the same folder."""
    return path.with_name(path.name + ".lock")


@contextmanager
def locked(
    path: Path,
    *,
    timeout: float = 30.0,
    poll: float = 0.02,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    lock_file: Path | None = None,
    holder: str = "another usms-tui process",
) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` (creating its folder and lock file if needed).

    ``poll`` is the longest pause between attempts. ``lock_file`` replaces the sibling
    ``.lock`` when another program's convention names it; ``holder`` says who it may be in
    the timeout message. Raises ``OSError`` when the lock file cannot be created and
    :class:`LockTimeout` when another process holds the lock for longer than ``timeout``
    seconds (a hung process, not a normal writer: writes take milliseconds).
    """
    lock_file = lock_file or lock_path_for(path)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        deadline = clock() + timeout
        wait = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                if clock() >= deadline:
                    raise LockTimeout(errno.ETIMEDOUT, f"{holder} has held {lock_file} for over {timeout:g}s") from None
                # Short polls: writers hold the lock for milliseconds, and polling (rather than a
                # blocking flock) lets us give up with a clear message instead of hanging forever.
                sleep(wait)
                wait = min(wait * 2, poll)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
