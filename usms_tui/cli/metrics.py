"""``metrics``: the Prometheus exposition of the last known state, from the store, no network.

For cron next to node_exporter's textfile collector (``usms-tui check; usms-tui metrics -o
/var/lib/node_exporter/textfile/usms.prom``): the same figures ``monitor`` serves, from the
receipt cache and the request counters every polling command adds to.
"""

from __future__ import annotations

import argparse
import sys

from usms_tui.cli._common import (
    formatter,
    load_cached,
    load_settings,
    open_watchlist,
    parse_option,
    session_views,
    warn,
)
from usms_tui.domain.errors import EXIT_OK, UserError

EPILOG = """\
Prints the metrics in Prometheus' text format (see 'usms-tui monitor --help' for the names).
No label holds a phone number or a SessionNo. With -o the file is replaced atomically (temp
file in the same folder, fsync, rename), so node_exporter never reads half of it.

exit codes:
  0  written
  2  bad flags, unwritable output file, or a corrupt watchlist
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``metrics`` subcommand."""
    parser = subparsers.add_parser(
        "metrics",
        parents=[common],
        help="print Prometheus metrics from the last known state (no network)",
        description="Print the Prometheus metrics of the watched sessions from the store.",
        epilog=EPILOG,
        formatter_class=formatter(),
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build one snapshot from the cache and the counters; print or write it."""
    from usms_tui.config.paths import expand_home
    from usms_tui.monitor.metrics import render, snapshot
    from usms_tui.monitor.metrics_export import write_textfile
    from usms_tui.store.api_stats import ApiStats, ApiStatsTable
    from usms_tui.store.side_table import SideTableError

    settings = load_settings(args)
    watchlist = open_watchlist(settings)
    entries = watchlist.sessions()
    views = session_views([e for e in entries if not e.archived], load_cached(settings), warn_after=settings.warn_after)
    try:
        with ApiStatsTable(settings.cache_path) as table:
            api = table.load()
            for message in table.warnings:
                warn(message)
    except SideTableError as error:
        warn(f"{error}; the API figures are left out")
        api = ApiStats()
    archived = sum(1 for e in entries if e.archived)
    data = render(snapshot([view.summary for view in views], archived=archived, api=api))
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    path = parse_option(args.output, expand_home, "-o")
    try:
        write_textfile(path, data)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror or error}") from None
    return EXIT_OK
