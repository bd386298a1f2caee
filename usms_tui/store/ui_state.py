"""The UI's own small state between starts: the theme last picked in the command palette.

Not the user's ``config.toml`` (which the app only reads): a disposable JSON object in the
state folder, ``{"theme": "nord"}``, replaced atomically. Reading it never fails: a missing
file is no state; a file that is not what this module writes (binary, not UTF-8, not JSON,
nested without limit, huge, a folder or a FIFO in its place, unreadable) is no state plus
one line saying why, and the file is left as it is.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from usms_tui.domain import json_safety
from usms_tui.store.atomic import atomic_write_bytes

#: Far more than ``{"theme": ...}`` needs; a bigger file is not ours and is not read whole.
MAX_BYTES = 64 * 1024
#: Longer than any theme's name: a longer value is not one.
MAX_NAME = 100


@dataclass(frozen=True)
class UiState:
    """What the UI kept from its last run (None: nothing kept)."""

    theme: str | None = None


def read_ui_state(path: Path) -> tuple[UiState, str | None]:
    """The state at ``path`` and, when the file is there but unusable, why (one short line)."""
    try:
        data = _read_small(path)
    except FileNotFoundError:
        return UiState(), None
    except OSError as error:
        return UiState(), f"{path}: {error.strerror or error}"
    if data is None:
        return UiState(), f"{path} is larger than {MAX_BYTES // 1024} KiB, so it is not ours"
    try:
        document = json_safety.loads(data.decode("utf-8"), unique_keys=False)
    except UnicodeDecodeError as error:
        return UiState(), f"{path} is not UTF-8 text (byte {error.start})"
    except ValueError as error:
        return UiState(), f"{path} is not usable JSON ({str(error).splitlines()[0][:80]})"
    if not isinstance(document, dict):
        return UiState(), f"{path} is not a JSON object"
    theme = document.get("theme")
    if theme is not None and not (isinstance(theme, str) and 0 < len(theme) <= MAX_NAME):
        return UiState(), f"{path}: its theme is not a theme name"
    return UiState(theme=theme), None


def _read_small(path: Path) -> bytes | None:
    """The file's bytes, or None when it is larger than :data:`MAX_BYTES`. Only a regular
    file is read: opened non-blocking, so a FIFO in its place cannot hang the start."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "it is a folder, not a file", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(fd, "rb") as handle:
            fd = -1  # the handle closes it now
            data = handle.read(MAX_BYTES + 1)
    finally:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
    return None if len(data) > MAX_BYTES else data


def write_ui_state(path: Path, state: UiState) -> None:
    """Replace the file at ``path`` with ``state`` (its folder made if missing). Raises ``OSError``."""
    text = json_safety.dumps({"theme": state.theme}) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"), make_parents=True)


__all__ = ["MAX_BYTES", "UiState", "read_ui_state", "write_ui_state"]
