"""``usms-tui simulate``: run the UCloud-compatible simulator until SIGINT, SIGTERM or SIGHUP.

The first stdout line is one JSON object (base_url, public_key, sessions_file, pid, ...)
so scripts and tests can start it with ``--port 0`` and read where it listens. The private
key is never printed: with the default demo keys, ``demo_keys`` is true and the key is the
documented ``DEMO_PRIVATE_KEY``; otherwise the caller knows the key it passed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from typing import TYPE_CHECKING

from usms_tui.domain.errors import UserError

if TYPE_CHECKING:
    from usms_tui.simulator import Fault


#: Sessions pre-created by default, so that 'add --from <import_file>' has something to watch.
DEFAULT_SESSIONS = 12


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """Add the ``simulate`` subcommand."""
    parser = subparsers.add_parser(
        "simulate",
        parents=[common],
        help="run a local UCloud-compatible USMS API simulator (for demos and tests)",
        description="Serve a UCloud-compatible GetUSMSSendReceipt/SendUSMSMessage API on loopback. "
        "Prints one JSON line (base_url, public_key, demo_keys, sessions_file: the pre-created "
        "SessionNos one a line, import_file: the same with send times and phones for "
        "'usms-tui add --from', sessions, phones, seed, faults, pid), then serves until "
        "interrupted (SIGINT, SIGTERM or SIGHUP; exit 0). Default keys are fixed public demo values.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--public-key", default=None, help="public key to accept (default: the demo key)")
    parser.add_argument("--private-key", default=None, help="private key to verify with (default: the demo key)")
    parser.add_argument("--seed", type=int, default=0, help="scenario seed: same seed, same SessionNos and receipts")
    parser.add_argument(
        "--sessions",
        type=int,
        default=DEFAULT_SESSIONS,
        metavar="N",
        help=f"pre-create N sessions, in every state (default {DEFAULT_SESSIONS}; 0: none, an empty import_file)",
    )
    parser.add_argument("--phones", type=int, default=3, metavar="M", help="phones per pre-created session (default 3)")
    parser.add_argument(
        "--sessions-file",
        metavar="PATH",
        default=None,
        help="write the pre-created SessionNos here, one per line (default: a temporary file)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:RATE]",
        help="inject a fault into a share of requests (repeatable), e.g. http503:0.2, timeout:0.05",
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=None,
        metavar="N",
        help="delay answers by N ms (with --fault latency:RATE only that share)",
    )
    parser.add_argument("--log-requests", action="store_true", help="log each request to stderr")
    parser.set_defaults(run=run)


def _check(args: argparse.Namespace) -> list[tuple[Fault, float]]:
    from usms_tui.simulator import parse_fault_specs

    if args.sessions < 0:
        raise UserError("--sessions must be 0 or more")
    if args.phones < 1 or args.phones > 1000:
        raise UserError("--phones must be from 1 to 1000")
    if not 0 <= args.port <= 65535:
        raise UserError("--port must be from 0 to 65535")
    if args.latency_ms is not None and args.latency_ms < 0:
        raise UserError("--latency-ms must not be negative")
    try:
        return parse_fault_specs(args.fault)
    except ValueError as error:
        raise UserError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    """Start the simulator, print the startup line, serve until SIGINT/SIGTERM/SIGHUP; exit 0."""
    import signal
    import threading

    from usms_tui.simulator import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, Fault, Simulator, SimulatorServer
    from usms_tui.simulator.server import stderr_log

    faults = _check(args)
    public_key = args.public_key or DEMO_PUBLIC_KEY
    private_key = args.private_key or DEMO_PRIVATE_KEY
    sim = Simulator(seed=args.seed, public_key=public_key, private_key=private_key)
    session_nos = sim.precreate(args.sessions, args.phones)
    latency = None if args.latency_ms is None else args.latency_ms / 1000.0
    for kind, rate in faults:
        sim.add_fault(kind, rate, seconds=latency if kind is Fault.LATENCY else None)
    if latency and not any(kind is Fault.LATENCY for kind, _ in faults):
        sim.add_fault(Fault.LATENCY, 1.0, seconds=latency)

    temporary = args.sessions_file is None
    if temporary:
        fd, sessions_file = tempfile.mkstemp(prefix=f"usms-tui-sim-{os.getpid()}-", suffix=".sessions")
        os.close(fd)
    else:
        sessions_file = os.path.abspath(args.sessions_file)
    # Beside the plain list (one SessionNo a line, for xargs), the same sessions as JSON lines
    # with their send times and phones, as 'usms-tui add --from' reads them: watched that way,
    # the old pending ones show as overdue and phones without a receipt as pending.
    import_file = sessions_file + ".jsonl"
    entries = sim.watched_sessions(session_nos)
    try:
        with open(sessions_file, "w", encoding="utf-8") as handle:
            handle.writelines(f"{session_no}\n" for session_no in session_nos)
        with open(import_file, "w", encoding="utf-8") as handle:
            handle.writelines(
                json.dumps({"session_no": e.session_no, "sent_at": e.sent_at, "phones": list(e.phones)}) + "\n"
                for e in entries
            )
    except OSError as error:
        raise UserError(f"cannot write the sessions file {sessions_file}: {error.strerror}") from None

    stop = threading.Event()
    # SIGHUP too: a simulator started from a terminal that is closed stops cleanly (its
    # temporary files removed), as it does on Ctrl+C.
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in signals}
    server = SimulatorServer(sim, args.host, args.port, log=stderr_log if args.log_requests else None)
    try:
        try:
            server.start()
        except OSError as error:
            raise UserError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
        info = {
            "base_url": server.base_url,
            "public_key": public_key,
            "demo_keys": args.public_key is None and args.private_key is None,
            "sessions_file": sessions_file,
            "import_file": import_file,
            "sessions": len(session_nos),
            "phones": args.phones,
            "seed": args.seed,
            "faults": [rule.to_dict() for rule in sim.faults.rules],
            "pid": os.getpid(),
        }
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()
        if args.host not in ("127.0.0.1", "::1", "localhost"):
            print(f"usms-tui: warning: the simulator listens on {args.host}, not only loopback", file=sys.stderr)
        # Short waits so the signal handler's flag is seen promptly on every platform.
        while not stop.wait(0.2):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if temporary:
            for path in (sessions_file, import_file):
                with contextlib.suppress(OSError):
                    os.unlink(path)
    return 0
