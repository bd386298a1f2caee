"""``usms-tui demo``: the UI on the built-in simulator. No account, no network, nothing of yours.

The simulator runs in this process on a free loopback port with pre-created sessions in every
state (including some sent more than 12 hours ago with phones still pending). The watchlist
and cache live in a temporary folder that is removed on exit; the user's own files are never
read or written, and the folder goes also when the terminal is closed (SIGHUP) or on SIGTERM.
The simulator's clock is real time, so receipts keep arriving while you watch.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from usms_tui.cli._common import UI_EXIT_CODES_HELP, formatter
from usms_tui.domain.errors import UserError

if TYPE_CHECKING:
    from usms_tui.config.settings import Settings
    from usms_tui.simulator import Simulator
    from usms_tui.store.watchlist import Watchlist

#: Labels the demo gives some sessions (the others show their SessionNo, as unlabelled ones do).
DEMO_LABELS = (
    "login codes",
    "",
    "order shipped",
    "password reset",
    "",
    "marketing Nov",
    "2FA backup",
    "",
    "delivery window",
    "invoice ready",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``demo`` subcommand."""
    from usms_tui.config.flags import setting_options

    parser = subparsers.add_parser(
        "demo",
        parents=[setting_options("demo")],  # the common flags and the UI's own (--read-only...)
        help="open the UI on the built-in simulator (no account, no network)",
        description="Open the UI on the built-in simulator: sessions in every state, no account, no network.",
        epilog="Its watchlist and cache live in a temporary folder, removed on quit, SIGHUP and SIGTERM.\n\n"
        + UI_EXIT_CODES_HELP,
        formatter_class=formatter(),
    )
    parser.add_argument("--sessions", type=int, default=24, metavar="N", help="sessions to pre-create (default 24)")
    parser.add_argument("--phones", type=int, default=4, metavar="M", help="phones per session (default 4)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="scenario seed (default 1)")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:RATE]",
        help="make the simulator fail a share of requests (repeatable), e.g. http503:0.3, ret171",
    )
    parser.set_defaults(run=run)


def fill_watchlist(
    path: Path, sim: Simulator, session_nos: list[str], clock: Callable[[], float] | None = None
) -> Watchlist:
    """A watchlist at ``path`` with the simulator's sessions, their send times, phones and labels."""
    from usms_tui.store.watchlist import Watchlist

    entries = sim.watched_sessions(session_nos, label=lambda n: DEMO_LABELS[n % len(DEMO_LABELS)])
    watchlist = Watchlist(path, clock=clock) if clock is not None else Watchlist(path)
    watchlist.add(entries)
    return watchlist


def demo_settings(args: argparse.Namespace, base_url: str, public_key: str, private_key: str, folder: Path) -> Settings:
    """The user's display preferences (theme, bell, mask, interval) with the demo's account and files."""
    from usms_tui.config.settings import Settings, settings_from_args

    try:
        base = settings_from_args(args, quiet=True)
    except UserError:
        base = Settings()  # a broken config must not stop the demo: it uses none of it but looks
    return dataclasses.replace(
        base,
        public_key=public_key,
        private_key=private_key,
        project_id=None,
        region=None,
        base_url=base_url,
        allow_http=False,
        watchlist_path=folder / "watchlist.json",
        cache_path=folder / "cache.sqlite3",
        # Receipts arrive within seconds in the demo: refresh often unless the user chose otherwise.
        interval=base.interval if base.sources.get("interval", "default") != "default" else 10.0,
    )


def run(args: argparse.Namespace) -> int:
    """Start the simulator, fill a temporary watchlist, open the UI; clean up on exit."""
    from usms_tui.cli._common import require_terminal
    from usms_tui.cli._signals import last_resort
    from usms_tui.cli.ui import run_app

    require_terminal()
    from usms_tui.simulator import Simulator, SimulatorServer, parse_fault_specs

    if args.sessions < 1 or args.phones < 1:
        raise UserError("--sessions and --phones must be at least 1")
    try:
        faults = parse_fault_specs(args.fault)
    except ValueError as error:
        raise UserError(str(error)) from None
    sim = Simulator(seed=args.seed)
    session_nos = sim.precreate(args.sessions, args.phones)
    for kind, rate in faults:
        sim.add_fault(kind, rate)
    with (
        tempfile.TemporaryDirectory(prefix="usms-tui-demo-") as tmp,
        # Removed also when a hang-up leaves the app unable to quit by itself.
        last_resort(lambda: shutil.rmtree(tmp, ignore_errors=True)),
        SimulatorServer(sim) as server,
    ):
        folder = Path(tmp)
        fill_watchlist(folder / "watchlist.json", sim, session_nos)
        settings = demo_settings(args, server.base_url, sim.public_key, sim.private_key, folder)
        print(f"usms-tui demo: simulator at {server.base_url}, watchlist in {folder}", file=sys.stderr)
        return run_app(settings)
