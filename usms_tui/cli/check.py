"""``check``: one refresh of the watched sessions, for cron and CI. Updates the cache.

Settled sessions are final and served from the cache instead of being fetched again
(receipts never change once final), unless named with ``--session``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from usms_tui.cli._common import (
    API_EXIT_CODES_HELP,
    CACHE_KEEP_SECONDS,
    SessionView,
    exit_code_for,
    formatter,
    load_settings,
    warn,
)
from usms_tui.cli._explained import explained_help
from usms_tui.domain.errors import EXIT_OK, EXIT_THRESHOLD, UserError
from usms_tui.domain.text import safe

if TYPE_CHECKING:
    import asyncio

    from usms_tui.config.settings import Settings
    from usms_tui.domain.failures import BatchError
    from usms_tui.monitor.alerting import Alerting
    from usms_tui.monitor.poller import Poller
    from usms_tui.monitor.runtime import Runtime
    from usms_tui.store.watchlist import Watchlist

#: A command's work once its runtime is open (``check``, ``wait``).
Work = Callable[[argparse.Namespace, "Runtime"], Coroutine[Any, Any, int]]

EPILOG = (
    """\
--json prints {"checked_at": unix, "sessions": [{"session_no", "label", "sent_at",
"age_seconds", "settled", "overdue", "counts": {"delivered", "failed", "unknown", "pending",
"other"}, "cost_count", "delivery_seconds", "phones": [{"phone", "status", "result", "code",
"desc", "cost_count", "receipt_time", "user_id", "carrier", "cause", "meaning", "advice",
"meaning_source"}]}], "errors": [{"kind", "message", "ret_code", "request_id", "session_nos"}],
"alerts": [{"rule", "value", "threshold"}], "delivery_seconds"}. Errors and crossed
thresholds are also printed on stderr, one line each.

--fail-above PCT: the share of phones with a final receipt that were not delivered (failed,
unknown or an unlisted result), over the checked sessions; --overdue-above N: overdue
sessions. Both also in config.toml under [alerts].

"""
    + explained_help(
        'delivery_seconds: {"p50", "p95", "max"} of ReceiptTime minus the sent time (else the time '
        "added; never negative) over delivered phones, nearest-rank, whole seconds; nulls when "
        "nothing was delivered."
    )
    + "\n\n"
    + API_EXIT_CODES_HELP
    + """  7  a threshold was crossed (--fail-above, --overdue-above); 4, 5 and 6 win over it
"""
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``check`` subcommand."""
    from usms_tui.config.flags import setting_options

    parser = subparsers.add_parser(
        "check",
        parents=[setting_options("check")],
        help="refresh receipts once and print them (cron, CI)",
        description="Fetch receipts once for every watched, non-archived session (or the named ones).",
        epilog=EPILOG,
        formatter_class=formatter(),
    )
    add_session_option(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def add_session_option(parser: argparse.ArgumentParser) -> None:
    """``--session NO`` (repeatable), shared with ``wait``."""
    parser.add_argument(
        "--session",
        dest="sessions",
        action="append",
        default=[],
        metavar="NO",
        help="only this watched SessionNo (repeatable)",
    )


def named_sessions(watchlist: Watchlist, names: Sequence[str]) -> list[str] | None:
    """The ``--session`` values, all of which must be watched; None when none were given."""
    if not names:
        return None
    watched = {s.session_no for s in watchlist.sessions()}
    wanted = [n.strip() for n in names]
    missing = [n for n in wanted if n not in watched]
    if missing:
        raise UserError(f"not watched: {', '.join(safe(m) for m in missing)} (add it first: usms-tui add SESSION_NO)")
    return list(dict.fromkeys(wanted))


def targets(poller: Poller, only: list[str] | None) -> list[str]:
    """The sessions a command reports on: the named ones, else every non-archived one."""
    if only is not None:
        return only
    return [no for no, state in poller.states.items() if not state.entry.archived]


def views(poller: Poller, names: Sequence[str], now: float) -> list[SessionView]:
    """Poller state as list-style views (so tables look the same as ``list``)."""
    from usms_tui.store.cache import CachedSession

    out = []
    for no in names:
        state = poller.states[no]
        # No per-session error here: a failed batch is reported once on stderr, not once per
        # session of it; the CHECKED column still shows how old each session's data is.
        cached = CachedSession(no, tuple(state.receipts), state.last_checked)
        out.append(SessionView(state.entry, poller.summary(no, now), cached))
    return out


def print_errors(errors: Iterable[BatchError]) -> None:
    """One stderr line per failed batch: what, RetCode, request id, what to do."""
    for error in errors:
        count = len(error.session_nos)
        print(
            f"usms-tui: error: {safe(error.describe(retrying=False))} ({count} session{'s' if count != 1 else ''})",
            file=sys.stderr,
        )


def prune_cache(runtime: Runtime, now: float) -> None:
    """Keep the cache bounded: forget unwatched sessions not refreshed for a month, and what
    was reported about them."""
    keep = [s.session_no for s in runtime.watchlist.sessions()]
    if runtime.cache is not None:
        runtime.cache.prune(now - CACHE_KEEP_SECONDS, keep=keep)
    if runtime.controller.alerting is not None:
        runtime.controller.alerting.prune(now - CACHE_KEEP_SECONDS, keep)


async def _check(args: argparse.Namespace, runtime: Runtime) -> int:
    from usms_tui.cli._common import terminal_width
    from usms_tui.cli._listing import print_table
    from usms_tui.domain.thresholds import crossed
    from usms_tui.monitor.alerting import thresholds_of

    poller, settings = runtime.poller, runtime.settings
    only = named_sessions(runtime.watchlist, args.sessions)
    streamed = None
    if args.json:
        from usms_tui.cli._report_json import StreamedReport, code_table_read

        # Each batch's sessions are encoded as it lands, while the other requests are in
        # flight; those that land before the code table is read wait for it.
        streamed = StreamedReport(poller, ready=code_table_read)
    # No request waits for the code table or the API counters' table: they are made ready
    # while the first requests are in flight (or at the end, when nothing was sent).
    later = AfterSent(lambda: _ready_for_the_report(settings, json=args.json))
    try:
        report = await poller.refresh(
            force=True, only=only, on_merged=streamed.add if streamed else None, on_sent=later.start
        )
    finally:
        alerting = runtime.use_alerting(await later.result())
    await alerting.after_cycle(poller, report)
    now = time.time()
    names = targets(poller, only)
    summaries = [poller.summary(no, now) for no in names]  # made once: judged, then written
    alerts = crossed(summaries, thresholds_of(settings))
    if streamed is not None:
        # Text made safe here need not be scanned again by the stream (it still masks secrets).
        write = getattr(sys.stdout, "write_safe", sys.stdout.write)
        _widen_pipe(sys.stdout)
        streamed.write(write, names, report.errors, now, summaries, alerts=[a.to_dict() for a in alerts])
    elif not names and poller.states:
        # print_table would say "No sessions watched. Add some", which is untrue here.
        print(
            f"No sessions to check: all {len(poller.states)} watched are archived "
            "('check --session NO' checks one anyway)."
        )
    else:
        print_table(
            views(poller, names, now),
            phones=False,
            mask=settings.mask_phones,
            now=now,
            footer="",
            width=terminal_width(),
        )
        print(
            f"fetched {len(report.checked)} session{'s' if len(report.checked) != 1 else ''} "
            f"in {report.requests} request{'s' if report.requests != 1 else ''}"
        )
    print_errors(report.errors)
    for alert in alerts:
        print(f"usms-tui: alert: {alert.describe()}", file=sys.stderr)
    code = exit_code_for(report.errors)
    # Data that could not be fetched is not data to judge a threshold by: 4, 5 and 6 win.
    return EXIT_THRESHOLD if code == EXIT_OK and alerts else code


def _widen_pipe(stream: object) -> None:
    """A pipe on stdout holds 1 MiB rather than 64 KiB (Linux): 30 MB of ``--json`` is written
    with a sixteenth of the waits for the reader to make room."""
    import contextlib
    import fcntl

    with contextlib.suppress(OSError, AttributeError, ValueError):
        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]


def _ready_for_the_report(settings: Settings, *, json: bool) -> Alerting:
    """What the end of ``check`` needs and no request does (run in a thread): the code table
    its explanations use, first, as the first answers need it; then the API counters."""
    from usms_tui.monitor.alerting import open_alerting

    if json:
        from usms_tui.cli._report_json import read_code_table

        read_code_table()
    # Only the API counters (for `usms-tui metrics`): check tells nobody about events.
    return open_alerting(settings, tell=False, notice=warn)


class AfterSent:
    """``make()`` in a worker thread, started once the first requests are on the wire (or
    when :meth:`result` is first awaited, if none was sent)."""

    def __init__(self, make: Callable[[], Alerting]) -> None:
        self._make = make
        self._running: asyncio.Future[Alerting] | None = None

    def start(self) -> None:
        import asyncio  # here, not at the top: every command's --help imports this module

        if self._running is None:
            self._running = asyncio.ensure_future(asyncio.to_thread(self._make))

    async def result(self) -> Alerting:
        self.start()
        assert self._running is not None
        return await self._running


def run_refreshing(args: argparse.Namespace, work: Work) -> int:
    """Open the runtime (watchlist, API client, cache) from the settings, load the watchlist
    and cache, run ``await work(args, runtime)``, then prune the cache and close everything
    whatever happened. Shared by ``check`` and ``wait``."""
    import asyncio  # here, not at the top: every command's --help imports this module

    from usms_tui.api import import_httpx_alone

    import_httpx_alone()  # before the runtime imports httpx: its command line was half that import
    from usms_tui.cli._signals import cancelled_by_signals
    from usms_tui.monitor.runtime import Runtime

    runtime = Runtime.open(load_settings(args), warn=warn)

    async def main() -> int:
        async with runtime:
            try:
                # Every session is refreshed at once: a summary of one nothing is known of
                # would be replaced by its first answer.
                await runtime.controller.load(summarize=False)
                return await work(args, runtime)
            finally:
                prune_cache(runtime, time.time())

    # A hang-up or SIGTERM cancels the work, so the runtime and cache close before the exit.
    return asyncio.run(cancelled_by_signals(main()))


def run(args: argparse.Namespace) -> int:
    """One refresh; exit code from the worst failed batch (see the epilog)."""
    from usms_tui.monitor.heap import long_lived

    # One refresh, then the process ends: what it makes lives to the end, so each collection
    # its allocations set off walked a growing heap for nothing (0.5 s of a 10,000-session
    # check --json).
    with long_lived():
        return run_refreshing(args, _check)
