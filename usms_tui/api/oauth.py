"""Renewing the access token of a ``ucloud auth login`` profile, as the ``ucloud`` CLI does.

The CLI refreshes 5 minutes before ``expires_at`` and when the gateway answers RetCode 174;
the token endpoint rotates the refresh token (the old one is revoked at once), so the new
pair must reach ``credential.json`` before anyone else refreshes. :class:`TokenSession`
does that under the store's cross-process lock, re-reading the file after taking it: when
another process (another usms-tui, or the CLI itself) refreshed meanwhile, its tokens are
adopted instead of spending a revoked refresh token.

The refresh goes through the same injected ``httpx.AsyncClient`` as the API calls. Tokens
never appear in a message: errors name the profile, the endpoint and the OAuth error code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx

from usms_tui.api.errors import ApiError
from usms_tui.api.responses import describe_transport, failure
from usms_tui.domain.credentials import OAuthLogin, OAuthTokens, TokenStore
from usms_tui.domain.failures import ErrorKind

#: The ``ucloud`` CLI's OAuth client. It is a public client: the CLI ships this pair in its
#: binary, and a refresh token issued to it can only be renewed by it.
CLIENT_ID = "WP77AwxvUgWt2JqaRCKn"
CLIENT_SECRET = "mksUQLod9VaUKMt3wESdgteTFCgVasiUwLSPqq5e"
TOKEN_PATH = "/token"
LOGIN_AGAIN = "run `ucloud auth login` to log in again"


def token_endpoint(oauth_base_url: str) -> str:
    """``{oauth_base_url}/token``."""
    return oauth_base_url.strip().rstrip("/") + TOKEN_PATH


async def request_refresh(
    http: httpx.AsyncClient, login: OAuthLogin, refresh_token: str, *, now: Callable[[], float] = time.time
) -> OAuthTokens:
    """POST a ``refresh_token`` grant; the new tokens, or :class:`ApiError` saying what to do.

    A refusal (``invalid_grant``: expired, revoked or already used) is fatal; an unreachable
    or failing server is transient. An answer without a new refresh token keeps the old one.
    """
    endpoint = token_endpoint(login.oauth_base_url)
    what = f"OAuth refresh for profile {login.profile!r}"
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    try:
        response = await http.post(endpoint, data=form, headers={"Accept": "application/json"})
    except httpx.TransportError as exc:
        raise failure(
            ErrorKind.TRANSIENT,
            f"{what}: cannot reach {endpoint} ({describe_transport(exc)}); if it persists, {LOGIN_AGAIN}",
            (),
        ) from None
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    error = body.get("error")
    if isinstance(error, str) and error:
        raise _refused(what, error, body.get("error_description"), refresh_token)
    if response.status_code >= 500:
        raise failure(ErrorKind.TRANSIENT, f"{what}: {endpoint} answered HTTP {response.status_code}; retry later", ())
    access = body.get("access_token")
    if response.status_code != 200 or not isinstance(access, str) or not access:
        raise failure(
            ErrorKind.FATAL,
            f"{what}: {endpoint} answered HTTP {response.status_code} without an access token",
            (),
            http_status=response.status_code,
            hint=f"check oauth_base_url in the profile; if it is right, {LOGIN_AGAIN}",
        )
    rotated = body.get("refresh_token")
    expires_in = body.get("expires_in")
    lifetime = int(expires_in) if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) else 0
    return OAuthTokens(
        access_token=access,
        refresh_token=rotated if isinstance(rotated, str) and rotated else refresh_token,
        expires_at=int(now()) + lifetime,
    )


def _refused(what: str, code: str, description: Any, refresh_token: str) -> ApiError:
    code = "".join(c for c in code[:40] if c.isprintable())
    if code == "invalid_grant":
        reason = "the refresh token has expired, was revoked or was already used"
    else:
        text = description if isinstance(description, str) else ""
        text = "".join(c for c in text.replace(refresh_token, "****")[:120] if c.isprintable())
        reason = f"the OAuth server refused it: {code}" + (f" ({text})" if text else "")
    return failure(ErrorKind.FATAL, f"{what}: {reason}", (), hint=LOGIN_AGAIN)


class TokenSession:
    """The current tokens of one OAuth profile, refreshed when due, once per process at a time."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        login: OAuthLogin,
        store: TokenStore,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.login = login
        self.store = store
        self._tokens = login.tokens
        self._clock = clock
        self._guard = asyncio.Lock()  # batches in flight share one refresh
        self.refreshes = 0  #: refreshes this process made (not adopted from another process)

    def __repr__(self) -> str:
        return f"TokenSession(profile={self.login.profile!r}, expires_at={self._tokens.expires_at})"

    @property
    def expires_at(self) -> int:
        """When the current access token expires (Unix seconds)."""
        return self._tokens.expires_at

    async def access_token(self) -> str:
        """A token fit to send: refreshed first when it expires within 5 minutes."""
        current = self._tokens
        if current.expiring(self._clock()):
            await self.refresh(current.access_token)
        return self._tokens.access_token

    async def refresh(self, stale: str | None) -> None:
        """Replace ``stale`` (the token that is due or was refused) with a fresh one.

        Raises :class:`ApiError` when no fresh token can be had; the message says what to do.
        """
        async with self._guard:
            if self._tokens.access_token != stale and not self._tokens.expiring(self._clock()):
                return  # another batch of this process renewed it while we waited
            lock = self.store.locked()
            try:
                await asyncio.to_thread(lock.__enter__)
            except OSError as error:
                raise failure(
                    ErrorKind.TRANSIENT,
                    f"OAuth refresh for profile {self.login.profile!r}: cannot lock "
                    f"{self.store.description} ({error.strerror or error})",
                    (),
                ) from None
            try:
                await self._refresh_locked(stale)
            finally:
                lock.__exit__(None, None, None)

    async def _refresh_locked(self, stale: str | None) -> None:
        profile = self.login.profile
        try:
            disk = await asyncio.to_thread(self.store.load)
        except OSError as error:
            raise failure(
                ErrorKind.FATAL,
                f"OAuth refresh for profile {profile!r}: cannot read {self.store.description} "
                f"({error.strerror or error})",
                (),
            ) from None
        if disk is None:
            raise failure(
                ErrorKind.FATAL,
                f"profile {profile!r} in {self.store.description} no longer holds an OAuth login",
                (),
                hint=LOGIN_AGAIN,
            )
        if disk.access_token != stale and not disk.expiring(self._clock()):
            self._tokens = disk  # someone else refreshed: their refresh token is the live one
            return
        refresh_token = disk.refresh_token or self._tokens.refresh_token  # the file's is the newest
        fresh = await request_refresh(self.http, self.login, refresh_token, now=self._clock)
        self._tokens = fresh
        self.refreshes += 1
        try:
            await asyncio.to_thread(self.store.save, fresh)
        except OSError as error:
            # The old refresh token is revoked now: say so instead of letting the next run fail.
            raise failure(
                ErrorKind.OTHER,
                f"OAuth token of profile {profile!r} refreshed but not saved to {self.store.description} "
                f"({error.strerror or error})",
                (),
                hint=f"this run goes on with the new token; other programs using the profile will need to {LOGIN_AGAIN}",
            ) from None
