"""UCloud's request signature: flatten, stringify, sort, concatenate, SHA-1. Pure functions.

The same algorithm as UCloud's official SDKs; ``tests/unit/test_signing.py`` holds the published
test vectors and checks agreement with the Python SDK's signer. The private key only ever enters :func:`signature`
and is never part of a value that could be printed, logged or raised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from usms_tui.domain.credentials import Credentials


def stringify(value: Any) -> str:
    """One value as the gateway sees it: ``true``/``false``, integral floats as ints."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr gives the shortest round-tripping form; avoid scientific notation.
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(value, "f").rstrip("0").rstrip(".")
        return text
    return str(value)


def flatten(params: Mapping[str, Any]) -> dict[str, str]:
    """Flatten nested params: lists -> ``Key.N``, dicts -> ``Key.Sub``, lists of dicts -> ``Key.N.Sub``.

    ``None`` values are dropped, as the SDKs drop unset optional fields.
    """
    flat: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for key, sub in value.items():
                walk(f"{prefix}.{key}", sub)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                walk(f"{prefix}.{index}", item)
        else:
            flat[prefix] = stringify(value)

    for key, value in params.items():
        walk(str(key), value)
    return flat


def string_to_sign(flat: Mapping[str, str]) -> str:
    """Sorted ``key + value`` pairs, no separators, no escaping; ``Signature`` excluded.

    The private key is appended by :func:`signature`, not here, so this string is safe to log.
    """
    return "".join(f"{key}{flat[key]}" for key in sorted(flat) if key != "Signature")


def signature(flat: Mapping[str, str], private_key: str) -> str:
    """SHA-1 hex of the string to sign followed by the private key."""
    digest = hashlib.sha1()
    # Encoded apart so that text UTF-8 cannot hold (a lone surrogate) raises an error that
    # names the parameters only: the private key never enters an exception's payload.
    try:
        digest.update(string_to_sign(flat).encode("utf-8"))
    except UnicodeEncodeError:
        bad = sorted(key for key, value in flat.items() if not _encodable(key + value))
        raise ValueError(f"not valid UTF-8 text in {', '.join(bad)}") from None
    try:
        digest.update(private_key.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValueError("the private key is not valid UTF-8 text") from None
    return digest.hexdigest()


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def sign(params: Mapping[str, Any], credentials: Credentials) -> dict[str, str]:
    """Flatten ``params``, add ``PublicKey`` and ``Signature``: the form to send."""
    flat = flatten(params)
    flat["PublicKey"] = credentials.public_key
    flat["Signature"] = signature(flat, credentials.private_key)
    return flat


def verify(flat: Mapping[str, str], private_key: str) -> bool:
    """True when ``flat['Signature']`` matches (used by the simulator)."""
    import hmac

    given = flat.get("Signature", "")
    return hmac.compare_digest(given.lower(), signature(flat, private_key))
