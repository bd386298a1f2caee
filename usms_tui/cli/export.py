"""``export``: one row per phone from the last known state (the cache), as CSV or JSON.

Rows and rendering come from :mod:`usms_tui.exporting`, shared with the UI's export, so a
file written from either place reads the same.

No network. Cells that a spreadsheet would run as a formula are defused; no key or
secret is ever part of an export (rows hold only receipt data and watchlist fields).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from usms_tui.cli._common import formatter, load_cached, load_settings, open_watchlist, session_views
from usms_tui.cli._explained import explained_help
from usms_tui.domain.errors import EXIT_OK, UserError
from usms_tui.domain.text import safe

if TYPE_CHECKING:
    from usms_tui.cli._common import SessionView

EPILOG = (
    """\
columns: session_no, label, phone, status, result, code, desc, cost_count, receipt_time
(ISO 8601 UTC), user_id, sent_at (ISO 8601 UTC), overdue (still pending past the warning
age: the phones to name in a support ticket), carrier, cause, meaning, advice,
meaning_source. JSON is a list of objects with these keys. Rows come from the last 'check'
(or the UI's last refresh); run 'usms-tui check' first for fresh data. CSV cells starting
with = + - @ (or a tab/CR) get a leading ' so that no spreadsheet runs them as formulas.

"""
    + explained_help("Null is an empty CSV cell.")
    + """

exit codes:
  0  exported
  2  bad flags, unwritable output file, or a corrupt watchlist
"""
)

_STATUSES = ("delivered", "failed", "unknown", "pending", "other")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``export`` subcommand."""
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="export per-phone receipts as CSV or JSON",
        description="Export one row per phone of every watched session.",
        epilog=EPILOG,
        formatter_class=formatter(),
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default csv)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    parser.add_argument(
        "--status",
        action="append",
        choices=_STATUSES,
        default=[],
        metavar="STATUS",
        help=f"only phones with this status (repeatable; one of {', '.join(_STATUSES)})",
    )
    parser.set_defaults(run=run)


def rows(views: Iterable[SessionView], statuses: Sequence[str] = ()) -> list[Mapping[str, Any]]:
    """One row per phone (pending placeholders for known phones without a receipt)."""
    from usms_tui.store.exporting import phone_row

    wanted = set(statuses)
    return [
        phone_row(view.summary, receipt, view.entry)
        for view in views
        for receipt in view.summary.phones
        if not wanted or receipt.status.value in wanted
    ]


def run(args: argparse.Namespace) -> int:
    """Write the export to stdout or, atomically, to ``--output``."""
    from usms_tui.store.exporting import render, write_export

    settings = load_settings(args)
    watchlist = open_watchlist(settings)
    table = rows(
        session_views(watchlist.sessions(), load_cached(settings), warn_after=settings.warn_after), args.status
    )
    text = render(table, args.format)
    if args.output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    try:
        write_export(args.output, text)
    except OSError as error:
        raise UserError(f"cannot write {args.output}: {error.strerror or error}; nothing was written") from None
    except ValueError as error:  # a NUL in the name: "embedded null byte"
        raise UserError(f"cannot write {args.output}: {error}; nothing was written") from None
    print(f"exported {len(table)} row{'s' if len(table) != 1 else ''} to {safe(args.output)}", file=sys.stderr)
    return EXIT_OK
