"""``export``: one row per phone from the last known state (the cache), as CSV or JSON.

No network. Cells that a spreadsheet would run as a formula are defused; no key or
secret is ever part of an export (rows hold only receipt data and watchlist fields).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from usms_tui.commands._common import formatter, load_settings, open_cache, open_watchlist, safe, session_views
from usms_tui.errors import EXIT_OK, UserError

COLUMNS = (
    "session_no", "label", "phone", "status", "result", "code", "desc",
    "cost_count", "receipt_time", "user_id", "sent_at",
)

EPILOG = """\
columns: session_no, label, phone, status, result, code, desc, cost_count, receipt_time
(ISO 8601 UTC), user_id, sent_at (ISO 8601 UTC). JSON is a list of objects with these keys.
Rows come from the last 'check' (or the UI's last refresh); run 'usms-tui check' first for
fresh data. CSV cells starting with = + - @ (or a tab/CR) get a leading ' so that no
spreadsheet runs them as formulas.

exit codes:
  0  exported
  2  bad flags, unwritable output file, or a corrupt watchlist
"""

_STATUSES = ("delivered", "failed", "unknown", "pending", "other")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``export`` subcommand."""
    parser = subparsers.add_parser(
        "export", parents=[common], help="export per-phone receipts as CSV or JSON",
        description="Export one row per phone of every watched session.", epilog=EPILOG,
        formatter_class=formatter(),
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default csv)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    parser.add_argument("--status", action="append", choices=_STATUSES, default=[], metavar="STATUS",
                        help=f"only phones with this status (repeatable; one of {', '.join(_STATUSES)})")
    parser.set_defaults(run=run)


def defuse(value: object) -> object:
    """Prefix a cell a spreadsheet would treat as a formula with a single quote."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def rows(views, statuses=()) -> list[dict]:
    """One dict per phone (pending placeholders for known phones without a receipt)."""
    from usms_tui.timefmt import format_iso_utc

    wanted = set(statuses)
    out = []
    for view in views:
        entry = view.entry
        for receipt in view.summary.phones:
            if wanted and receipt.status.value not in wanted:
                continue
            out.append({
                "session_no": entry.session_no,
                "label": entry.label,
                "phone": receipt.phone,
                "status": receipt.status.value,
                "result": receipt.result,
                "code": receipt.code,
                "desc": receipt.desc,
                "cost_count": receipt.cost_count,
                "receipt_time": format_iso_utc(receipt.receipt_time),
                "user_id": receipt.user_id,
                "sent_at": format_iso_utc(entry.sent_at),
            })
    return out


def render_csv(table: list[dict]) -> str:
    """CSV text with a header row; formula-looking cells defused."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in table:
        writer.writerow({k: "" if v is None else defuse(v) for k, v in row.items()})
    return buffer.getvalue()


def run(args: argparse.Namespace) -> int:
    """Write the export to stdout or, atomically, to ``--output``."""
    from usms_tui.atomic import atomic_write_bytes

    settings = load_settings(args)
    watchlist = open_watchlist(settings)
    cache = open_cache(settings)
    cached = cache.load_all() if cache is not None else {}
    if cache is not None:
        cache.close()
    table = rows(session_views(watchlist.sessions(), cached, warn_after=settings.warn_after), args.status)
    if args.format == "json":
        text = json.dumps(table, ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_csv(table)
    if args.output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    from pathlib import Path

    try:
        atomic_write_bytes(Path(args.output), text.encode("utf-8"))
    except OSError as error:
        raise UserError(f"cannot write {args.output}: {error.strerror or error}; nothing was written") from None
    print(f"exported {len(table)} row{'s' if len(table) != 1 else ''} to {safe(args.output)}", file=sys.stderr)
    return EXIT_OK
