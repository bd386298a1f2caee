"""What authenticates a request: a UCloud API key pair, or an OAuth login of the ``ucloud`` CLI.

These are the only values that carry secrets (the private key, the access and refresh
tokens); none of them shows a secret in ``repr`` or ``str``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from usms_tui.domain.secrets import remember

#: Refresh an access token this long before it expires, as the ``ucloud`` CLI does: a token
#: that is about to lapse could expire between the check and the gateway reading it.
TOKEN_EXPIRY_SKEW = 300.0


@dataclass(frozen=True)
class Credentials:
    """A UCloud API key pair. ``repr`` and ``str`` never show the private key."""

    public_key: str
    private_key: str = field(repr=False)

    def __post_init__(self) -> None:
        remember(self.private_key)  # so no output line can repeat it (see domain.secrets)

    def __str__(self) -> str:
        return f"Credentials(public_key={self.public_key!r}, private_key=***)"


@dataclass(frozen=True)
class OAuthTokens:
    """An access token, the refresh token that renews it, and when the access token expires."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: int = 0  #: Unix seconds; 0 when unknown (treated as expired, as the CLI does)

    def __post_init__(self) -> None:
        remember(self.access_token, self.refresh_token)  # a rotated pair is masked in output too

    def __str__(self) -> str:
        return f"OAuthTokens(access_token=***, refresh_token=***, expires_at={self.expires_at})"

    def expiring(self, now: float, skew: float = TOKEN_EXPIRY_SKEW) -> bool:
        """True when the access token is expired or will be within ``skew`` seconds."""
        return self.expires_at <= 0 or now + skew >= self.expires_at


@dataclass(frozen=True)
class OAuthLogin:
    """A ``ucloud auth login`` profile: its tokens, where they live and where to renew them."""

    profile: str
    tokens: OAuthTokens
    credential_path: Path  #: the credential.json the tokens came from and go back to
    oauth_base_url: str

    def __str__(self) -> str:
        return f"OAuthLogin(profile={self.profile!r}, {self.tokens}, credential_path={str(self.credential_path)!r})"


class TokenStore(Protocol):
    """Where rotated tokens are kept between runs (the CLI's credential.json), shared by processes.

    A refresh happens inside :meth:`locked`, after :meth:`load` has re-read what another
    process may have written meanwhile, so one refresh token is never spent twice.
    """

    description: str  #: for messages: which file (never any of its content)

    def locked(self) -> AbstractContextManager[None]:
        """Hold the cross-process lock (blocking; raises OSError when it cannot be had)."""
        ...

    def load(self) -> OAuthTokens | None:
        """The tokens on disk now, or None when the profile no longer holds an OAuth login."""
        ...

    def save(self, tokens: OAuthTokens) -> None:
        """Write ``tokens`` back (atomically); raises OSError."""
        ...
