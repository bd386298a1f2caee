"""``usms-tui`` with no command (or ``usms-tui ui``): open the terminal UI on the watchlist.

Imports textual and httpx only inside :func:`run`, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import signal
from typing import TYPE_CHECKING

from usms_tui.cli._common import UI_EXIT_CODES_HELP, formatter
from usms_tui.domain.errors import EXIT_OK

if TYPE_CHECKING:
    from usms_tui.config.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``ui`` subcommand (what ``usms-tui`` runs when no command is given)."""
    from usms_tui.config.flags import setting_options

    parser = subparsers.add_parser(
        "ui",
        parents=[setting_options("ui")],
        help="open the terminal UI on the watchlist (the default)",
        description="Watch the sessions of the watchlist live. Press ? inside for the keys.",
        epilog=UI_EXIT_CODES_HELP,
        formatter_class=formatter(),
    )
    parser.set_defaults(run=run)


def run_app(settings: Settings) -> int:
    """Open the runtime from ``settings`` and run the app in it until quit; then close it."""
    import asyncio

    from usms_tui.cli._common import warn
    from usms_tui.cli._signals import Terminated, hard_exit_later, on_signals
    from usms_tui.monitor.alerting import open_alerting
    from usms_tui.monitor.runtime import Runtime
    from usms_tui.tui.app import make_app

    # Opened before the screen switches: a corrupt watchlist is one line and exit 2, not a
    # screen of errors. Cache warnings are printed now and shown again inside the app.
    runtime = Runtime.open(settings, warn=warn)
    # Counters for `usms-tui metrics`, and with a hook the events nobody was told; what goes
    # wrong there is shown in the app (notice=None), whose screen covers stderr.
    runtime.use_alerting(open_alerting(settings, tell=bool(settings.on_event)))
    runtime.check_account_at_start()

    received: list[int] = []

    async def main() -> int | None:
        async with runtime:
            app = make_app(runtime)

            def quit_on(signum: int) -> None:
                received.append(signum)
                if signum == signal.SIGHUP:
                    hard_exit_later(signum)  # should quitting get stuck on the gone terminal
                app.exit()

            # A hang-up (the terminal closed) or SIGTERM quits the app as 'q' does, so the
            # runtime closes and the demo removes its folder, then exits as that signal says.
            with on_signals(quit_on):
                await app.run_async(mouse=not settings.no_mouse)
            return app.return_code

    code = asyncio.run(main())
    if received:
        raise Terminated(received[0])
    return EXIT_OK if code in (None, 0) else int(code)


def run(args: argparse.Namespace) -> int:
    """Open the UI with the effective settings; missing credentials are one clear line."""
    from usms_tui.cli._common import require_terminal
    from usms_tui.config.settings import settings_from_args

    require_terminal()
    settings = settings_from_args(args)
    settings.login()  # fail before the screen switches, with the message naming every way
    return run_app(settings)
