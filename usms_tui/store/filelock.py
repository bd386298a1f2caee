"""A cross-process lock for read-modify-write of a user's file (stdlib ``fcntl.flock``).

Two locks, always taken in this order:

* the file's **folder**. A lock file can be deleted while it is held (a clean-up script,
  ``rm *.lock``, a user who thinks it is stale): the next writer then creates a new one,
  locks that, and two writers write at once, so a confirmed ``add`` is lost. A folder
  holding the data file cannot be unlinked, so its lock cannot be lost under a holder.
  Some filesystems (NFS) cannot ``flock`` a folder; there the lock file alone serves.
* the sibling **lock file** (``watchlist.json.lock``, or another program's, such as the
  ucloud CLI's ``credential.lock``), which that program and copies of usms-tui that only
  know it still take. Its identity is checked after locking: if it was deleted or replaced
  between our ``open`` and our ``flock``, the lock is taken again on the new file.

Never the data file itself: it is replaced atomically on every write, so a lock on it
would lock a file that no longer has the name. ``flock`` locks die with their process, so
a killed writer can never leave the lock held.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from usms_tui.store.atomic import ensure_private_dir

_BUSY = (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK)
#: flock errors meaning "this filesystem cannot lock this kind of file", not "it is busy".
_UNSUPPORTED = (errno.EBADF, errno.EINVAL, errno.ENOLCK, errno.EOPNOTSUPP)


class LockTimeout(OSError):
    """Another process held the lock for longer than the timeout."""


def lock_path_for(path: Path) -> Path:
    """``watchlist.json`` -> ``watchlist.json.lock`` in the same folder."""
    return path.with_name(path.name + ".lock")


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


@contextmanager
def _flocked(
    opener: Callable[[], int],
    name: Path,
    deadline: float,
    timeout: float,
    poll: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    holder: str,
    optional: bool = False,
) -> Iterator[bool]:
    """Hold an exclusive flock on what ``opener`` opens, re-taken until the locked file is
    still the one at ``name``. Yields False when the filesystem cannot lock it at all (or,
    when ``optional``, it cannot be opened)."""
    wait = 0.001
    while True:
        try:
            fd = opener()
        except OSError:
            if not optional:
                raise
            yield False
            return
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as error:
                    if error.errno in _UNSUPPORTED:
                        yield False
                        return
                    if error.errno not in _BUSY:
                        raise
                if clock() >= deadline:
                    raise LockTimeout(errno.ETIMEDOUT, f"{holder} has held {name} for over {timeout:g}s") from None
                # Short polls: writers hold the lock for milliseconds, and polling (rather than a
                # blocking flock) lets us give up with a clear message instead of hanging forever.
                sleep(wait)
                wait = min(wait * 2, poll)
            if _same_file(fd, name):
                try:
                    yield True
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                return
            # Deleted or replaced between our open and our lock: whoever comes next opens the
            # new one, so holding the old one would exclude nobody. Take the new one.
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


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
    folder = lock_file.parent
    ensure_private_dir(folder)
    deadline = clock() + timeout

    def open_folder() -> int:
        return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)

    def open_lock_file() -> int:
        return os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    with ExitStack() as stack:
        # A folder we may write in but not read (mode 0300) cannot be opened: the lock file then serves.
        stack.enter_context(_flocked(open_folder, folder, deadline, timeout, poll, sleep, clock, holder, optional=True))
        stack.enter_context(_flocked(open_lock_file, lock_file, deadline, timeout, poll, sleep, clock, holder))
        yield
