"""The receipt-code data file's format: a ``#`` header saying where the table came from,
a column line, then one published row per line, tab-separated, with backslash, tab and
line breaks escaped (UCloud's texts hold backslashes; tabs and breaks would split a row).

Shared by the loader and ``scripts/gen_receipt_codes.py``, so what one writes the other
reads back field for field. Pure: parses text, reads no file.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from usms_tui.domain.carriers import Carrier, carrier_from_published

COLUMNS = ("product", "carrier", "carrier_id", "code", "description", "advice")


@dataclass(frozen=True, slots=True)
class CodeRow:
    """One published row, texts exactly as UCloud wrote them (``advice`` may be empty)."""

    product: str
    carrier: str  # as published: 中国移动, 中国联通, 中国电信, 三网
    carrier_id: Carrier
    code: str
    description: str
    advice: str


_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {v: k for k, v in _ESCAPES.items()}
_ESCAPED = re.compile(r"\\[\\tnr]")


def escape_field(text: str) -> str:
    """One TSV field: backslash, tab and line breaks written as ``\\\\``, ``\\t``, ``\\n``, ``\\r``."""
    return "".join(_ESCAPES.get(char, char) for char in text) if any(c in text for c in _ESCAPES) else text


def unescape_field(text: str) -> str:
    """Inverse of :func:`escape_field`."""
    return _ESCAPED.sub(lambda m: _UNESCAPES[m.group()], text) if "\\" in text else text


def _natural(code: str) -> list[tuple[int, str]]:
    return [(int(part) if part[:1].isdigit() else -1, part) for part in re.split(r"([0-9]+)", code.casefold())]


_CARRIER_ORDER = {carrier: n for n, carrier in enumerate(Carrier)}


def sort_key(row: CodeRow) -> tuple[int, list[tuple[int, str]], str]:
    """File order: by carrier (mobile, unicom, telecom, all three), then code with numbers
    in numeric order (``2`` before ``10``). Python's sort is stable, so rows of one code keep
    their published order."""
    return _CARRIER_ORDER[row.carrier_id], _natural(row.code), row.code


def parse_header(lines: Iterable[str]) -> dict[str, str]:
    """The ``# key: value`` lines at the top of a data file."""
    header: dict[str, str] = {}
    for line in lines:
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].partition(":")
        if sep and " " not in key.strip():
            header[key.strip()] = value.strip()
    return header


def parse_rows(text: str) -> tuple[dict[str, str], list[CodeRow]]:
    """Header and rows of a data file's text. ``ValueError`` names the first bad line."""
    lines = text.splitlines()
    header = parse_header(lines)
    body = [line for line in lines if not line.startswith("#")]
    if not body or tuple(body[0].split("\t")) != COLUMNS:
        raise ValueError(f"the column line is not {' '.join(COLUMNS)}")
    intern = sys.intern
    rows = []
    for number, line in enumerate(body[1:], start=len(lines) - len(body) + 2):
        fields = line.split("\t")
        if len(fields) != len(COLUMNS):
            raise ValueError(f"line {number}: {len(fields)} fields instead of {len(COLUMNS)}")
        product, carrier, carrier_id, code, description, advice = (intern(unescape_field(f)) for f in fields)
        if carrier_from_published(carrier).value != carrier_id:
            raise ValueError(f"line {number}: carrier {carrier!r} is not {carrier_id!r}")
        rows.append(CodeRow(product, carrier, Carrier(carrier_id), code, description, advice))
    return header, rows
