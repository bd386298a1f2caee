"""From settings to the way requests authenticate: a key pair, or a ``ucloud auth login`` profile.

The OAuth case needs the API's token session (refresh over the shared HTTP client) and the
store's write-back into ``credential.json``; the monitor is the first layer that sees both.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from usms_tui.api.auth import Auth, BearerAuth, KeyPairAuth
from usms_tui.api.oauth import TokenSession
from usms_tui.config.settings import Settings
from usms_tui.domain.credentials import Credentials
from usms_tui.store.ucloud_credentials import CredentialFile


def build_auth(settings: Settings, http: httpx.AsyncClient, *, clock: Callable[[], float] = time.time) -> Auth:
    """Signed or Bearer auth as the settings say; raises ConfigError when neither is usable."""
    login = settings.login()
    if isinstance(login, Credentials):
        return KeyPairAuth(login)
    store = CredentialFile(login.credential_path, login.profile)
    return BearerAuth(TokenSession(http, login, store, clock=clock))
