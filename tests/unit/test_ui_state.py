"""The UI's state file: the theme kept between starts; anything unusable is no state and one line."""

from __future__ import annotations

import json
import os

import pytest

from usms_tui.store.ui_state import MAX_BYTES, UiState, read_ui_state, write_ui_state


def test_round_trip_into_a_missing_folder(tmp_path):
    path = tmp_path / "state" / "usms-tui" / "ui-state.json"
    write_ui_state(path, UiState(theme="nord"))
    assert json.loads(path.read_text()) == {"theme": "nord"}
    assert read_ui_state(path) == (UiState(theme="nord"), None)
    assert [p.name for p in path.parent.iterdir()] == ["ui-state.json"]  # no temp file left


def test_a_missing_file_is_no_state_and_no_notice(tmp_path):
    assert read_ui_state(tmp_path / "none.json") == (UiState(), None)


def test_unknown_keys_are_ignored(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"theme": "dracula", "later": [1, 2]}')
    assert read_ui_state(path) == (UiState(theme="dracula"), None)


BAD = {
    "invalid UTF-8": (b'{"theme": "\xff\xfe"}', "not UTF-8"),
    "binary": (bytes(range(256)), "not UTF-8"),
    "not JSON": (b"theme = nord", "not usable JSON"),
    "deep nesting": (b"[" * 30_000 + b"]" * 30_000, "not usable JSON"),
    "a huge number": (b'{"theme": ' + b"9" * 5000 + b"}", "not usable JSON"),
    "not an object": (b'["nord"]', "not a JSON object"),
    "a theme that is no name": (b'{"theme": 42}', "not a theme name"),
    "an empty name": (b'{"theme": ""}', "not a theme name"),
    "a 10 MB file": (b'{"theme": "' + b"x" * (10 * 1024 * 1024) + b'"}', "larger than"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_corrupt_files_are_no_state_with_one_line_and_left_as_they_are(tmp_path, case):
    data, said = BAD[case]
    path = tmp_path / "ui-state.json"
    path.write_bytes(data)
    state, problem = read_ui_state(path)
    assert state == UiState()
    assert problem is not None and said in problem and str(path) in problem
    assert "\n" not in problem and len(problem) < 200 + len(str(path))
    assert path.read_bytes() == data


def test_just_under_the_size_limit_is_read(tmp_path):
    path = tmp_path / "s.json"
    document = '{"theme": "nord", "pad": "' + "x" * (MAX_BYTES - 40) + '"}'
    path.write_text(document)
    assert len(document) <= MAX_BYTES
    assert read_ui_state(path) == (UiState(theme="nord"), None)


def test_a_folder_in_its_place(tmp_path):
    path = tmp_path / "ui-state.json"
    path.mkdir()
    state, problem = read_ui_state(path)
    assert state == UiState() and problem is not None and "folder" in problem
    with pytest.raises(OSError):
        write_ui_state(path, UiState(theme="nord"))  # never replaced either
    assert path.is_dir()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_its_place_does_not_hang(tmp_path):
    path = tmp_path / "ui-state.json"
    os.mkfifo(path)
    state, problem = read_ui_state(path)
    assert state == UiState() and problem is not None and "not a regular file" in problem


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(tmp_path):
    path = tmp_path / "ui-state.json"
    path.write_text('{"theme": "nord"}')
    path.chmod(0)
    try:
        state, problem = read_ui_state(path)
    finally:
        path.chmod(0o600)
    assert state == UiState() and problem is not None and "ermission" in problem
