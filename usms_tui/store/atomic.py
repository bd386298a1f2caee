"""Write a file so that readers only ever see the old or the new content, never a mix.

Temp file in the same folder (so ``os.replace`` is a rename on one filesystem), fsync the
file, replace, fsync the folder (so the rename itself survives a power cut).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def temp_prefix(path: Path) -> str:
    """Prefix of the temp files written next to ``path`` (hidden, and named after it)."""
    return f".{path.name}."


TEMP_SUFFIX = ".tmp"


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None, make_parents: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically. Raises ``OSError``; ``path`` is untouched then.

    A missing folder is created only with ``make_parents``, for folders the app owns (its data
    and state folders): a mistyped ``export -o /mnt/usb/x.csv`` must fail, not create ``/mnt/usb``
    on the wrong disk.

    ``mode`` defaults to the existing file's permission bits, or 0600 for a new file
    (``mkstemp``'s default: the user's data is nobody else's business). A symlink stays a
    symlink: the file it points to is replaced. Anything but a regular file at ``path``
    (a folder, device, FIFO) is refused with ``OSError``, never replaced.
    """
    path = Path(os.path.realpath(path))
    folder = path.parent
    if make_parents:
        # A file others may read (0644) gets folders they can enter.
        ensure_private_dir(folder, 0o755 if mode is not None and mode & 0o044 else 0o700)
    elif not folder.is_dir():
        # Said plainly: the bare ENOENT of the temp file would not tell which part is missing.
        raise FileNotFoundError(errno.ENOENT, f"the folder {folder} does not exist", str(path))
    try:
        existing = os.stat(path).st_mode
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing):
        # The rename would put a regular file where a device, FIFO or folder was: with
        # `--watchlist /dev/null`, run as root, /dev/null itself was replaced.
        if stat.S_ISDIR(existing):
            raise IsADirectoryError(errno.EISDIR, "it is a directory", str(path))
        raise OSError(errno.EINVAL, "not a regular file (a device, FIFO or socket); it was not replaced", str(path))
    if mode is None and existing is not None:
        mode = existing & 0o7777
    fd, temp_name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        # Also on KeyboardInterrupt: never leave a half-written temp file behind us.
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    fsync_dir(folder)


def ensure_private_dir(folder: Path, mode: int = 0o700) -> None:
    """Create ``folder`` and any missing parents with ``mode`` (owner-only by default),
    whatever the umask: under ``umask 000`` a plain ``mkdir`` makes them 0777, and the
    watchlist's and cache's folders hold phone numbers. Folders that already exist are left
    as they are."""
    missing: list[Path] = []
    current = Path(folder)
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for part in reversed(missing):
        try:
            os.mkdir(part, mode)
        except FileExistsError:
            continue  # made meanwhile by another process: theirs to set
        os.chmod(part, mode)  # mkdir's mode is masked by the umask; chmod's is not


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable. Best effort: some filesystems refuse to fsync a dir."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def remove_stale_temps(path: Path) -> int:
    """Delete temp files a killed writer left next to ``path``. Call only while holding the lock.

    Every writer creates its temp file under the lock, so while we hold it any temp file is
    an orphan. Returns how many were removed.
    """
    removed = 0
    try:
        names = os.listdir(path.parent)
    except OSError:
        return 0
    prefix = temp_prefix(path)
    for name in names:
        if name.startswith(prefix) and name.endswith(TEMP_SUFFIX):
            try:
                os.unlink(path.parent / name)
                removed += 1
            except OSError:
                pass
    return removed
