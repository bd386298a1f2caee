"""Which credential a request carries, decided as the ``ucloud`` CLI decides it.

One credential per request: a key pair given whole by a flag, the environment or
``config.toml`` wins over the profile's OAuth login (as the CLI's own ``--public-key`` and
``--private-key`` do); an OAuth profile's old key pair, which the CLI keeps beside the token,
is never used (the gateway checks a signature first and would refuse the stale one).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from usms_tui.config.values import Raw
from usms_tui.domain.errors import ConfigError

if TYPE_CHECKING:
    from usms_tui.config.settings import Settings
    from usms_tui.domain.credentials import OAuthLogin

OAUTH = "oauth"  #: ``auth_mode`` of a ``ucloud auth login`` profile
SIGNED = "signed"
#: What only a ucloud profile's OAuth login says; dropped when a key pair is given elsewhere.
OAUTH_FIELDS = ("auth_mode", "access_token", "refresh_token", "expires_at")


def pick_auth(from_profile: dict[str, Raw], *, explicit_pair: bool) -> bool:
    """Drop from the profile's values what requests will not use (in place); True for OAuth."""
    if from_profile.get("auth_mode", Raw(None)).value != OAUTH or explicit_pair:
        for name in OAUTH_FIELDS:
            from_profile.pop(name, None)
        return False
    from_profile.pop("public_key", None)
    from_profile.pop("private_key", None)
    return True


def oauth_login(settings: Settings) -> OAuthLogin:
    """The OAuth login of an ``auth_mode: "oauth"`` profile, or what to run to get one."""
    # Here, not at the top: every command's settings pick the login (pick_auth), only a
    # command sending a request builds one.
    from usms_tui.domain.credentials import OAuthLogin, OAuthTokens

    profile = settings.profile or "default"
    if not (settings.access_token and settings.refresh_token):
        raise ConfigError(
            f"ucloud profile {profile!r} uses OAuth login but has no token in {settings.ucloud_credential_path}: "
            "run `ucloud auth login` first"
        )
    return OAuthLogin(
        profile,
        OAuthTokens(settings.access_token, settings.refresh_token, settings.expires_at or 0),
        settings.ucloud_credential_path or Path("~/.ucloud/credential.json").expanduser(),
        settings.oauth_base_url,
    )
