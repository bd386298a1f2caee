"""The simulator's OAuth side: Bearer tokens that expire on its clock, and a rotating ``/token``.

Like UCloud's token endpoint, a refresh hands out a new access token *and* a new refresh
token, and the refresh token just used is revoked at once: spending it twice (two processes
racing) is ``invalid_grant``, which is what the clients' file lock must prevent. Access
tokens stay valid until they expire, even after a refresh.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

TOKEN_PATH = "/token"
DEFAULT_LIFETIME = 3600.0  # seconds an access token lives


@dataclass(frozen=True)
class Login:
    """Tokens as ``ucloud auth login`` would store them (``expires_at`` on the simulator's clock)."""

    access_token: str
    refresh_token: str
    expires_at: int

    def __repr__(self) -> str:  # tokens are secrets, even the simulator's
        return f"Login(expires_at={self.expires_at})"


class TokenIssuer:
    """Access and refresh tokens of the simulated account. Thread-safe."""

    def __init__(self, clock: Callable[[], float], lifetime: float = DEFAULT_LIFETIME) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.delay = 0.0  #: seconds ``/token`` takes to answer (to widen a race in tests)
        self.refreshes = 0  #: successful refreshes
        self.refused = 0  #: refreshes refused (a revoked, unknown or reused refresh token)
        self._access: dict[str, float] = {}  # token -> expires at
        self._refresh: set[str] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenIssuer(refreshes={self.refreshes}, refused={self.refused})"

    def login(self, lifetime: float | None = None) -> Login:
        """A new login, as after ``ucloud auth login`` (``lifetime`` may be negative: already expired)."""
        with self._lock:
            return self._issue(self.lifetime if lifetime is None else lifetime)

    def _issue(self, lifetime: float) -> Login:
        access, refresh = f"sim-at-{secrets.token_hex(16)}", f"sim-rt-{secrets.token_hex(16)}"
        expires_at = self.clock() + lifetime
        self._access[access] = expires_at
        self._refresh.add(refresh)
        return Login(access, refresh, int(expires_at))

    def accepts(self, access_token: str) -> bool:
        """True for a token this issuer gave out that has not expired on its clock."""
        with self._lock:
            expires_at = self._access.get(access_token)
        return expires_at is not None and self.clock() < expires_at

    def revoke(self, access_token: str) -> None:
        """Make an access token unknown (as a logout elsewhere would)."""
        with self._lock:
            self._access.pop(access_token, None)

    def respond(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Answer one POST to ``/token`` (form-encoded, OAuth 2 refresh_token grant only)."""
        form: Mapping[str, str] = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if form.get("grant_type") != "refresh_token":
            return _answer(400, {"error": "unsupported_grant_type", "error_description": "refresh_token only"})
        if not form.get("client_id"):
            return _answer(401, {"error": "invalid_client", "error_description": "missing client_id"})
        with self._lock:
            token = form.get("refresh_token", "")
            if token not in self._refresh:
                self.refused += 1
                return _answer(400, {"error": "invalid_grant", "error_description": "refresh token is not valid"})
            self._refresh.discard(token)  # rotation: the old one is revoked at once
            login = self._issue(self.lifetime)
            self.refreshes += 1
        return _answer(
            200,
            {
                "access_token": login.access_token,
                "refresh_token": login.refresh_token,
                "expires_in": int(self.lifetime),
                "token_type": "Bearer",
            },
        )


def _answer(status: int, document: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
    return status, headers, json.dumps(document).encode("utf-8")
