"""Classes 3, 4 and 8 for files and pasted input: hostile import text and watchlist files.

Property tests: whatever ``add -``/``--from`` is given, the importer returns sessions and
refusals (never raises) and every session it returns is one the watchlist accepts; whatever
bytes the watchlist holds, reading it either works or is one ``WatchlistError``, and a
refused file is never rewritten. Duplicated keys are refused by name, never resolved.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import examples
from usms_tui.domain import json_safety
from usms_tui.domain.errors import WatchlistError
from usms_tui.domain.sessions import validate_label, validate_session_no
from usms_tui.store.importer import parse_import
from usms_tui.store.watchlist import WatchedSession, Watchlist

NASTY = st.sampled_from(["\x1b]0;t\x07", "\x9b", "\u202e", "\udcff", "\x00", "\ufeff", "\u2028", "发送", " ", "#"])
text = st.lists(st.one_of(NASTY, st.text(max_size=5)), max_size=8).map("".join)
numbers = st.one_of(
    st.integers(min_value=-(10**45), max_value=10**45),
    st.floats(allow_nan=False),
    st.integers(min_value=41, max_value=6000).map(lambda n: int("7" * n) if n < 4300 else n),
)
values = st.recursive(
    st.none() | st.booleans() | numbers | text,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["SessionNo", "session_no", "label", "sent_at", "phones", "RetCode", "x"]), inner
        )
    ),
    max_leaves=10,
)


def _deep(depth: int) -> str:
    return "[" * depth + '"s"' + "]" * depth


def _huge_number(digits: int) -> str:
    return '{"session_no": "s", "sent_at": ' + "9" * digits + "}"


documents = st.one_of(
    values.map(lambda v: json.dumps(v, ensure_ascii=False)),
    st.integers(min_value=1, max_value=30_000).map(_deep),
    st.integers(min_value=30, max_value=9000).map(_huge_number),
    st.just('{"SessionNo": "a", "SessionNo": "b"}'),
    text,
)
inputs = st.one_of(
    documents, st.lists(documents, max_size=4).map("\n".join), st.binary(max_size=40).map(lambda b: b.decode("latin-1"))
)


@settings(max_examples=examples(500), deadline=None)
@given(inputs)
def test_import_never_raises_and_returns_only_sessions_the_watchlist_accepts(given_text):
    sessions, refused = parse_import(given_text, "stdin")
    for session in sessions:
        assert validate_session_no(session.session_no) == session.session_no
        assert validate_label(session.label) == session.label
    assert all(isinstance(where, str) and isinstance(why, str) for where, why in refused)


@pytest.mark.parametrize("depth", [100, 1000, 100_000])
def test_deep_nesting_is_refused_with_a_reason_at_every_depth(depth):
    sessions, refused = parse_import(_deep(depth), "f.json")
    assert not sessions and refused and ("nested" in refused[0][1] or "deep" in refused[0][1])


def test_a_duplicated_key_in_one_document_refuses_the_document():
    text = '[{"RetCode": 0, "SessionNo": "a"},\n {"RetCode": 0, "SessionNo": "b", "SessionNo": "c"}]'
    assert parse_import(text, "f.json") == ([], [("f.json", 'the key "SessionNo" appears twice in one object')])


def test_strict_loads_turns_every_hostile_shape_into_a_value_error():
    for bad in (_deep(100_000), _huge_number(5000), _huge_number(400), '{"a": 1, "a": 2}', "NaN", "[Infinity]"):
        with pytest.raises(ValueError):
            json_safety.loads(bad)
    assert json_safety.loads('{"a": 1, "a": 2}', unique_keys=False) == {"a": 2}
    assert json_safety.too_deep(json.loads(_deep(70))) and not json_safety.too_deep(json.loads(_deep(60)))


# -- the watchlist file ------------------------------------------------------------------

files = st.one_of(
    values.map(lambda v: json.dumps({"version": 1, "sessions": [v]}).encode()),
    values.map(lambda v: json.dumps({"version": 1, "sessions": [{"session_no": "a", "x": v}]}).encode()),
    documents.map(lambda d: d.encode("utf-8", "surrogatepass")),
    st.integers(min_value=30, max_value=6000).map(
        lambda n: b'{"version": 1, "sessions": [{"session_no": "a", "added_at": ' + b"1" * n + b"}]}"
    ),
    st.integers(min_value=60, max_value=50_000).map(
        lambda n: b'{"version": 1, "x": ' + b"[" * n + b"]" * n + b', "sessions": []}'
    ),
    st.binary(max_size=60),
)


@settings(max_examples=examples(200), deadline=None)
@given(files)
def test_any_watchlist_bytes_load_or_are_one_error_and_a_refused_file_is_never_rewritten(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("w") / "watchlist.json"
    path.write_bytes(raw)
    watchlist = Watchlist(path, lock_timeout=1)
    try:
        watchlist.load()
    except WatchlistError:
        refused = True
    else:
        refused = False
    for change in (
        lambda: watchlist.add([WatchedSession("new-one", label="l")]),
        lambda: watchlist.remove(["a"]),
        lambda: watchlist.update("a", label="edited"),
    ):
        with contextlib.suppress(WatchlistError, KeyError):
            change()
        if refused:
            assert path.read_bytes() == raw
    if not refused:
        Watchlist(path).load()  # what was written reads back


@pytest.mark.parametrize(
    ("document", "key"),
    [
        (b'{"version": 1, "sessions": [{"session_no": "a"}], "sessions": [{"session_no": "b"}]}', '"sessions"'),
        (b'{"version": 1, "sessions": [{"session_no": "a", "phones": ["1"], "phones": ["2"]}]}', '"phones"'),
        (b'{"version": 1, "sessions": [{"session_no": "a", "x": {"k": 1, "k": 2}}]}', '"k"'),
    ],
)
def test_a_duplicated_key_refuses_the_watchlist_naming_it_and_no_write_touches_it(tmp_path, document, key):
    path = tmp_path / "watchlist.json"
    path.write_bytes(document)
    watchlist = Watchlist(path)
    with pytest.raises(WatchlistError, match=f"the key {key} appears twice.*left as it was"):
        watchlist.load()
    for change in (lambda: watchlist.add([WatchedSession("c")]), lambda: watchlist.remove(["a"])):
        with pytest.raises(WatchlistError):
            change()
    with pytest.raises(WatchlistError):
        watchlist.update("a", label="x")
    assert path.read_bytes() == document


def test_hostile_text_in_a_migrated_watchlist_is_kept_exact(tmp_path):
    # The database is not a file to cat (list and list --json are its readable forms, and
    # they escape such text); what the move from JSON must do is keep the data exact.
    path = tmp_path / "watchlist.json"
    path.write_text(
        json.dumps({"version": 1, "hand": "\x9b\u202e", "sessions": [{"session_no": "a", "note": "\x1b]0;x\x07"}]})
    )
    watchlist = Watchlist(path)
    watchlist.add([WatchedSession("b")])
    [a, _b] = Watchlist(path).load()
    assert a.note == "\x1b]0;x\x07"  # the data itself is exact


def test_labels_from_every_door_follow_one_rule(tmp_path):
    watchlist = Watchlist(tmp_path / "w.json")
    report = watchlist.add(
        [WatchedSession("a", label="ok"), WatchedSession("b", label="x\u202e"), WatchedSession("c", label="\udcff")]
    )
    assert report.added == ["a"] and [why for _, why in report.refused] == [
        "label: contains a control character (U+202E)",
        "label: contains a byte that is not UTF-8 text (U+DCFF)",
    ]
    _, refused = parse_import('{"sessions": [{"session_no": "d", "label": "\\u001b[2J"}]}', "f")
    assert refused and "control character (U+001B)" in refused[0][1]
