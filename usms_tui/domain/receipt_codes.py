"""UCloud's receipt-code table: what a carrier's code means and what UCloud advises.

The table ships as package data (``data/receipt_codes.tsv``, generated from UCloud's public
documentation by ``scripts/gen_receipt_codes.py``; its header says from which commit and
when). It is read once, on the first lookup, into a dict keyed by (carrier, code) with
every string interned, so a lookup per receipt costs a dict probe. Reading the package's
own data file is the only I/O here; a missing file is a :class:`CodeTableMissing` naming it.

Codes are matched as a person would: full-width colons and letters as ASCII, case and
runs of spaces ignored. A few published codes stand for several: a range of numbers
(``112`` to ``116``), alternatives (``MC、MI``), a placeholder of four ``x``, ``N`` or
multiplication signs (``MI:xxxx``, ``UNDELIV MK:NNNN``) or a prefix (``CU开头的``); those
match after the exact codes.
"""

from __future__ import annotations

import enum
import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from usms_tui.domain.carriers import Carrier, guess_order
from usms_tui.domain.causes import Cause, cause_of
from usms_tui.domain.code_table_path import CODE_TABLE_FILE
from usms_tui.domain.errors import UserError
from usms_tui.domain.receipt_code_file import CodeRow, parse_rows

#: The package data file, relative to this package.
DATA_NAME = "data/receipt_codes.tsv"
DATA_FILE = CODE_TABLE_FILE

#: A receipt code longer than this is no carrier code: not looked up (nor cached).
MAX_CODE_LENGTH = 64


class CodeTableMissing(UserError):
    """The package's receipt-code data file is missing or unreadable (a broken install)."""


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """What one code means on one carrier's table. A code published more than once with
    different texts keeps all of them: ``meaning`` and ``advice`` join the distinct ones."""

    carrier: Carrier
    code: str
    meaning: str
    advice: str | None
    cause: Cause
    rows: tuple[CodeRow, ...]


class Source(enum.StrEnum):
    """Whose row explained a code, seen from the number's carrier."""

    CARRIER = "carrier"  # the carrier's own row
    ALL_NETWORKS = "all_networks"  # the row UCloud publishes for all three networks
    OTHER_CARRIER = "other_carrier"  # another carrier's row: a guess


@dataclass(frozen=True, slots=True)
class CodeMatch:
    """A lookup's answer: the entry, whose table it came from, and how it matched."""

    entry: CodeEntry
    source: Source
    pattern: bool = False  # matched a range, placeholder or prefix, not the code itself

    @property
    def guess(self) -> bool:
        """The meaning comes from another carrier's table."""
        return self.source is Source.OTHER_CARRIER


# -- matching ----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"X{4}|N{4}|×{4}")
_RANGE = re.compile(r"(\d+)~(\d+)")
_PREFIX_SUFFIX = "开头的"  # "CU开头的": the codes that start with CU


@functools.lru_cache(maxsize=4096)
def normalize_code(code: str) -> str:
    """How codes are compared: NFKC (a full-width colon is ``:``), spaces collapsed, upper case."""
    return " ".join(unicodedata.normalize("NFKC", code).split()).upper()


def _keys(code: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """The exact keys and the patterns a published code stands for."""
    norm = normalize_code(code)
    keys = {norm, norm.replace(" ", "")}
    patterns = []
    if norm.endswith(_PREFIX_SUFFIX) and len(norm) > len(_PREFIX_SUFFIX):
        patterns.append(re.compile(re.escape(norm.removesuffix(_PREFIX_SUFFIX)) + ".*"))
    elif "、" in norm:
        keys.update(part.strip() for part in norm.split("、") if part.strip())
    elif (span := _RANGE.fullmatch(norm)) and 0 <= int(span[2]) - int(span[1]) <= 1000:
        keys.update(str(n) for n in range(int(span[1]), int(span[2]) + 1))
    elif _PLACEHOLDER.search(norm):
        # "UNDELIV MK:NNNN" is the status word and the code: a receipt may carry either form.
        for form in {norm, norm.rsplit(" ", 1)[-1]}:
            parts = [re.escape(p) for p in _PLACEHOLDER.split(form)]
            patterns.append(re.compile("[0-9A-Z]+".join(parts)))
    return keys, patterns


def _joined(texts: Iterable[str]) -> str:
    return " / ".join(dict.fromkeys(t for t in texts if t))


class CodeTable:
    """Every published row, indexed by (carrier, normalised code)."""

    def __init__(self, rows: Iterable[CodeRow], header: dict[str, str] | None = None) -> None:
        self.header = dict(header or {})
        self.rows = tuple(rows)
        grouped: dict[tuple[Carrier, str], list[CodeRow]] = {}
        for row in self.rows:
            grouped.setdefault((row.carrier_id, row.code), []).append(row)
        self._exact: dict[tuple[Carrier, str], CodeEntry] = {}
        self._patterns: dict[Carrier, list[tuple[re.Pattern[str], CodeEntry]]] = {}
        self.entries: list[CodeEntry] = []
        for (carrier, code), group in grouped.items():
            entry = CodeEntry(
                carrier,
                code,
                sys.intern(_joined(r.description for r in group)),
                sys.intern(_joined(r.advice for r in group)) or None,
                cause_of(carrier, code, group[0].description, group[0].advice),
                tuple(group),
            )
            self.entries.append(entry)
            keys, patterns = _keys(code)
            for key in keys:
                self._exact.setdefault((carrier, sys.intern(key)), entry)
            self._patterns.setdefault(carrier, []).extend((p, entry) for p in patterns)
        self.lookup = functools.lru_cache(maxsize=1 << 14)(self._lookup)

    def __len__(self) -> int:
        return len(self.rows)

    def _tiers(self, carrier: Carrier | None) -> Iterator[tuple[Carrier, Source]]:
        if carrier is not None and carrier is not Carrier.ALL_NETWORKS:
            yield carrier, Source.CARRIER
        yield Carrier.ALL_NETWORKS, Source.ALL_NETWORKS
        for other in guess_order(carrier):
            if other is not carrier:
                yield other, Source.OTHER_CARRIER

    def _lookup(self, carrier: Carrier | None, code: str) -> CodeMatch | None:
        """The row explaining ``code`` for a number of ``carrier`` (None: unknown carrier):
        the carrier's own, else the all-networks one, else another carrier's (a guess)."""
        if not code or len(code) > MAX_CODE_LENGTH:
            return None
        norm = normalize_code(code)
        if not norm:
            return None
        bare = norm.replace(" ", "")
        for table, source in self._tiers(carrier):
            entry = self._exact.get((table, norm)) or self._exact.get((table, bare))
            if entry is not None:
                return CodeMatch(entry, source)
            for pattern, entry in self._patterns.get(table, ()):
                if pattern.fullmatch(norm):
                    return CodeMatch(entry, source, pattern=True)
        return None


def _read_default() -> str:
    resource = resources.files("usms_tui.domain").joinpath(DATA_NAME)
    try:
        return resource.read_text(encoding="utf-8")
    except OSError as error:
        raise CodeTableMissing(
            f"the receipt-code table {DATA_FILE} is missing or unreadable ({error.strerror or error}): "
            "the package is installed without its data; reinstall usms-tui"
        ) from None


def load_table(path: Path | None = None) -> CodeTable:
    """Read a data file (default: the package's own). A missing or broken file is a
    :class:`CodeTableMissing` naming it, never a half-loaded table."""
    try:
        text = _read_default() if path is None else path.read_text(encoding="utf-8")
    except OSError as error:
        raise CodeTableMissing(
            f"the receipt-code table {path} is missing or unreadable ({error.strerror or error})"
        ) from None
    try:
        header, rows = parse_rows(text)
    except ValueError as error:
        raise CodeTableMissing(f"the receipt-code table {path or DATA_FILE} is damaged: {error}") from None
    return CodeTable(rows, header)


@functools.cache
def default_table() -> CodeTable:
    """The package's table, read on first use and kept."""
    return load_table()


def check_installed(path: Path | None = None) -> None:
    """Fail fast at start-up, naming the file, when the package's data file is absent."""
    if path is not None:
        if not path.is_file():
            raise CodeTableMissing(f"the receipt-code table {path} is missing: reinstall usms-tui")
        return
    if not resources.files("usms_tui.domain").joinpath(DATA_NAME).is_file():
        raise CodeTableMissing(f"the receipt-code table {DATA_FILE} is missing: reinstall usms-tui")
