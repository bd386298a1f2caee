"""How a request proves who sends it: a signature from the key pair, or an OAuth Bearer token.

One request carries exactly one of the two. An OAuth profile of the ``ucloud`` CLI keeps its
old key pair beside the token, but the gateway checks a signature first and would refuse a
stale one (RetCode 171), so a Bearer request has no ``Signature`` and no ``PublicKey``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from usms_tui.api.oauth import TokenSession
from usms_tui.api.signing import flatten, sign
from usms_tui.domain.credentials import Credentials

SIGNED = "signed"
OAUTH = "oauth"


@dataclass(frozen=True)
class Authorized:
    """One request made ready to send: its form and the headers that authenticate it."""

    form: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    token: str | None = field(default=None, repr=False)  #: the Bearer token used, to know what was refused


class Auth(Protocol):
    """A way to authenticate requests (see :class:`KeyPairAuth`, :class:`BearerAuth`)."""

    mode: str  #: ``"signed"`` or ``"oauth"``

    def describe(self) -> str:
        """Who is calling, without any secret (for ``repr`` and reports)."""
        ...

    async def authorize(self, params: Mapping[str, Any]) -> Authorized:
        """The form and headers for ``params``; raises :class:`ApiError` (a failed refresh)."""
        ...

    async def recover(self, refused: Authorized) -> bool:
        """After RetCode 174: make a replay worth trying (True), or say it is not (False)."""
        ...


class KeyPairAuth:
    """Signed requests (``PublicKey`` + ``Signature``), the SDKs' way."""

    mode = SIGNED

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    def __repr__(self) -> str:
        return f"KeyPairAuth(public_key={self.credentials.public_key!r})"

    def describe(self) -> str:
        return f"public key {self.credentials.public_key}"

    async def authorize(self, params: Mapping[str, Any]) -> Authorized:
        return Authorized(sign(params, self.credentials))

    async def recover(self, refused: Authorized) -> bool:
        return False  # a key pair cannot be renewed: 174 is final


class BearerAuth:
    """``Authorization: Bearer <access_token>`` from a ``ucloud auth login`` profile."""

    mode = OAUTH

    def __init__(self, session: TokenSession) -> None:
        self.session = session

    def __repr__(self) -> str:
        return f"BearerAuth(profile={self.session.login.profile!r})"

    def describe(self) -> str:
        return f"OAuth login of profile {self.session.login.profile}"

    async def authorize(self, params: Mapping[str, Any]) -> Authorized:
        token = await self.session.access_token()
        return Authorized(flatten(params), {"Authorization": f"Bearer {token}"}, token)

    async def recover(self, refused: Authorized) -> bool:
        # The CLI's rule: on 174 refresh once and replay once (the gateway refused before the
        # service ran, so a replay cannot do anything twice).
        await self.session.refresh(refused.token)
        return True


def as_auth(value: Auth | Credentials) -> Auth:
    """A key pair is signed auth; anything else is already an :class:`Auth`."""
    return KeyPairAuth(value) if isinstance(value, Credentials) else value
