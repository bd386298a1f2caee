"""The ``check --json`` document (``check`` and ``wait``), written a session at a time: a day
of a large sender's traffic is a million phones.

``check`` hands each batch's sessions to :meth:`StreamedReport.add` as soon as the batch is
merged, so their text is encoded while the other requests are in flight; after the last
answer only the ages (which depend on the moment of the report) and the join are left.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, NamedTuple

from usms_tui.cli._common import counts_dict
from usms_tui.domain.delivery import stats, stats_of_sorted
from usms_tui.domain.errors import UsmsError
from usms_tui.domain.explain import explain
from usms_tui.domain.receipt_codes import CodeTable, default_table
from usms_tui.domain.receipts import STATUS_ORDER, Status
from usms_tui.domain.text import safe_json_text

if TYPE_CHECKING:
    from usms_tui.domain.failures import BatchError
    from usms_tui.domain.receipts import Receipt
    from usms_tui.domain.sessions import WatchedSession
    from usms_tui.domain.summary import SessionSummary
    from usms_tui.monitor.poller import Poller

_DELIVERED = Status.DELIVERED

#: Text of sessions encoded ahead that may wait in memory for the report (characters).
#: Beyond it sessions are encoded at the end, as they are written: a million phones' document
#: is never held whole.
HELD_TEXT = 64 << 20


def session_fields(no: str, entry: WatchedSession, summary: SessionSummary) -> dict[str, object]:
    """A session's fields of the ``check --json`` document, before its delivery times and phones."""
    return {
        "session_no": no,
        "label": entry.label,
        "sent_at": entry.sent_at,
        "age_seconds": round(summary.age_seconds, 3),
        "settled": summary.settled,
        "overdue": summary.overdue,
        "counts": counts_dict(summary),
        "cost_count": summary.cost_count,
    }


class _Piece(NamedTuple):
    """One session's text without the fields that depend on the report's moment: the text
    before ``"age_seconds"``, the text after ``"overdue"``, and what it was made from."""

    entry: WatchedSession
    phones: tuple[Receipt, ...]
    head: str
    middle: str
    tail: str
    times: list[int]  # delivered phones' delivery seconds, ascending


class StreamedReport:
    """The documented ``check --json`` document (every phone with its explanation, delivery
    figures per session and overall).

    A phone's text is put together from pieces shared by every phone alike: its status,
    result, code and description; its explanation. Each distinct piece is encoded (C
    encoder) and made safe for a terminal once, so the work per phone is one format of its
    number, count and time. ``write`` receives text that is already safe.
    """

    def __init__(self, poller: Poller, *, held_text: int = HELD_TEXT, ready: Callable[[], bool] | None = None) -> None:
        self._poller = poller
        # Until ``ready()`` (the code table read in another thread) batches wait in _later:
        # read here too, the table would be read twice at once (40 ms each).
        self._is_ready = ready
        self._later: list[str] = []
        self._encode = json.JSONEncoder(ensure_ascii=False).encode
        self._ready: dict[str, _Piece] = {}
        self._held = 0
        self._budget = held_text
        # explanation (held, so its id stays its own) -> its fields
        self._explained: dict[int, tuple[object, str]] = {}
        # (result, status, code, desc) -> their fields, and the explanation's fields by number
        # prefix: a plain eleven-digit number's carrier is its prefix's (see explain), so every
        # phone of one prefix with the same receipt words has the same explanation.
        self._heads: dict[tuple[object, ...], tuple[str, dict[str, str]]] = {}
        # Each count's key, written once: formatting a status (an enum) costs a call each time.
        self._count_keys = [(status, f"{self._encode(status.value)}: ") for status in STATUS_ORDER]
        self._table: CodeTable | None = None

    def add(self, names: Iterable[str]) -> None:
        """Encode these sessions now, as they are (a batch just merged). A session that
        changes before :meth:`write` is encoded again there, so this is never wrong, only early."""
        if self._is_ready is not None:
            if not self._is_ready():
                self._later += names
                return
            self._is_ready = None
            names, self._later = [*self._later, *names], []
        poller = self._poller
        now = time.time()  # any moment: what is encoded here does not depend on it
        for no in names:
            state = poller.states.get(no)
            if state is None or self._held > self._budget:
                continue
            piece = self._ready[no] = self._piece(no, state.entry, poller.summary(no, now))
            self._held += len(piece.tail)

    def write(
        self,
        write: Callable[[str], object],
        names: Sequence[str],
        errors: Iterable[BatchError],
        now: float,
        summaries: Sequence[SessionSummary] | None = None,
        /,
        **extra: object,
    ) -> None:
        """The document for ``names`` at ``now``, a session a line, in few large writes.
        ``summaries``: the poller's summaries of ``names`` at ``now``, if the caller has them."""
        poller, encode, ready = self._poller, self._encode, self._ready
        times: list[int] = []  # every delivered phone's delivery seconds, counted once at the end
        pending: list[str] = [f'{{"checked_at": {encode(now)}, "sessions": [']
        size = 0
        separator = "\n"
        for index, no in enumerate(names):
            summary = poller.summary(no, now) if summaries is None else summaries[index]
            entry = poller.states[no].entry
            piece = ready.pop(no, None)
            # Equal receipts and entry make equal text (tuples compare their items by
            # identity first, so this is cheap for the receipts merged this cycle).
            if piece is None or piece.phones != summary.phones or (piece.entry is not entry and piece.entry != entry):
                piece = self._piece(no, entry, summary)
            times += piece.times
            overdue = "true" if summary.overdue else "false"
            age = _scalar(round(summary.age_seconds, 3), encode)
            # The pieces joined once, with the others of this write: no text per session.
            pending += (separator, piece.head, age, piece.middle, overdue, piece.tail)
            separator = ",\n"
            size += len(piece.tail)
            if size > 1 << 16:  # few large writes: the stream's own work is per call
                write("".join(pending))
                pending.clear()
                size = 0
        ready.clear()
        self._later.clear()
        self._held = 0
        delivered = Counter(times)
        tail_doc = {"errors": [e.to_dict() for e in errors], **extra, "delivery_seconds": stats(delivered).to_dict()}
        pending.append("\n], " + safe_json_text(encode(tail_doc))[1:] + "\n")
        write("".join(pending))

    # -- one session ----------------------------------------------------------------------

    def _piece(self, no: str, entry: WatchedSession, summary: SessionSummary) -> _Piece:
        phones, times = self._phones(summary)
        encode = self._encode
        # Formatted here rather than by JSONEncoder.encode, whose set-up per call cost more
        # than a session's other fields together; the order is session_fields'.
        texts = f'{encode_basestring(no)}, "label": {encode_basestring(entry.label)}'
        head = f'{{"session_no": {safe_json_text(texts)}, "sent_at": {_scalar(entry.sent_at, encode)}, "age_seconds": '
        middle = f', "settled": {"true" if summary.settled else "false"}, "overdue": '
        get = summary.counts.get
        counts = ", ".join([f"{key}{_scalar(get(status, 0), encode)}" for status, key in self._count_keys])
        stats = stats_of_sorted(times)
        delivery = f'"p50": {_scalar(stats.p50, encode)}, "p95": {_scalar(stats.p95, encode)}, "max": {_scalar(stats.max, encode)}'
        tail = (
            f', "counts": {{{counts}}}, "cost_count": {_scalar(summary.cost_count, encode)}, '
            f'"delivery_seconds": {{{delivery}}}, "phones": [{", ".join(phones)}]}}'
        )
        return _Piece(entry, summary.phones, head, middle, tail, times)

    def _phones(self, summary: SessionSummary) -> tuple[list[str], list[int]]:
        """Each phone's text, and the delivered ones' delivery seconds in ascending order."""
        heads, explained_piece = self._heads, self._explained_piece
        started_at = summary.started_at
        phones: list[str] = []
        times: list[int] = []
        users: dict[str, str] = {}  # a send's phones share its user id: encoded once a session
        for receipt in summary.phones:
            number, result, status, code, desc, cost, when, user_id, time_raw = receipt
            words = heads.get(receipt[1:5])
            if words is None:
                fields = {"status": status, "result": result, "code": code, "desc": desc}
                words = heads[receipt[1:5]] = (self._fields(fields), {})
            head, by_prefix = words
            if len(number) == 11 and number.isdigit() and number.isascii():
                shown = f'"{number}"'
                tail = by_prefix.get(number[:4])
                if tail is None:
                    tail = by_prefix[number[:4]] = explained_piece(receipt)
            else:
                shown = _text(number)
                tail = explained_piece(receipt)
            if time_raw:
                user = f'{_text(user_id)}, "receipt_time_raw": {_text(time_raw)}'
            elif user_id:
                user = users.get(user_id) or users.setdefault(user_id, _text(user_id))
            else:
                user = '""'
            stamp = "null" if when is None else when
            phones.append(
                f'{{"phone": {shown}{head}, "cost_count": {cost}, "receipt_time": {stamp}, "user_id": {user}{tail}}}'
            )
            if status is _DELIVERED and when is not None:
                # floor, and never negative: int() is floor for what is not below zero
                seconds = when - started_at
                times.append(int(seconds) if seconds > 0 else 0)
        times.sort()
        return phones, times

    def _fields(self, fields: Mapping[str, object]) -> str:
        # '{"a": 1, "b": 2}' -> ', "a": 1, "b": 2': a run of fields to put inside an object.
        return ", " + safe_json_text(self._encode(fields))[1:-1]

    def _explained_piece(self, receipt: Receipt) -> str:
        if self._table is None:
            self._table = default_table()
        explanation = explain(receipt, self._table)
        known = self._explained.get(id(explanation))
        if known is None:
            known = self._explained[id(explanation)] = (explanation, self._fields(explanation.to_dict()))
        return known[1]


def read_code_table() -> None:
    """Read the receipt-code table the explanations use, now (40 ms). A damaged one is left
    to raise where it is used, as it would have."""
    with contextlib.suppress(UsmsError):
        default_table()


def code_table_read() -> bool:
    """Whether the receipt-code table has been read (by :func:`read_code_table` or a use)."""
    return default_table.cache_info().currsize > 0


def _text(text: str) -> str:
    return safe_json_text(encode_basestring(text))


def _scalar(value: object, encode: Callable[[object], str]) -> str:
    """What the C encoder writes for a number or None, without a call into it for the usual ones."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is int or (kind is float and math.isfinite(value)):  # type: ignore[arg-type]
        return repr(value)
    return encode(value)  # a bool, NaN or infinity: the encoder's own words


def write_report_json(
    write: Callable[[str], object],
    poller: Poller,
    names: Sequence[str],
    errors: Iterable[BatchError],
    now: float,
    **extra: object,
) -> None:
    """The whole document, every session encoded as it is written (``wait``, and ``check``
    without a batch encoded ahead)."""
    StreamedReport(poller).write(write, names, errors, now, **extra)
