#!/usr/bin/env python3
"""Generate ``usms_tui/domain/data/receipt_codes.tsv`` from UCloud's published receipt-code table.

UCloud publishes what each carrier receipt code means and what to do about it in its public
USMS documentation repository (UCloudDoc-Team/usms, ``api_docs/error_code/receipt_code.md``).
This script turns that markdown table into the package's data file, keeping every text as
published (a support engineer quotes them back) and recording where and when it came from.

    python scripts/gen_receipt_codes.py --git-dir PATH/TO/usms.git            # a clone or mirror
    python scripts/gen_receipt_codes.py --markdown receipt_code.md --commit SHA --committed DATE

Rerunning it on the same commit reproduces the file byte for byte: rows are sorted by
carrier and code (published order kept among rows of one code), and the retrieval date
is kept from the existing file when the commit did not change (``--retrieved`` sets it).
What it had to repair or drop (exact duplicate rows, codes published twice with different
texts, odd characters) is reported on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from usms_tui.domain.carriers import carrier_from_published
from usms_tui.domain.receipt_code_file import COLUMNS, CodeRow, escape_field, parse_header, sort_key
from usms_tui.domain.receipt_codes import DATA_FILE

REPOSITORY = "UCloudDoc-Team/usms"
SOURCE_PATH = "api_docs/error_code/receipt_code.md"
HEADER_CELLS = ("产品类型", "运营商", "状态码", "状态码描述", "建议的处理方案")

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
#: Control characters other than the tab and newline handled on their own.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass
class Report:
    """What parsing found worth a human look."""

    exact_duplicates: list[tuple[int, CodeRow]]
    conflicting: dict[tuple[str, str], int]
    odd_codes: list[tuple[int, str]]
    skipped: list[tuple[int, str]]

    def lines(self) -> list[str]:
        out = [f"dropped exact duplicate (line {n}): {r.carrier} {r.code}" for n, r in self.exact_duplicates]
        out += [f"published {n} times with different texts: {c} {code}" for (c, code), n in self.conflicting.items()]
        out += [f"code with odd characters (line {n}): {code!r}" for n, code in self.odd_codes]
        out += [f"skipped table line {n}: {text}" for n, text in self.skipped]
        return out


def clean_cell(cell: str) -> str:
    """A markdown cell as a reader sees it: ``<br>`` as a space, ``\\|`` as ``|``, entities
    decoded, control characters dropped, tabs and line breaks as spaces, the ends trimmed."""
    text = _BR.sub(" ", cell).replace("\\|", "|")
    text = html.unescape(text).replace("\t", " ").replace("\r", " ").replace("\n", " ")
    text = _CONTROL.sub("", text)
    return text.strip()


def split_row(line: str) -> list[str] | None:
    """The cells of one table line, or None when it is no table row."""
    line = line.strip()
    if not line.startswith("|"):
        return None
    body = line[1:-1] if line.endswith("|") and not line.endswith("\\|") else line[1:]
    return [clean_cell(cell) for cell in _SPLIT.split(body)]


def _is_separator(cells: Sequence[str]) -> bool:
    return all(re.fullmatch(r":?-{3,}:?", cell.replace(" ", "")) for cell in cells)


def _odd(code: str) -> bool:
    return not re.fullmatch(r"[A-Za-z0-9:_\-]+", code)


def parse(markdown: str) -> tuple[list[CodeRow], Report]:
    """Every data row of the receipt-code table(s), in published order, and the report."""
    rows: list[CodeRow] = []
    report = Report([], {}, [], [])
    seen: dict[tuple[str, ...], int] = {}
    in_table = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        cells = split_row(line)
        if cells is None:
            in_table = False
            continue
        if tuple(cells[:5]) == HEADER_CELLS:
            in_table = True
            continue
        if not in_table or _is_separator(cells):
            continue
        if len(cells) != 5 or not cells[2]:
            report.skipped.append((number, line.strip()[:80]))
            continue
        product, carrier_name, code, description, advice = cells
        try:
            carrier = carrier_from_published(carrier_name)
        except ValueError:  # a carrier nobody mapped yet: say so rather than guess
            report.skipped.append((number, f"unknown carrier {carrier_name!r}: {line.strip()[:60]}"))
            continue
        row = CodeRow(product, carrier_name, carrier, code, description, advice)
        key = (product, carrier_name, code, description, advice)
        if key in seen:
            report.exact_duplicates.append((number, row))
            continue
        seen[key] = number
        if _odd(code):
            report.odd_codes.append((number, code))
        rows.append(row)
    counts = Counter((r.carrier_id.value, r.code) for r in rows)
    report.conflicting = {key: n for key, n in counts.items() if n > 1}
    return rows, report


def render(rows: Iterable[CodeRow], *, commit: str, committed: str, retrieved: str) -> str:
    """The data file: a commented header saying where it came from, then sorted TSV."""
    ordered = sorted(rows, key=sort_key)
    lines = [
        "# UCloud USMS receipt codes: what each carrier code means and UCloud's recommended handling.",
        f"# Generated by scripts/gen_receipt_codes.py from {REPOSITORY} {SOURCE_PATH}; do not edit by hand.",
        f"# source: https://github.com/{REPOSITORY}/blob/{commit}/{SOURCE_PATH}",
        f"# commit: {commit}",
        f"# committed: {committed}",
        f"# retrieved: {retrieved}",
        f"# rows: {len(ordered)}",
        "\t".join(COLUMNS),
    ]
    for row in ordered:
        fields = (row.product, row.carrier, row.carrier_id.value, row.code, row.description, row.advice)
        lines.append("\t".join(escape_field(f) for f in fields))
    return "\n".join(lines) + "\n"


def from_git(git_dir: str, rev: str) -> tuple[str, str, str]:
    """(markdown, commit, commit date YYYY-MM-DD) of ``rev`` in a clone or bare mirror."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", git_dir, *args], check=True, capture_output=True, text=True, encoding="utf-8"
        ).stdout

    commit = git("rev-parse", f"{rev}^{{commit}}").strip()
    committed = git("log", "-1", "--format=%cs", commit).strip()
    return git("show", f"{commit}:{SOURCE_PATH}"), commit, committed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--git-dir", help=f"a clone or mirror of {REPOSITORY} (its .git directory)")
    source.add_argument("--markdown", type=Path, help=f"a copy of {SOURCE_PATH}")
    parser.add_argument("--rev", default="HEAD", help="with --git-dir: the revision to read (default HEAD)")
    parser.add_argument("--commit", help="with --markdown: the commit the copy was taken from")
    parser.add_argument("--committed", help="with --markdown: that commit's date, YYYY-MM-DD")
    parser.add_argument("--retrieved", help="retrieval date YYYY-MM-DD (default: kept for the same commit, else today)")
    parser.add_argument("-o", "--output", type=Path, default=DATA_FILE, help="the data file to write")
    args = parser.parse_args(argv)

    if args.git_dir:
        markdown, commit, committed = from_git(args.git_dir, args.rev)
    else:
        if not (args.commit and args.committed):
            parser.error("--markdown needs --commit and --committed")
        markdown, commit, committed = args.markdown.read_text(encoding="utf-8"), args.commit, args.committed
    retrieved = args.retrieved
    if retrieved is None:
        previous = parse_header(args.output.read_text(encoding="utf-8").splitlines()) if args.output.exists() else {}
        same = previous.get("commit") == commit
        retrieved = previous["retrieved"] if same and "retrieved" in previous else dt.date.today().isoformat()

    rows, report = parse(markdown)
    if not rows:
        print(f"error: no receipt-code rows found in {SOURCE_PATH} at {commit}", file=sys.stderr)
        return 1
    for line in report.lines():
        print(f"note: {line}", file=sys.stderr)
    text = render(rows, commit=commit, committed=committed, retrieved=retrieved)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(text.encode("utf-8"))
    per_carrier = Counter(r.carrier_id.value for r in rows)
    summary = ", ".join(f"{c} {n}" for c, n in sorted(per_carrier.items()))
    print(f"wrote {len(rows)} rows ({summary}) to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
