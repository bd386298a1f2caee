"""Where the metrics go: a ``/metrics`` HTTP endpoint, or a file for node_exporter.

The endpoint binds to loopback unless a non-loopback address is written out
(``--metrics-listen 0.0.0.0:9464``): the figures say how a business's messages fare, which
is nobody's business on the open network by default. The textfile is replaced atomically
(temp file in the same folder, fsync, ``os.replace``), so node_exporter's textfile collector
never reads half a file, and a new one is readable by others (node_exporter runs as its own user;
no label holds personal data).
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server

from usms_tui.store.atomic import atomic_write_bytes

LOOPBACK = "127.0.0.1"
#: The textfile collector reads ``*.prom`` files; ours is meant to be read by it.
TEXTFILE_MODE = 0o644


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``[::1]:PORT``, ``:PORT`` or ``PORT`` -> (host, port); no host = loopback.

    Raises ``ValueError`` saying what is accepted.
    """
    raw = text.strip()
    problem = f"{raw!r} is not HOST:PORT (e.g. 127.0.0.1:9464, [::1]:9464, 0.0.0.0:9464 or 9464)"
    if raw.startswith("["):
        host, sep, port_text = raw[1:].partition("]:")
        if not sep:
            raise ValueError(problem)
    elif raw.count(":") == 1:
        host, _, port_text = raw.partition(":")
    elif ":" not in raw:
        host, port_text = "", raw
    else:
        raise ValueError(f"{problem}; write an IPv6 address in brackets")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(problem)
    host = host.strip() or LOOPBACK
    if any(ch.isspace() or ch in "/?#@" for ch in host):
        raise ValueError(problem)
    return host, int(port_text)


def is_loopback(host: str) -> bool:
    """``127.x``, ``::1`` or ``localhost``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class MetricsServer:
    """A running ``/metrics`` endpoint (a daemon thread); :meth:`close` stops it."""

    host: str
    port: int
    _server: WSGIServer
    _thread: threading.Thread

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    def close(self) -> None:
        """Stop serving and free the port (waits for the request in progress)."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve(registry: CollectorRegistry, host: str, port: int) -> MetricsServer:
    """Serve ``registry`` at ``http://host:port/metrics``. Raises ``OSError`` (port in use, ...)."""
    server, thread = start_http_server(port, addr=host, registry=registry)
    bound_port = int(server.server_address[1])
    return MetricsServer(host, bound_port, server, thread)


def write_textfile(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (an exposition), atomically, keeping a mode the user gave
    it (0640 for a group) or making a new one readable by node_exporter's user. Raises
    ``OSError``; the old file is left whole then."""
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = TEXTFILE_MODE
    atomic_write_bytes(path, data, mode=mode)
