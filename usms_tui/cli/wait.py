"""``wait``: poll until every watched session is settled, for CI after a send.

The loop is a plain coroutine with injected clock and sleep, so tests drive it with the
simulator's manual clock and never really wait.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from usms_tui.cli._common import exit_code_for, formatter, parse_option, warn
from usms_tui.config.table import SETTINGS, default
from usms_tui.domain.errors import EXIT_FATAL_API, EXIT_OK, EXIT_OTHER_API, EXIT_SOME_FAILED, EXIT_TIMED_OUT
from usms_tui.domain.timefmt import format_seconds

if TYPE_CHECKING:
    from usms_tui.domain.failures import BatchError
    from usms_tui.monitor.controller import Cycle, RefreshController
    from usms_tui.monitor.hooks import HookResult
    from usms_tui.monitor.poller import RefreshReport
    from usms_tui.monitor.runtime import Runtime

EPILOG = f"""\
Polls every --interval (default: the configured interval, {format_seconds(default("interval"))}) until every watched,
non-archived session (or every --session) has a final receipt for each phone. Transient
failures are retried until the timeout; a fatal one stops at once. (Here --timeout is the
overall deadline; the HTTP timeout comes from {SETTINGS["timeout"].env} or the config file.)

--on-event CMD (or [alerts] on_event) runs CMD through the shell once per event (a phone
failed, a session overdue, a threshold crossed, the API refusing or answering again) with the
event as one JSON object on stdin; an event told before, by any command, is not told again.

exit codes:
  0  every session settled and every phone delivered
  1  every session settled, some phones failed, unknown or with an unlisted result
  2  bad flag, missing credentials, or a corrupt watchlist (the file is left as it was)
  3  timed out with some sessions still pending
  4  fatal API error: credentials, permission or project rejected
  6  another API error that waiting cannot fix (bad parameter, USMS 18xxx, ...)
  129, 143  stopped by SIGHUP (the terminal hung up) or SIGTERM, after closing its files
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``wait`` subcommand."""
    from usms_tui.cli.check import add_session_option
    from usms_tui.config.flags import setting_options

    # Our --timeout is the overall deadline; the table leaves the common HTTP --timeout out of
    # wait's options (the HTTP timeout stays settable through the environment or the config
    # file) and gives wait its own setting flags (--interval).
    parser = subparsers.add_parser(
        "wait",
        parents=[setting_options("wait")],
        help="poll until every watched session is settled (CI)",
        description="Poll until every watched session has final receipts.",
        epilog=EPILOG,
        formatter_class=formatter(),
    )
    parser.add_argument(
        "--timeout",
        dest="wait_timeout",
        default="12h",
        metavar="DURATION",
        help="give up after DURATION (90s, 10m, 12h; default 12h, UCloud's support threshold)",
    )
    add_session_option(parser)
    parser.add_argument("--json", action="store_true", help="print the final state as 'check --json' does")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    parser.set_defaults(run=run)


@dataclass
class WaitOutcome:
    """How a wait ended."""

    exit_code: int
    names: list[str]
    errors: list[BatchError] = field(default_factory=list)
    cycles: int = 0
    timed_out: bool = False


async def wait_until_settled(
    controller: RefreshController,
    *,
    only: list[str] | None,
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    progress: Callable[[str], None] | None = None,
    min_poll: float = 1.0,
) -> WaitOutcome:
    """Poll the unsettled sessions until none is left, the timeout passes, or an error that
    waiting cannot fix. The outcome's exit code follows the epilog.

    Each poll is one cycle of ``controller``, which also decides the pause before the next
    (the interval, or sooner when a session is due sooner) and stops on a fatal error, as
    the UI does. A poll still running at the deadline is cut off (given at least
    ``min_poll`` seconds, so ``--timeout 0s`` still polls once): the client's own retries of
    a hanging API would otherwise run a '--timeout 5s' for 45 s and more. The cut is measured
    on the event loop's clock, which is ``clock`` in production (both monotonic).
    """
    import asyncio

    from usms_tui.cli.check import targets
    from usms_tui.domain.failures import BatchError, ErrorKind
    from usms_tui.domain.receipts import Status

    sleep = sleep or asyncio.sleep
    poller = controller.poller
    deadline = clock() + timeout
    if not controller.loaded:
        await controller.load()
    names = targets(poller, only)
    controller.scope = frozenset(names)  # the next delay looks at these sessions only
    outcome = WaitOutcome(EXIT_OK, names)
    while True:
        now = poller.clock()
        pending = [no for no in names if not poller.summary(no, now).settled]
        if not pending:
            bad = any(
                poller.summary(no, now).counts.get(status, 0)
                for no in names
                for status in (Status.FAILED, Status.UNKNOWN, Status.OTHER)
            )
            outcome.exit_code = EXIT_SOME_FAILED if bad else EXIT_OK
            return outcome
        try:
            cycle = await asyncio.wait_for(controller.run_cycle(only=pending), max(min_poll, deadline - clock()))
        except TimeoutError:
            outcome.cycles += 1
            message = "GetUSMSSendReceipt: no answer yet when the --timeout deadline passed"
            # attempts=0: how many the cut-off poll had made is not known.
            outcome.errors = [BatchError(ErrorKind.TRANSIENT, message, tuple(pending), attempts=0)]
            outcome.exit_code, outcome.timed_out = EXIT_TIMED_OUT, True
            return outcome
        report = _report_of(cycle)
        outcome.cycles += 1
        outcome.errors = list(report.errors)
        # A fatal error stops the controller; another API error is one waiting cannot fix.
        code = exit_code_for(report.errors)
        if code in (EXIT_FATAL_API, EXIT_OTHER_API):
            outcome.exit_code = code
            return outcome
        now = poller.clock()
        still = sum(1 for no in names if not poller.summary(no, now).settled)
        if progress is not None:
            note = f"; {len(report.errors)} batch(es) failed, retrying" if report.errors else ""
            progress(f"{len(names) - still}/{len(names)} sessions settled{note}")
        if not still:
            continue  # the top of the loop says delivered or failed
        # Checked after a poll, so the last poll happens at the deadline, not one interval before.
        if clock() >= deadline:
            outcome.exit_code, outcome.timed_out = EXIT_TIMED_OUT, True
            return outcome
        delay = controller.interval if cycle.delay is None else cycle.delay
        await sleep(max(0.0, min(delay, deadline - clock())))


def _report_of(cycle: Cycle) -> RefreshReport:
    """The cycle's report; a watchlist that broke meanwhile or a crash ends the wait as it
    would end any command (one line and exit 2, or the traceback of a bug)."""
    from usms_tui.monitor.notices import CycleCrashed, WatchlistBroken

    for notice in cycle.notices:
        if isinstance(notice, WatchlistBroken | CycleCrashed):
            raise notice.error
    assert cycle.report is not None, "a cycle that neither failed nor was paused has a report"
    return cycle.report


async def _wait(args: argparse.Namespace, runtime: Runtime, timeout: float) -> int:
    from usms_tui.cli._common import terminal_width
    from usms_tui.cli._listing import print_table
    from usms_tui.cli._report_json import write_report_json
    from usms_tui.cli.check import named_sessions, print_errors, views
    from usms_tui.domain.thresholds import crossed
    from usms_tui.monitor.alerting import open_alerting, thresholds_of

    poller, settings, watchlist = runtime.poller, runtime.settings, runtime.watchlist
    only = named_sessions(watchlist, args.sessions)
    # Every cycle counts its requests; with a hook, it also tells the events nobody was told.
    runtime.use_alerting(open_alerting(settings, tell=bool(settings.on_event), notice=warn, on_hook=_hook_failed))
    if only is None and all(s.archived for s in watchlist.sessions()):
        print("usms-tui: nothing to wait for: no watched sessions (archived ones are not waited for)", file=sys.stderr)
        return EXIT_OK

    def progress(line: str) -> None:
        if not args.quiet:
            print(f"usms-tui: {line}", file=sys.stderr, flush=True)

    outcome = await wait_until_settled(runtime.controller, only=only, timeout=timeout, progress=progress)
    now = time.time()
    if args.json:
        alerts = crossed([poller.summary(no, now) for no in outcome.names], thresholds_of(settings))
        # check's document, streamed the same way: one line a session, the C encoder.
        write = getattr(sys.stdout, "write_safe", sys.stdout.write)
        write_report_json(
            write,
            poller,
            outcome.names,
            outcome.errors,
            now,
            alerts=[a.to_dict() for a in alerts],
            timed_out=outcome.timed_out,
        )
    else:
        rows = views(poller, outcome.names, now)
        print_table(rows, phones=False, mask=settings.mask_phones, now=now, footer="", width=terminal_width())
        if outcome.timed_out:
            print(f"timed out after {args.wait_timeout} with sessions still pending")
    print_errors(outcome.errors)
    return outcome.exit_code


def _hook_failed(result: HookResult) -> None:
    """A hook that failed, hung or was skipped: one stderr line at once (waiting goes on)."""
    if not result.ok:
        warn(result.describe())


def run(args: argparse.Namespace) -> int:
    """Wait; exit code per the epilog."""
    from usms_tui.cli.check import run_refreshing
    from usms_tui.domain.timefmt import parse_duration

    timeout = parse_option(args.wait_timeout, parse_duration, "--timeout")

    async def work(args: argparse.Namespace, runtime: Runtime) -> int:
        return await _wait(args, runtime, timeout)

    return run_refreshing(args, work)
