"""A phone's receipt explained: the carrier its number belongs to, and for a receipt that
did not deliver, the cause, UCloud's published meaning and recommended handling.

Pure, and cheap per phone: the carrier is a cached prefix lookup, the meaning a cached
dict probe, and equal (carrier, status, code) triples share one :class:`Explanation`.
A code in no table, an empty code or one with odd characters is "not in the table", its
raw code still on the receipt for the UI to show as it came.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from usms_tui.domain.carriers import Carrier, carrier_of
from usms_tui.domain.causes import Cause
from usms_tui.domain.delivery import overall_stats, session_stats
from usms_tui.domain.failure_tally import TALLIED
from usms_tui.domain.receipt_codes import MAX_CODE_LENGTH, CodeMatch, CodeTable, Source, default_table
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import SessionSummary

#: Statuses whose code says why the message did not arrive.
EXPLAINED_STATUSES = TALLIED

#: The fields each phone gains in ``check --json`` and in exports, in this order.
FIELDS = ("carrier", "cause", "meaning", "advice", "meaning_source")


@dataclass(frozen=True, slots=True)
class Explanation:
    """What is known about why one phone's message did (not) arrive."""

    #: From the number's prefix, so a guess for a ported number; None: not a mainland mobile number.
    carrier: Carrier | None
    #: None when there is nothing to explain (delivered, pending).
    cause: Cause | None = None
    match: CodeMatch | None = None

    @property
    def carrier_from_prefix(self) -> bool:
        """The carrier was read off the number (receipts carry none): say so to people."""
        return self.carrier is not None

    @property
    def meaning(self) -> str | None:
        """UCloud's description of the code, exactly as published."""
        return self.match.entry.meaning if self.match else None

    @property
    def advice(self) -> str | None:
        """UCloud's recommended handling, exactly as published (None when it gives none)."""
        return self.match.entry.advice if self.match else None

    @property
    def source(self) -> Source | None:
        """Whose row the meaning came from: the carrier's, all networks', or another's (a guess)."""
        return self.match.source if self.match else None

    @property
    def guess(self) -> bool:
        """The meaning is another carrier's, as no row of the number's own carrier or of all
        three networks has this code."""
        return self.match is not None and self.match.guess

    def carrier_text(self) -> str:
        """``China Mobile (by prefix)``: the carrier, and that it is read off the number."""
        return f"{self.carrier.label} (by prefix)" if self.carrier else ""

    def source_text(self) -> str:
        """Whose meaning a person reads when it is not the carrier's own: ``all three
        networks' row`` or ``China Unicom's row, a guess``; empty otherwise."""
        if self.match is None or self.match.source is Source.CARRIER:
            return ""
        if self.match.source is Source.ALL_NETWORKS:
            return "all three networks' row"
        return f"{self.match.entry.carrier.label}'s row, a guess"

    def to_dict(self) -> dict[str, Any]:
        """The :data:`FIELDS` as JSON values (ids, published texts, null where nothing applies)."""
        return {
            "carrier": self.carrier.value if self.carrier else None,
            "cause": self.cause.value if self.cause else None,
            "meaning": self.meaning,
            "advice": self.advice,
            "meaning_source": self.source.value if self.source else None,
        }


@functools.lru_cache(maxsize=1 << 14)
def _explained(table: CodeTable, carrier: Carrier | None, code: str) -> Explanation:
    match = table.lookup(carrier, code)
    return Explanation(carrier, match.entry.cause if match else Cause.NOT_IN_TABLE, match)


@functools.lru_cache(maxsize=8)
def _unexplained(carrier: Carrier | None) -> Explanation:
    return Explanation(carrier)


@functools.lru_cache(maxsize=8)
def _not_in_table(carrier: Carrier | None) -> Explanation:
    return Explanation(carrier, Cause.NOT_IN_TABLE)


def explain(receipt: Receipt, table: CodeTable | None = None) -> Explanation:
    """Explain one phone's receipt with ``table`` (default: the package's own)."""
    carrier = carrier_of(receipt.phone)
    if receipt.status not in EXPLAINED_STATUSES:
        return _unexplained(carrier)
    return explain_code(carrier, receipt.code, table)


def explain_code(carrier: Carrier | None, code: str, table: CodeTable | None = None) -> Explanation:
    """What :func:`explain` says of a failed, unknown or other receipt with this ``code`` on
    a number of ``carrier``: the same for every such receipt (the failures view explains
    each kind once, not each phone)."""
    if len(code) > MAX_CODE_LENGTH:  # no carrier code: not worth a cache entry
        return _not_in_table(carrier)
    return _explained(table or default_table(), carrier, code)


def cause_id(receipt: Receipt) -> str | None:
    """The id of a phone's cause (``arrears``, ``not_in_table`` ...), None when delivered or
    pending: what events and metrics label a failure with (a closed set, :class:`Cause`)."""
    cause = explain(receipt).cause
    return cause.value if cause else None


def explain_fields(receipt: Receipt, table: CodeTable | None = None) -> dict[str, Any]:
    """The fields a phone gains in machine-readable output (see :data:`FIELDS`)."""
    return explain(receipt, table).to_dict()


def explain_report(doc: dict[str, Any], summaries: Sequence[SessionSummary]) -> dict[str, Any]:
    """Add the explanation fields to a ``check --json``-shaped document, in place.

    ``doc["sessions"][i]`` describes ``summaries[i]`` and lists its phones in the summary's
    order. Each phone gains :data:`FIELDS`; each session, and the document, gain
    ``"delivery_seconds": {"p50", "p95", "max"}`` (nulls when nothing was delivered).
    Returns ``doc``."""
    table = default_table()
    for session, summary in zip(doc["sessions"], summaries, strict=True):
        for phone, receipt in zip(session["phones"], summary.phones, strict=True):
            phone.update(explain(receipt, table).to_dict())
        phones = session.pop("phones")  # delivery figures read better before the phone list
        session["delivery_seconds"] = session_stats(summary).to_dict()
        session["phones"] = phones
    doc["delivery_seconds"] = overall_stats(summaries).to_dict()
    return doc
