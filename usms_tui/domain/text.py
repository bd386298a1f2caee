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

import functools
import re

#: Every Cc, Cf, Zl, Zp and Cs code point (Unicode 15), as regex ranges.
_C0 = "\x00-\x1f"
_OTHERS = (
    "\x7f-\x9f"  # DEL, C1
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
UNSAFE = re.compile(f"[{_C0}{_OTHERS}]")
#: The same, except tab, newline and CR-before-LF: the layout of a whole table, CSV or message
#: written to a stream (each field in it has been through :func:`safe` already).
_UNSAFE_IN_LINES = re.compile(f"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHERS}]")


# The two below are compiled when first used, not when the module loads: every command loads
# it, few write JSON or meet a lone surrogate, and a character class this long is slow to
# compile.


@functools.cache
def _unsafe_in_json() -> re.Pattern[str]:
    """In JSON text C0 controls are already escaped by the encoder (any left are its own
    newlines and indentation); the rest must be escaped as ``\\uXXXX``."""
    return re.compile(f"[{_OTHERS}]")


@functools.cache
def _surrogate() -> re.Pattern[str]:
    return re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON has no 6-digit escape: a surrogate pair, as json.dumps writes one
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def safe(value: object) -> str:
    """``str(value)`` (``""`` for None) with every character above written as a visible escape."""
    return UNSAFE.sub(_escape, "" if value is None else str(value))


def first_unsafe(text: str) -> str | None:
    """The first character :func:`safe` would escape, or None: for inputs that refuse them."""
    found = UNSAFE.search(text)
    return found.group() if found else None


def is_safe(text: str) -> bool:
    """True when :func:`safe` would leave ``text`` unchanged."""
    return UNSAFE.search(text) is None


def safe_lines(text: str) -> str:
    """:func:`safe` for a whole block of output: its newlines, tabs and CRLF line ends stay."""
    return _UNSAFE_IN_LINES.sub(_escape, text)


def safe_json_text(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the characters a terminal
    would act on escaped as ``\\uXXXX``: the document still decodes to exactly the same data."""
    return _unsafe_in_json().sub(_json_escape, text)


def decode_text(raw: bytes) -> str:
    """UTF-8 bytes from a file or stdin as text, one leading byte-order mark dropped (editors
    on Windows write one). Raises ``ValueError("not UTF-8 text (byte N)")``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (byte {error.start})") from None
    return text[1:] if text.startswith("\ufeff") else text


def encodable(text: str) -> str:
    """``text`` with lone surrogates (a JSON ``"\\udcff"`` escape decodes to one) replaced by
    U+FFFD: no file, database or terminal can take them as UTF-8, and each would raise
    ``UnicodeEncodeError`` wherever the text is written."""
    if text.isascii():
        return text
    return _surrogate().sub("\ufffd", text)
