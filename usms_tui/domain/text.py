"""Text from the API or from files, made safe to show: the one sanitiser of the CLI and the UI.

A label, ReceiptDesc or error message is shown exactly as written, except for characters that
act on the terminal or on the reader instead of being read: they are written as visible
escapes (``\\x1b``, ``\\u202e``), so nothing can move the cursor, retitle the window, reorder
a line or hide text in someone's terminal, in a table, a notification or a file.

Escaped, as Unicode classifies them:
- controls (Cc): C0 (``\\x00``-``\\x1f``, so tab and newline too), DEL and C1 (``\\x80``-``\\x9f``);
- format characters (Cf): the bidi marks, embeddings, overrides and isolates (U+061C,
  U+200E/F, U+202A-U+202E, U+2066-U+2069), the zero-width space, joiners and word joiner
  (U+200B-U+200D, U+2060), the byte-order mark U+FEFF, the soft hyphen, tag characters and
  the other invisible formatters. A zero-width joiner is also what glues emoji into one
  glyph whose width terminals disagree on, which would shift every column after it;
- the line and paragraph separators U+2028/U+2029 (Zl, Zp): a new line a terminal or an
  editor may honour;
- lone surrogates (Cs, from file names decoded with ``surrogateescape``): they cannot be
  encoded, so printing one would crash instead of showing it.

Everything else passes unchanged: CJK, emoji, accents, typographic symbols, ordinary spaces.
The ranges are written out (scanning the Unicode database at import would slow every
command's start); a test checks them against ``unicodedata``.
"""

from __future__ import annotations

import re

#: Every Cc, Cf, Zl, Zp and Cs code point (Unicode 15), as regex ranges.
_UNSAFE_RANGES = (
    "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1
    "\u00ad"  # soft hyphen
    "\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2"  # Arabic/Syriac format signs, ALM
    "\u180e"  # Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    "\u2028-\u202e"  # line and paragraph separators, bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates, deprecated
    "\ud800-\udfff"  # lone surrogates
    "\ufeff"  # byte-order mark / zero-width no-break space
    "\ufff9-\ufffb"  # interlinear annotation
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"  # language tag and tag characters
)
UNSAFE = re.compile(f"[{_UNSAFE_RANGES}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def safe(value: object) -> str:
    """``str(value)`` (``""`` for None) with every character above written as a visible escape."""
    return UNSAFE.sub(_escape, "" if value is None else str(value))


def first_unsafe(text: str) -> str | None:
    """The first character :func:`safe` would escape, or None: for inputs that refuse them."""
    found = UNSAFE.search(text)
    return found.group() if found else None
