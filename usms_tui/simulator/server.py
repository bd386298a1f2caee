"""``SimulatorServer``: the simulator on a loopback socket (stdlib ``http.server``, one thread per request)."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from usms_tui.domain.credentials import Credentials
from usms_tui.simulator.engine import Simulator


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a held (timeout-fault) request never keeps the process alive
    # socketserver's default of 5 refuses (or makes wait a second for a SYN retry) the
    # connections a client opens at once beyond that: the bench's and a UI's pool open many.
    request_queue_size = 128
    owner: SimulatorServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-connection (the demo's app quitting, a test's client
        # closing) is ordinary: socketserver's default printed a traceback into the terminal.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive, as the gateway does; every answer carries Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "usms-tui-simulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections end eventually
    # The status line and headers go out in one write and the body in another: with Nagle's
    # algorithm on, the body waits for the ACK of the headers, which the client delays by
    # about 40 ms. A stand-in gateway that adds 40 ms to every mid-size answer is measured
    # instead of the client.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def _serve(self) -> None:
        owner = self.server.owner
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.send_error(400, "bad Content-Length")
            return
        body = self.rfile.read(length) if length > 0 else b""
        url = urlsplit(self.path)
        started = time.perf_counter()
        reply = owner.simulator.handle_http(self.command, url.query, body, dict(self.headers.items()), url.path)
        # The simulator's own time for this answer (not its latency fault), so a bench can
        # tell the stand-in's cost from the client's.
        spent = (time.perf_counter() - started) * 1000
        if reply.disposition == "timeout":
            owner.wait(reply.delay, hold=True)  # hold until the client gives up (or we stop)
            self.close_connection = True
            return
        if reply.delay:
            owner.wait(reply.delay)
        if reply.disposition == "drop":
            self.close_connection = True  # the server closes the socket: no status line at all
            return
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.send_header("Server-Timing", f"app;dur={spent:.3f}")
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header tells the simulator's time, so a client can measure its clock skew.
        return super().date_time_string(self.server.owner.simulator.now() if timestamp is None else timestamp)

    def log_message(self, format: str, *args: Any) -> None:
        log = self.server.owner.log
        if log is not None:
            log(f"{self.address_string()} {format % args}")


class SimulatorServer:
    """Serve a :class:`Simulator` over HTTP on a daemon thread. A context manager.

    ``port=0`` picks a free port; :attr:`base_url` says which. ``sleep`` (default: an
    interruptible wait) is how latency faults wait, injectable so tests stay instant;
    ``log`` receives one line per request (default: silent).
    """

    def __init__(
        self,
        simulator: Simulator | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        sleep: Callable[[float], Any] | None = None,
        log: Callable[[str], Any] | None = None,
    ) -> None:
        self.simulator = simulator if simulator is not None else Simulator()
        self.host = host
        self.port = port
        self.log = log
        self._sleep = sleep
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Conveniences so tests can write ``sim.public_key`` on the server object.
    @property
    def public_key(self) -> str:
        return self.simulator.public_key

    @property
    def private_key(self) -> str:
        return self.simulator.private_key

    @property
    def credentials(self) -> Credentials:
        return self.simulator.credentials

    @property
    def clock(self) -> Callable[[], float]:
        return self.simulator.clock

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` of the running server."""
        if self._httpd is None:
            raise RuntimeError("the simulator server is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def wait(self, seconds: float, *, hold: bool = False) -> None:
        """Wait ``seconds``: latency with the injected ``sleep`` if any; a ``hold`` (timeout
        fault) always on an event, so stopping the server releases it at once."""
        if hold or self._sleep is None:
            self._stopping.wait(seconds)
        else:
            self._sleep(seconds)

    def start(self) -> SimulatorServer:
        """Bind and serve in a daemon thread. Raises OSError if the address is taken."""
        if self._httpd is not None:
            return self
        cls = _HTTPServer6 if ":" in self.host else _HTTPServer
        httpd = cls((self.host, self.port), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._stopping.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="usms-tui-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release held requests and close the socket."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self._httpd is not None else "stopped"
        return f"SimulatorServer({where}, {self.simulator!r})"


def stderr_log(line: str) -> None:
    """A ``log`` for :class:`SimulatorServer` that writes to stderr."""
    print(line, file=sys.stderr, flush=True)
