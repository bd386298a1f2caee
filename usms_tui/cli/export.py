"""``export``: one row per phone from the last known state (the cache), as CSV or JSON.

Rows and rendering come from :mod:`usms_tui.exporting`, shared with the UI's export, so a
file written from either place reads the same.

No network. Cells that a spreadsheet would run as a formula are defused; no key or
secret is ever part of an export (rows hold only receipt data and watchlist fields).
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from usms_tui.cli._common import formatter, load_cached, load_settings, open_watchlist, session_views
from usms_tui.cli._explained import explained_help
from usms_tui.domain.errors import EXIT_OK, UserError
from usms_tui.domain.ordering import SORT_MODES, sort_rank
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
overdue is true or false (JSON booleans in JSON).

Sessions come in watchlist order, or as --sort orders them (the UI's sort modes: added,
age = oldest first, failed = most failed + unknown first, pending = overdue first, name);
a session's phones keep their order. Phones are written in full, as a support ticket needs
them; --mask writes them as the UI shows them (138****1234). Unmasked phones going into a
file (-o FILE, or standard output redirected to one) get a one-line note on stderr.

"""
    + explained_help("Null is an empty CSV cell.")
    + """

exit codes:
  0  exported
  2  bad flags, an output folder that does not exist (it is never created), an unwritable
     output file, or a corrupt watchlist
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
    parser.add_argument(
        "--sort",
        choices=SORT_MODES,
        default="added",
        metavar="MODE",
        help=f"order sessions as the UI's sort does ({', '.join(SORT_MODES)}; default added)",
    )
    parser.add_argument("--mask", action="store_true", help="mask phones as the UI does (138****1234)")
    parser.set_defaults(run=run)


def sorted_views(views: Sequence[SessionView], mode: str) -> list[SessionView]:
    """``views`` in the order the UI's sort ``mode`` shows them."""
    rank = sort_rank(mode, [v.summary for v in views], {v.entry.session_no: v.entry.label for v in views})
    return sorted(views, key=lambda v: rank(v.entry.session_no))


def rows(views: Iterable[SessionView], statuses: Sequence[str] = (), *, mask: bool = False) -> list[Mapping[str, Any]]:
    """One row per phone (pending placeholders for known phones without a receipt)."""
    from usms_tui.domain.receipts import mask_phone
    from usms_tui.store.exporting import phone_row

    wanted = set(statuses)
    out: list[Mapping[str, Any]] = []
    for view in views:
        for receipt in view.summary.phones:
            if wanted and receipt.status.value not in wanted:
                continue
            row = phone_row(view.summary, receipt, view.entry)
            if mask:
                row["phone"] = mask_phone(receipt.phone)
            out.append(row)
    return out


def _goes_to_a_file(output: str | None) -> bool:
    """Whether the export lands in a regular file: ``-o FILE``, or stdout redirected to one."""
    try:
        target = sys.stdout.fileno() if output in (None, "-") else output
        return stat.S_ISREG(os.stat(target).st_mode)
    except (OSError, ValueError):  # no real stdout (captured), or a path that went away
        return False


def run(args: argparse.Namespace) -> int:
    """Write the export to stdout or, atomically, to ``--output``."""
    from usms_tui.store.exporting import render, write_export

    settings = load_settings(args)
    watchlist = open_watchlist(settings)
    views = session_views(watchlist.sessions(), load_cached(settings), warn_after=settings.warn_after)
    table = rows(sorted_views(views, args.sort), args.status, mask=args.mask)
    text = render(table, args.format)
    to_stdout = args.output in (None, "-")
    if to_stdout:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            write_export(args.output, text)
        except OSError as error:
            reason = error.strerror or error
            raise UserError(f"cannot write {safe(args.output)}: {reason}; nothing was written") from None
        except ValueError as error:  # a NUL in the name: "embedded null byte"
            raise UserError(f"cannot write {safe(args.output)}: {error}; nothing was written") from None
        print(f"exported {len(table)} row{'s' if len(table) != 1 else ''} to {safe(args.output)}", file=sys.stderr)
    # The UI masks phones; a file someone opens later (or mails) should not hold them in full
    # without the person exporting knowing it.
    if table and not args.mask and _goes_to_a_file(args.output):
        where = "the output file" if to_stdout else safe(args.output)
        print(f"usms-tui: note: phones are not masked in {where} (--mask masks them)", file=sys.stderr)
    return EXIT_OK
