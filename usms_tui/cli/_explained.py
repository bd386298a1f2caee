"""Help text for the fields that explain a phone's receipt, shared by ``check`` and ``export``."""

from __future__ import annotations

import textwrap

from usms_tui.domain.causes import Cause


def explained_help(intro: str) -> str:
    """What ``carrier``, ``cause``, ``meaning``, ``advice`` and ``meaning_source`` hold."""
    text = (
        f"{intro} carrier: from the number's prefix (china_mobile, china_unicom, china_telecom, "
        "china_broadnet; a guess for a ported number; null for other numbers). For a phone "
        f"not delivered: cause, one of {', '.join(c.value for c in Cause)}; meaning and "
        "advice: UCloud's published description and recommended handling of its code; "
        "meaning_source: whose row that is (carrier, all_networks, or other_carrier: a "
        "guess). Null where nothing applies."
    )
    return textwrap.fill(text, width=92, break_on_hyphens=False, break_long_words=False)
