"""What a session's phones not delivered add up to, for the failures view: how many share
each (carrier prefix, ReceiptCode, ReceiptDesc). Pure.

Everything that view shows of a session follows from these few counts: a phone's cause and
UCloud's meaning depend on its carrier and code alone, and the view's fallback text is the
description of a code's first phone. So the store keeps them beside the session's counts
(see ``store/failure_codec.py``), and a view over 100,000 sessions reads no receipt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from usms_tui.domain.carriers import carrier_prefix
from usms_tui.domain.receipts import Receipt, Status

#: Statuses whose code says why the message did not arrive: the phones tallied here.
TALLIED = frozenset({Status.FAILED, Status.UNKNOWN, Status.OTHER})


class FailureTally(NamedTuple):
    """How many phones of one session are not delivered with the same code and text, on
    numbers whose carrier is read off the same prefix."""

    prefix: str  # carrier_prefix of the phones ("" when not a mainland number)
    code: str
    desc: str
    phones: int  # how many


def tally_failures(phones: Iterable[Receipt]) -> tuple[FailureTally, ...]:
    """The tallies of ``phones`` (one receipt a phone), in the order each kind first
    appears among them: the view's first-seen order (of meanings, of descriptions) holds."""
    counts: dict[tuple[str, str, str], int] = {}
    for receipt in phones:
        if receipt[2] in TALLIED:
            key = (carrier_prefix(receipt[0]), receipt[3], receipt[4])
            counts[key] = counts.get(key, 0) + 1
    return tuple(FailureTally(prefix, code, desc, n) for (prefix, code, desc), n in counts.items())
