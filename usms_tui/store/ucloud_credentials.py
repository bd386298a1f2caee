"""Writing rotated OAuth tokens back into the ``ucloud`` CLI's ``credential.json``, as the CLI does.

The token endpoint revokes a refresh token the moment it hands out the next one, so the
file is the one place every process (the CLI included) must find the live pair. The CLI's
rules, kept here: take an exclusive ``flock`` on ``credential.lock`` in the file's folder
(waiting up to 10 s), re-read the file under it, write it atomically with mode 0600. Only
the four OAuth fields of our own profile are changed; every other profile, field and
unknown key is written back exactly as it was read under the lock.
"""

from __future__ import annotations

import errno
import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from usms_tui.domain.credentials import OAuthTokens
from usms_tui.store.atomic import atomic_write_bytes
from usms_tui.store.filelock import locked

LOCK_NAME = "credential.lock"  #: the CLI's lock file, beside credential.json
LOCK_TIMEOUT = 10.0  #: how long the CLI waits for it
LOCK_POLL = 0.2  #: and how often it tries
FILE_MODE = 0o600
OAUTH_MODE = "oauth"


class CredentialFile:
    """One profile's OAuth tokens in ``credential.json`` (a :class:`~usms_tui.domain.credentials.TokenStore`)."""

    def __init__(self, path: Path, profile: str, *, timeout: float = LOCK_TIMEOUT) -> None:
        self.path = path
        self.profile = profile
        self.timeout = timeout
        self.description = str(path)

    def __repr__(self) -> str:
        return f"CredentialFile({str(self.path)!r}, profile={self.profile!r})"

    @property
    def lock_file(self) -> Path:
        return self.path.parent / LOCK_NAME

    def locked(self) -> AbstractContextManager[None]:
        """The CLI's cross-process lock (``flock``, so a killed holder never leaves it held)."""
        return locked(
            self.path,
            lock_file=self.lock_file,
            timeout=self.timeout,
            poll=LOCK_POLL,
            holder="another process (ucloud or usms-tui)",
        )

    def load(self) -> OAuthTokens | None:
        """The profile's tokens as the file holds them now; None if it is no OAuth login any more."""
        entry = _entry(self._read(), self.profile)
        if entry is None or entry.get("auth_mode") != OAUTH_MODE:
            return None
        expires_at = entry.get("expires_at")
        return OAuthTokens(
            access_token=_text(entry.get("access_token")),
            refresh_token=_text(entry.get("refresh_token")),
            expires_at=int(expires_at)
            if isinstance(expires_at, (int, float)) and not isinstance(expires_at, bool)
            else 0,
        )

    def save(self, tokens: OAuthTokens) -> None:
        """Put ``tokens`` into the profile's entry and replace the file atomically (0600)."""
        items = self._read()
        entry = _entry(items, self.profile)
        if entry is None:
            raise OSError(errno.ENOENT, f"profile {self.profile!r} is no longer in the file", str(self.path))
        entry.update(
            auth_mode=OAUTH_MODE,
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=tokens.expires_at,
        )
        data = json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        atomic_write_bytes(self.path, data, mode=FILE_MODE)

    def _read(self) -> list[Any]:
        raw = self.path.read_bytes()
        if not raw.strip():
            return []
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            # Never quote the document: it holds keys and tokens.
            raise OSError(errno.EINVAL, "not valid JSON any more", str(self.path)) from None
        if isinstance(document, dict):
            document = [document]
        if not isinstance(document, list):
            raise OSError(errno.EINVAL, "not a JSON array of profiles any more", str(self.path))
        return document


def _entry(items: list[Any], profile: str) -> dict[str, Any] | None:
    # The same reading as the profile loader: no "profile" key means "default", first one wins.
    for item in items:
        if isinstance(item, dict):
            name = item.get("profile")
            if (name if isinstance(name, str) and name else "default") == profile:
                return item
    return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
