"""Class 1, terminal takeover: what reaches a terminal or a file a person opens is inert.

Property tests over text made of the characters that act on terminals (ESC sequences, C1,
DEL, bidi overrides and isolates, separators, surrogates) mixed with ordinary and Chinese
text: whole output blocks and the JSON writer leave none of them raw, JSON stays exact, CSV
stays defused. (``safe()`` itself is tested in test_text.py.)
"""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import examples
from usms_tui.domain import json_safety
from usms_tui.domain.receipts import Receipt, classify
from usms_tui.domain.summary import summarize
from usms_tui.domain.text import safe, safe_json_text, safe_lines
from usms_tui.store.exporting import defuse, phone_row, render

RAW = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufeff]")

PIECES = [
    "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: set the clipboard
    "\x1b]0;pwned\x07",  # OSC 0: retitle the window
    "\x1b[2J",
    "\x9b31m",  # C1 CSI
    "\x9d0;t\x9c",  # C1 OSC ... ST
    "\u202e",
    "\u2066",
    "\u2028",
    "\x7f",
    "\r",
    "\x00",
    "\udcff",  # a non-UTF-8 byte from argv
    "\U000e0041",  # a tag character
    "\ufeff",
    "=cmd|' /C calc'!A0",
    "发送成功",
    "\u200d",
]
hostile = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=10).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile, inner, max_size=4),
    max_leaves=15,
)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(hostile, max_size=5))
def test_safe_lines_keeps_the_layout_and_escapes_the_rest(lines):
    block = "\r\n".join(lines) + "\n\t"
    shown = safe_lines(block)
    assert RAW.search(shown.replace("\r\n", "").replace("\n", "").replace("\t", "")) is None
    assert shown.count("\n") == block.count("\n")  # line ends are kept, never made


@settings(max_examples=examples(400), deadline=None)
@given(json_values, st.sampled_from([None, 2]))
def test_json_written_is_exact_and_safe_to_cat(value, indent):
    text = json_safety.dumps(value, indent=indent)
    assert json.loads(text) == value  # the same data, character for character
    assert RAW.search(text.replace("\n", "")) is None
    text.encode("utf-8")
    assert safe_json_text(text) == text


def _hostile_rows(desc: str, code: str, result: str, label: str) -> list[dict]:
    receipt = Receipt("13800000000", result, classify(result), code=code, desc=desc, user_id=desc[:5])
    summary = summarize("s-1", [receipt], now=1e9, added_at=1e9)

    class Entry:
        pass

    entry = Entry()
    entry.label, entry.sent_at = label, None
    return [phone_row(summary, receipt, entry)]


@settings(max_examples=examples(300), deadline=None)
@given(hostile, hostile, hostile, hostile)
def test_exports_carry_no_raw_escape_keep_json_exact_and_defuse_formulas(desc, code, result, label):
    rows = _hostile_rows(desc, code, result, label)
    as_json = render(rows, "json")
    assert RAW.search(as_json.replace("\n", "")) is None
    assert json.loads(as_json)[0]["desc"] == desc and json.loads(as_json)[0]["label"] == label
    as_csv = render(rows, "csv")
    assert RAW.search(as_csv.replace("\r\n", "")) is None
    [header, row] = list(csv.reader(io.StringIO(as_csv)))
    cells = dict(zip(header, row, strict=True))
    for name in ("desc", "code", "result", "label"):
        assert cells[name][:1] not in ("=", "+", "-", "@"), cells[name]
        assert cells[name] == defuse(safe(rows[0][name]))
