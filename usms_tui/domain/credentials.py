"""A UCloud API key pair: the one value that carries the private key."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Credentials:
    """A UCloud API key pair. ``repr`` and ``str`` never show the private key."""

    public_key: str
    private_key: str = field(repr=False)

    def __str__(self) -> str:
        return f"Credentials(public_key={self.public_key!r}, private_key=***)"
