"""The one sanitiser (``domain.text.safe``) used by the CLI and the UI alike."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from usms_tui.domain.text import UNSAFE, first_unsafe, safe

#: What must never reach a terminal: Unicode classes, and the named characters on top.
UNSAFE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Cs")
NAMED = (
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]  # DEL and C1
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]  # bidi
    + ["\u2028", "\u2029"]  # line and paragraph separators
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]  # zero-width and BOM
)


def forbidden(char: str) -> bool:
    return char in NAMED or unicodedata.category(char) in UNSAFE_CATEGORIES


@given(st.text(st.characters(codec=None)))
def test_no_output_character_is_a_control_bidi_separator_or_invisible(text):
    out = safe(text)
    assert not any(forbidden(char) for char in out), out


@given(st.text(alphabet=st.sampled_from(NAMED), min_size=1))
def test_each_forbidden_character_becomes_a_visible_escape(text):
    out = safe(text)
    assert out.isascii() and out.isprintable() and out.count("\\") == len(text)


#: Plain text: letters, digits, punctuation and symbols of any script, CJK, emoji (with
#: skin tones and the emoji variation selector), ordinary and ideographic spaces.
PLAIN = st.lists(
    st.characters(exclude_categories=UNSAFE_CATEGORIES)
    | st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)  # CJK ideographs
    | st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)  # emoji and pictographs
    | st.sampled_from([" ", "\u3000", "空号", "发送成功", "👍🏽", "❤️", "🇨🇳", "é", "e\u0301"])
).map("".join)


@given(PLAIN)
def test_plain_text_passes_unchanged(text):
    assert safe(text) == text
    assert first_unsafe(text) is None


def test_examples():
    assert safe("空号 MK:0001 — ok 😀") == "空号 MK:0001 — ok 😀"
    assert safe("a\tb\nc\r") == "a\\x09b\\x0ac\\x0d"
    assert safe("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07"
    assert safe("abc\u202eexe.txt") == "abc\\u202eexe.txt"
    assert safe("x\u200by\ufeffz\u2028") == "x\\u200by\\ufeffz\\u2028"
    assert safe("\U000e0041") == "\\U000e0041"  # a tag character: eight hex digits
    assert safe("\udcff") == "\\udcff"  # a lone surrogate (surrogateescape) cannot be printed
    assert safe(None) == "" and safe(42) == "42"
    assert first_unsafe("ok\x9bno") == "\x9b"


def test_written_out_ranges_cover_the_unicode_database():
    """Every code point this Python's Unicode database puts in those classes is escaped, and
    nothing else is (but for format characters of newer Unicode versions, unassigned here)."""
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        if category in UNSAFE_CATEGORIES:
            assert UNSAFE.match(char), f"U+{code:04X} ({category}) is not escaped"
        elif UNSAFE.match(char):
            assert category == "Cn", f"U+{code:04X} ({category}) is escaped"
