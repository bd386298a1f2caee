"""Which carrier a mainland number belongs to, from its prefix. Pure: no I/O.

Receipts carry no carrier, yet a receipt code means different things on different
carriers (``UNDELIV`` is 用户欠费停机 on China Mobile, 发送失败 on China Unicom). The number's
prefix says which carrier the number was allocated to; number portability (携号转网) means
a ported number keeps its prefix, so the carrier found here is always a guess, and
everything built on it says so.

Prefixes are MIIT's allocations to the three networks and China Broadnet (192). Virtual
operators' blocks (162, 165, 167, 170, 171) are mapped to the network that carries their
messages, since that network's gateway produces the receipt. 1349 is the satellite block
China Telecom took over from China Satcom. Anything else, and every number that is not
11 digits starting with 1 after an optional ``+86``/``0086``/``(86)``/``86``, has no carrier.
"""

from __future__ import annotations

import enum
import functools
import re


class Carrier(enum.StrEnum):
    """A network, or (``ALL_NETWORKS``) the codes UCloud publishes for all three at once."""

    CHINA_MOBILE = "china_mobile"
    CHINA_UNICOM = "china_unicom"
    CHINA_TELECOM = "china_telecom"
    CHINA_BROADNET = "china_broadnet"
    ALL_NETWORKS = "all_networks"

    @property
    def label(self) -> str:
        """The English name shown to people: ``China Mobile`` ... ``all three networks``."""
        return _LABELS[self]


_LABELS = {
    Carrier.CHINA_MOBILE: "China Mobile",
    Carrier.CHINA_UNICOM: "China Unicom",
    Carrier.CHINA_TELECOM: "China Telecom",
    Carrier.CHINA_BROADNET: "China Broadnet",
    Carrier.ALL_NETWORKS: "all three networks",
}

#: The names UCloud's table uses in its carrier column.
PUBLISHED_NAMES: dict[str, Carrier] = {
    "中国移动": Carrier.CHINA_MOBILE,
    "中国联通": Carrier.CHINA_UNICOM,
    "中国电信": Carrier.CHINA_TELECOM,
    "中国广电": Carrier.CHINA_BROADNET,
    "三网": Carrier.ALL_NETWORKS,
}


def carrier_from_published(name: str) -> Carrier:
    """The carrier a published name stands for; ``ValueError`` for a name nobody mapped."""
    try:
        return PUBLISHED_NAMES[name.strip()]
    except KeyError:
        raise ValueError(f"unknown carrier name {name!r}") from None


def _blocks(carrier: Carrier, *prefixes: int) -> dict[str, Carrier]:
    return {str(prefix): carrier for prefix in prefixes}


#: Three-digit prefixes (four-digit ones below take precedence).
PREFIXES: dict[str, Carrier] = {
    **_blocks(
        Carrier.CHINA_MOBILE,
        *(134, 135, 136, 137, 138, 139, 147, 148, 150, 151, 152, 157, 158, 159, 165, 172, 178),
        *(182, 183, 184, 187, 188, 195, 197, 198),
    ),
    **_blocks(
        Carrier.CHINA_UNICOM,
        *(130, 131, 132, 145, 146, 155, 156, 166, 167, 171, 175, 176, 185, 186, 196),
    ),
    **_blocks(
        Carrier.CHINA_TELECOM,
        *(133, 149, 153, 162, 173, 174, 177, 180, 181, 189, 190, 191, 193, 199),
    ),
    **_blocks(Carrier.CHINA_BROADNET, 192),
}

#: Four-digit blocks inside a three-digit one that belongs to someone else (or no one).
LONG_PREFIXES: dict[str, Carrier] = {
    "1349": Carrier.CHINA_TELECOM,
    **_blocks(Carrier.CHINA_TELECOM, 1700, 1701, 1702),
    **_blocks(Carrier.CHINA_MOBILE, 1703, 1705, 1706),
    **_blocks(Carrier.CHINA_UNICOM, 1704, 1707, 1708, 1709),
}

#: The country-code spellings ``phone_key`` accepts, around an 11-digit mainland number.
#: Spaces, dashes and dots between digit groups are ignored.
_MAINLAND = re.compile(r"(?:\+86|0086|\(\+?86\)|86)?(1[0-9]{10})")
_SEPARATORS = re.compile(r"[\s\-.]")


def carrier_of(phone: str) -> Carrier | None:
    """The carrier a number's prefix was allocated to, or ``None`` (not a mainland mobile
    number, or a prefix nobody holds). A guess for ported numbers: see the module docstring."""
    if len(phone) == 11 and phone.isascii() and phone.isdigit():  # the usual spelling: no regex
        number = phone if phone[0] == "1" else ""
    else:
        number = _spelled(phone)
    return (LONG_PREFIXES.get(number[:4]) or PREFIXES.get(number[:3])) if number else None


def carrier_prefix(phone: str) -> str:
    """What :func:`carrier_of` reads off a number: the first four digits of its mainland
    form, "" when it has none. Kept in place of the carrier where a number's cause is
    stored, so that a later allocation table still decides the carrier."""
    if len(phone) == 11 and phone.isascii() and phone.isdigit():
        return phone[:4] if phone[0] == "1" else ""
    return _spelled(phone)[:4]


def carrier_of_prefix(prefix: str) -> Carrier | None:
    """:func:`carrier_of` of any number whose :func:`carrier_prefix` is ``prefix``."""
    return (LONG_PREFIXES.get(prefix) or PREFIXES.get(prefix[:3])) if prefix else None


@functools.lru_cache(maxsize=4096)
def _spelled(phone: str) -> str:
    """The 11 digits of ``+86 138...``, ``(86)138...`` and the like; "" for anything else."""
    match = _MAINLAND.fullmatch(_SEPARATORS.sub("", phone))
    return match.group(1) if match else ""


#: Networks whose own rows stand in when a code is missing from a carrier's table, in the
#: order they are tried. Broadnet has no table of its own and shares China Mobile's network.
_GUESS_ORDER: dict[Carrier | None, tuple[Carrier, ...]] = {
    Carrier.CHINA_MOBILE: (Carrier.CHINA_UNICOM, Carrier.CHINA_TELECOM),
    Carrier.CHINA_UNICOM: (Carrier.CHINA_TELECOM, Carrier.CHINA_MOBILE),
    Carrier.CHINA_TELECOM: (Carrier.CHINA_UNICOM, Carrier.CHINA_MOBILE),
    Carrier.CHINA_BROADNET: (Carrier.CHINA_MOBILE, Carrier.CHINA_UNICOM, Carrier.CHINA_TELECOM),
    None: (Carrier.CHINA_MOBILE, Carrier.CHINA_UNICOM, Carrier.CHINA_TELECOM),
}


def guess_order(carrier: Carrier | None) -> tuple[Carrier, ...]:
    """The other carriers whose rows may stand in for ``carrier``'s (each a guess)."""
    return _GUESS_ORDER.get(carrier, _GUESS_ORDER[None])
