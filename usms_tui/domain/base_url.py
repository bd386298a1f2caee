"""Which API base URLs are acceptable: https always, plain http only to loopback unless allowed.

The one rule for the settings (which refuse a bad URL with its source) and the client (which
refuses to send a signed request anywhere else).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://api.ucloud.cn"
#: Where the ``ucloud`` CLI renews OAuth tokens unless a profile's ``oauth_base_url`` says otherwise.
DEFAULT_OAUTH_BASE_URL = "https://oauth2.ucloud.cn"


def _is_loopback(host: str) -> bool:
    # Only names that never reach a resolver: a literal loopback address, or exactly
    # "localhost" (which the system resolves from its hosts file). "localhost." is a fully
    # qualified name a DNS server answers, and "localhost.example.com" is anybody's.
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """True when ``url``'s host is a literal loopback address or exactly ``localhost``."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return False
    return host is not None and _is_loopback(host)


def base_url_problem(url: str, allow_http: bool) -> str | None:
    """What is wrong with ``url`` as an API base URL, or None when it is acceptable."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http(s) URL (e.g. https://api.ucloud.cn)"
    if not parts.hostname:
        return "the URL has no host"
    if parts.scheme.lower() == "http" and not allow_http and not _is_loopback(parts.hostname):
        return (
            "plain http:// is refused for a non-loopback host (signed requests would travel "
            "unencrypted); use https://, or allow it with --allow-http or allow_http = true under [ucloud]"
        )
    return None
