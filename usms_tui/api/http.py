"""The one long-lived HTTP client every command and the UI use (see :func:`make_http_client`)."""

from __future__ import annotations

import importlib.util
import os
import re
import ssl
import sys
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus

import httpx

from usms_tui import __version__
from usms_tui.domain.base_url import is_loopback_url

USER_AGENT = f"usms-tui/{__version__} (+https://pypi.org/project/usms-tui/) httpx/{httpx.__version__}"

_LIMITS = httpx.Limits(max_connections=16, max_keepalive_connections=8)


def make_http_client(timeout: float, *, base_url: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
    """The one long-lived HTTP client: TLS verification always on, pooled connections.

    HTTP_PROXY / HTTPS_PROXY / ALL_PROXY are honoured for UCloud itself (a corporate proxy
    is how many reach it), never for loopback: a signed request to a local simulator or
    tunnel must not travel, in plain http, through a proxy. A loopback ``base_url`` turns
    the environment off entirely; the usual loopback names go direct in any case.
    """
    _no_repeated_sniffio_search()
    direct: dict[str, httpx.AsyncBaseTransport] = {}
    if "transport" in kwargs:  # an injected transport answers everything (tests, the simulator)
        kwargs.setdefault("trust_env", False)
    else:
        kwargs.setdefault("trust_env", not (base_url and is_loopback_url(base_url)))
    # One TLS context for the client and its loopback transports: each would load the CA bundle.
    tls = verifying_context(trust_env=kwargs["trust_env"])
    if "transport" not in kwargs:
        direct = {f"all://{host}": httpx.AsyncHTTPTransport(verify=tls, limits=_LIMITS) for host in _LOOPBACK_HOSTS}
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        verify=tls,
        headers={"User-Agent": USER_AGENT},
        limits=_LIMITS,
        follow_redirects=False,
        mounts={**direct, **kwargs.pop("mounts", {})},
        **kwargs,
    )


_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class CAOnFirstHandshake(ssl.SSLContext):
    """The context httpx would make (``ssl.create_default_context``: certificate and host name
    required), whose CA certificates are read at its first handshake instead of when it is
    made: reading the bundle is about 50 ms, and a plain-http simulator or gateway never
    needs it. The OAuth token endpoint, on the same client, is https and so verified as
    ever. anyio runs ``wrap_bio`` of a context like this one in a worker thread, so the
    read does not hold the event loop either."""

    _cafile: str | None = None
    _capath: str | None = None
    _loaded = False

    def _load(self) -> None:
        with _LOADING:
            if self._loaded:
                return
            try:
                self.load_verify_locations(cafile=self._cafile, capath=self._capath)
            except OSError as error:  # a missing SSL_CERT_FILE: a failed connection, not a crash
                raise ssl.SSLError(f"cannot read the CA certificates: {error.strerror or error}") from None
            self._loaded = True

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self._load()
        return super().wrap_bio(*args, **kwargs)

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        self._load()
        return super().wrap_socket(*args, **kwargs)


_LOADING = threading.Lock()  # two first handshakes at once read the bundle once


def verifying_context(*, trust_env: bool) -> CAOnFirstHandshake:
    """What ``httpx.create_ssl_context(trust_env=...)`` makes (SSL_CERT_FILE, else SSL_CERT_DIR
    when the environment is trusted, else certifi's bundle), its CA certificates read when
    it is first used."""
    import certifi

    context = CAOnFirstHandshake(ssl.PROTOCOL_TLS_CLIENT)
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    context._cafile, context._capath = certifi.where(), None
    if trust_env and os.environ.get("SSL_CERT_FILE"):
        context._cafile = os.environ["SSL_CERT_FILE"]
    elif trust_env and os.environ.get("SSL_CERT_DIR"):
        context._cafile, context._capath = None, os.environ["SSL_CERT_DIR"]
    keylog = os.environ.get("SSLKEYLOGFILE")  # as create_default_context does
    if keylog and not sys.flags.ignore_environment:
        context.keylog_filename = keylog
    return context


#: What ``urllib.parse.quote_plus`` leaves as it is (ASCII letters, digits and ``_.-~``).
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")


def form_body(form: Mapping[str, str]) -> bytes:
    """``form`` as an ``application/x-www-form-urlencoded`` body, byte for byte what httpx's
    ``data=`` sends (urllib's ``quote_plus``), with the usual keys and values (SessionNos,
    ``SessionNoSet.7``, a hex signature) passed through unquoted: quoting a hundred SessionNos
    one by one was a quarter of httpx's own work per receipt request."""
    plain = _PLAIN.fullmatch
    return "&".join(
        f"{key if plain(key) else quote_plus(key)}={value if plain(value) else quote_plus(value)}"
        for key, value in form.items()
    ).encode("utf-8")


def _no_repeated_sniffio_search() -> None:
    """httpcore imports ``sniffio`` inside a function run several times per request; when it is
    not installed (anyio 4 no longer needs it) every one of those imports searched the whole
    ``sys.path`` again before failing. Marked absent once, each fails at once, the same way."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
