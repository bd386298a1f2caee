"""atomic_write_bytes: replaces regular files only, never a folder, device or FIFO."""

from __future__ import annotations

import os
import stat

import pytest

from usms_tui.store.atomic import atomic_write_bytes


def test_replaces_a_regular_file_keeping_its_mode(tmp_path):
    target = tmp_path / "w.json"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(os.stat(target).st_mode) == 0o640
    atomic_write_bytes(tmp_path / "sub" / "fresh.json", b"x", make_parents=True)
    assert stat.S_IMODE(os.stat(tmp_path / "sub" / "fresh.json").st_mode) == 0o600


def test_a_missing_folder_is_created_only_when_asked(tmp_path):
    # Only the app's own data and state folders are made; a mistyped export path must fail.
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "missing" / "x.csv", b"x")
    assert not (tmp_path / "missing").exists()


def test_a_fifo_or_folder_is_refused_not_replaced(tmp_path):
    # `--watchlist /dev/null` run as root used to replace the /dev/null device with a regular
    # file; a FIFO stands in for any non-regular file here.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        atomic_write_bytes(fifo, b"data")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    link = tmp_path / "link"
    link.symlink_to(fifo)  # followed, as for a symlinked watchlist: still refused
    with pytest.raises(OSError, match="not a regular file"):
        atomic_write_bytes(link, b"data")
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError):
        atomic_write_bytes(tmp_path / "folder", b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "link", "pipe"]  # no temp left
