"""Text widths in terminal cells, for the headless commands' aligned columns. Pure.

A CJK character (a Chinese label, a ReceiptDesc like 空号) takes two cells, a combining mark
none, so padding by ``len`` misaligned ``list``'s columns. The rule is the one terminals use
(Unicode East Asian Width: W and F are wide) from the standard library's ``unicodedata``;
the UI gets the same from Rich, which the core does not import.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def char_width(char: str) -> int:
    """Cells one character takes: 0 for combining and zero-width ones, 2 for wide ones, else 1."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf") or char == "\u200b":
        return 0
    if "\u1160" <= char <= "\u11ff":  # Hangul medial vowels and final consonants join the syllable
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Cells ``text`` takes in a terminal."""
    return sum(char_width(char) for char in text) if not text.isascii() else len(text)


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in ``…`` when cut."""
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        size = char_width(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…"


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells (aligned right with ``right``)."""
    fill = " " * max(0, width - cell_width(text))
    return fill + text if right else text + fill
