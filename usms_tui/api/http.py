"""The one long-lived HTTP client every command and the UI use (see :func:`make_http_client`)."""

from __future__ import annotations

from typing import Any

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
    direct: dict[str, httpx.AsyncBaseTransport] = {}
    if "transport" in kwargs:  # an injected transport answers everything (tests, the simulator)
        kwargs.setdefault("trust_env", False)
    else:
        kwargs.setdefault("trust_env", not (base_url and is_loopback_url(base_url)))
    # One TLS context for the client and its loopback transports: each loads the CA bundle.
    tls = httpx.create_ssl_context(trust_env=kwargs["trust_env"])
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
