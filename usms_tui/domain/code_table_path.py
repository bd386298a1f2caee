"""Where the package's receipt-code table lives, apart from the table's reader: every command
checks the install at start, and only a few read the table (its reader compiles the cause
rules, a tenth of a small command's start-up)."""

from __future__ import annotations

from pathlib import Path

#: The table as installed beside this module (an editable checkout or a wheel unpacked).
CODE_TABLE_FILE = Path(__file__).with_name("data") / "receipt_codes.tsv"


def code_table_on_disk() -> bool:
    """The table is a file where a normal install puts it (one stat)."""
    return CODE_TABLE_FILE.is_file()
