"""``monitor``: the headless monitor for servers. The UI's refresh controller, forever, with
a log line per event on stderr, the event hook, and Prometheus metrics (``/metrics`` and/or a
textfile for node_exporter). SIGTERM, SIGINT and SIGHUP end it cleanly with exit 0.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from usms_tui.cli._common import formatter, load_settings, parse_option
from usms_tui.domain.errors import EXIT_OK, UserError

if TYPE_CHECKING:
    from pathlib import Path

    from usms_tui.monitor.runtime import Runtime

EPILOG = """\
Polls like the UI (new sessions every --interval, older ones less often, settled ones never)
and writes one line per event on stderr (--json: JSON lines): phone_failed, session_overdue,
threshold_crossed, api_fatal, api_recovered. Each event is told once, also across restarts
and next to a running UI (they are remembered in the receipt cache's file). With --on-event
CMD each event also runs CMD through the shell with the event as one JSON object on stdin
(every field: event, at, session_no, label, phone, status, code, cause, and per kind desc,
rule, value, threshold, ret_code, request_id, message); a failing or hanging hook (killed
after [alerts] hook_timeout, 10s) is logged and monitoring goes on. The hook's environment
holds no private key or token. After a fatal API error polling is retried every 10 intervals
(at least 5 minutes).

metrics (--metrics-listen HOST:PORT serves /metrics, on 127.0.0.1 unless another address is
written out; --metrics-textfile PATH is replaced atomically after every cycle):
  usms_phones{status}                     phones of watched sessions by status
  usms_sessions{state}                    sessions: settled, pending, overdue, archived
  usms_sessions_overdue                   overdue sessions
  usms_failed_phones{cause}               failed phones by cause
  usms_delivery_seconds                   histogram: send to delivery receipt, 1 s .. 1 h
  usms_api_requests_total{outcome}        requests: ok, transient, throttled, fatal, other
  usms_api_last_retcode                   RetCode of the last request (-1: none came)
  usms_last_refresh_timestamp_seconds     end of the last refresh that got every answer
  usms_oldest_pending_age_seconds         age of the oldest session still waiting

exit codes:
  0  stopped by SIGTERM, SIGINT or SIGHUP
  2  bad flag or config value, missing credentials, a corrupt watchlist, or a metrics
     address that cannot be listened on
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``monitor`` subcommand."""
    from usms_tui.config.flags import setting_options

    parser = subparsers.add_parser(
        "monitor",
        parents=[setting_options("monitor")],
        help="headless monitor: log events, run hooks, serve Prometheus metrics (servers)",
        description="Watch the watchlist forever with no UI: events on stderr, hooks, metrics.",
        epilog=EPILOG,
        formatter_class=formatter(),
    )
    parser.add_argument("--json", action="store_true", help="log JSON lines instead of plain lines")
    parser.add_argument(
        "--metrics-listen", metavar="HOST:PORT", help="serve /metrics here (a bare PORT or :PORT is 127.0.0.1)"
    )
    parser.add_argument("--metrics-textfile", metavar="PATH", help="write the metrics to PATH after every cycle")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Monitor until SIGTERM, SIGINT or SIGHUP."""
    import asyncio

    from usms_tui.cli._common import warn
    from usms_tui.config.paths import expand_home
    from usms_tui.monitor.metrics_export import parse_listen
    from usms_tui.monitor.runtime import Runtime

    listen = parse_option(args.metrics_listen, parse_listen, "--metrics-listen") if args.metrics_listen else None
    textfile = parse_option(args.metrics_textfile, expand_home, "--metrics-textfile") if args.metrics_textfile else None
    runtime = Runtime.open(load_settings(args), warn=warn)
    return asyncio.run(_monitor(args, runtime, listen, textfile))


async def _monitor(
    args: argparse.Namespace, runtime: Runtime, listen: tuple[str, int] | None, textfile: Path | None
) -> int:
    import asyncio
    import signal

    from usms_tui.cli._signals import after_hangup
    from usms_tui.monitor.alerting import open_alerting
    from usms_tui.monitor.eventlog import StderrLog
    from usms_tui.monitor.headless import run_forever
    from usms_tui.monitor.metrics_export import MetricsServer, is_loopback, serve

    settings = runtime.settings
    log = StderrLog(json_lines=args.json, mask=settings.mask_phones)
    server: MetricsServer | None = None
    async with runtime:
        alerting = runtime.use_alerting(
            open_alerting(
                settings,
                tell=True,
                metrics=listen is not None or textfile is not None,
                textfile=textfile,
                log=log.event,
                notice=log.warning,
                on_hook=log.hook,
            )
        )
        await runtime.controller.load()
        await alerting.after_cycle(runtime.poller, None)  # what the cache already shows, told and exposed
        if listen is not None and alerting.registry is not None:
            try:
                server = serve(alerting.registry, *listen)
            except OSError as error:
                raise UserError(f"--metrics-listen {listen[0]}:{listen[1]}: {error.strerror or error}") from None
            log.info(f"serving metrics at {server.url}")
            if not is_loopback(listen[0]):
                log.warning(f"metrics are served on {listen[0]}, beyond this machine: firewall the port")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)

        def hung_up() -> None:  # a closed terminal stops it as cleanly; later lines go nowhere
            after_hangup()
            stop.set()

        loop.add_signal_handler(signal.SIGHUP, hung_up)
        # Said once the signals are ours: from this line on, SIGTERM is a clean stop.
        log.info(f"monitoring {len(runtime.poller.states)} sessions of {settings.watchlist_path}")
        try:
            await run_forever(runtime.controller, stop, log)
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                loop.remove_signal_handler(signum)
            if server is not None:
                server.close()
    log.info("stopped")
    return EXIT_OK
