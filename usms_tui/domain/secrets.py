"""The secrets this process has seen, so that no line it prints can repeat one.

A private key pasted by mistake where a SessionNo or a profile name belongs comes back in
the error about it ("not watched: <key>"). Whatever reads a secret (the settings, the ucloud
credential file, :class:`~usms_tui.domain.credentials.Credentials`) calls :func:`remember`;
the command line's output streams pass everything through :func:`scrub`.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Shorter values are not scrubbed: "****" in place of every "abc" would garble messages,
#: and no real key or token is that short.
MIN_SECRET_LENGTH = 6
MASK = "****"

_known: set[str] = set()
_ordered: list[str] = []  # longest first, so a secret containing another is masked whole


def remember(*secrets: str | None) -> None:
    """Add secrets (None, non-text and short values are ignored)."""
    added = False
    for secret in secrets:
        if isinstance(secret, str):
            for value in {secret, secret.strip()}:
                if len(value) >= MIN_SECRET_LENGTH and value not in _known:
                    _known.add(value)
                    added = True
    if added:
        _ordered[:] = sorted(_known, key=len, reverse=True)


def remember_all(secrets: Iterable[str | None]) -> None:
    """:func:`remember` for an iterable."""
    remember(*secrets)


def scrub(text: str) -> str:
    """``text`` with every remembered secret replaced by ``****``."""
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def forget_all() -> None:
    """Drop every remembered secret (for tests)."""
    _known.clear()
    _ordered.clear()
