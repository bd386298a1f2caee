"""Receipts, their statuses and the per-session summary. Pure: no I/O, no clock reads.

Everything here takes ``now`` as an argument so the UI, the headless commands and the
tests agree on one clock and can freeze it.
"""

from __future__ import annotations

import enum
import functools
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from usms_tui.domain.overdue import DEFAULT_WARN_AFTER as DEFAULT_WARN_AFTER
from usms_tui.domain.receipt_fields import (
    EARLIEST_RECEIPT,
    LATEST_RECEIPT,
    MAX_COUNT,
    as_int,
    as_str,
    as_timestamp,
)
from usms_tui.domain.text import encodable


class Status(enum.StrEnum):
    """What a phone's receipt means, as this tool sorts it."""

    DELIVERED = "delivered"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the carrier never reported ("Unknow" / "状态未知")
    PENDING = "pending"  # no receipt yet: first-class, never an error
    OTHER = "other"  # a ReceiptResult nobody documented; the raw string is kept

    @property
    def is_final(self) -> bool:
        """A receipt came back: nothing will change for this phone any more."""
        return self is not Status.PENDING


#: Display and sort order of statuses, worst news first after pending.
STATUS_ORDER: tuple[Status, ...] = (
    Status.DELIVERED,
    Status.FAILED,
    Status.UNKNOWN,
    Status.PENDING,
    Status.OTHER,
)

_RESULTS: dict[str, Status] = {
    "success": Status.DELIVERED,
    "发送成功": Status.DELIVERED,
    "fail": Status.FAILED,
    "发送失败": Status.FAILED,
    "unknow": Status.UNKNOWN,  # sic: UCloud's spelling
    "unknown": Status.UNKNOWN,  # in case they ever fix it
    "状态未知": Status.UNKNOWN,
    # Not in USMS's docs; UCloud's international brand documents it: the submission to the
    # carrier failed. A failure by any reading, though its raw word stays on show.
    "submitfail": Status.FAILED,
}

#: Results that map to a status without being one of its documented words.
_UNDOCUMENTED_RESULTS = frozenset({"submitfail"})


def classify(result: str | None) -> Status:
    """Map a raw ``ReceiptResult`` to a status. Unlisted strings are ``OTHER``, never an error."""
    if result is None:
        return Status.PENDING
    text = str(result).strip()
    if not text:
        return Status.PENDING
    return _RESULTS.get(text.casefold(), Status.OTHER)


def shows_raw_result(status: Status, result: str) -> bool:
    """Whether a status word alone would hide what the API said: an unlisted result
    (``OTHER``) or one counted as a status without being UCloud's word for it (``SubmitFail``)."""
    if not result:
        return False
    return status is Status.OTHER or result.strip().casefold() in _UNDOCUMENTED_RESULTS


#: ``ReceiptResult`` -> (the same text, shared; its status) for the words answers repeat.
_STATUS_OF: dict[str, tuple[str, Status]] = {}
#: Repeated short texts (codes, descriptions, user ids), made safe once and shared.
_WORDS: dict[str, str] = {}
_MAX_WORDS = 1 << 14  # a hostile answer of unique texts must not grow this without end
_new_receipt = tuple.__new__
_API_FIELDS = operator.itemgetter(
    "Phone", "ReceiptResult", "ReceiptCode", "ReceiptDesc", "CostCount", "ReceiptTime", "UserId"
)


def _word(text: str) -> str:
    safe_text = encodable(text)
    if len(_WORDS) < _MAX_WORDS and len(text) <= 200:
        _WORDS[text] = safe_text
    return safe_text


def _known_result(text: str) -> None:
    _STATUS_OF[text] = (text, classify(text))


for _result in ("", "Success", "Fail", "Unknow", "SubmitFail", "发送成功", "发送失败", "状态未知"):
    _known_result(_result)
#: The same two halves apart, for :func:`receipts_from_api`'s one lookup per field.
_RESULT_TEXT = {text: known[0] for text, known in _STATUS_OF.items()}
_RESULT_STATUS = {text: known[1] for text, known in _STATUS_OF.items()}
_WORDS[""] = ""  # "" is itself: a column of texts is looked up whole, empty ones too


class Receipt(NamedTuple):
    """One phone's delivery receipt within a session (or a pending placeholder).

    A tuple, not a dataclass: a refresh of a large watchlist builds a hundred thousand of
    these, and a frozen dataclass's ``__init__`` costs several times a tuple's.
    """

    phone: str
    result: str  # raw ReceiptResult, "" while pending
    status: Status
    code: str = ""  # ReceiptCode: the carrier's raw code
    desc: str = ""  # ReceiptDesc: untrusted text, render literally
    cost_count: int = 0
    receipt_time: int | None = None  # Unix seconds
    user_id: str = ""
    time_raw: str = ""  # a ReceiptTime given but unusable (shown as unknown), else ""

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Receipt:
        """Build from one ``ReceiptPerPhone`` object, tolerating strings for ints and extra fields."""
        try:  # the shape every real answer has: all seven fields, read in one call
            phone, result, code, desc, cost, when, user_id = _API_FIELDS(item)
        except (KeyError, TypeError):
            get = item.get
            phone, result, code, desc = get("Phone"), get("ReceiptResult"), get("ReceiptCode"), get("ReceiptDesc")
            cost, when, user_id = get("CostCount"), get("ReceiptTime"), get("UserId")
        # Read without a call per field: repeated words (results, codes, descriptions, user
        # ids) come back as one shared string each ("" is its own: no lookup).
        if (
            type(phone) is str
            and phone.isascii()
            and type(result) is str
            and type(code) is str
            and type(desc) is str
            and type(user_id) is str
            and type(cost) is int
            and 0 <= cost <= MAX_COUNT
            and type(when) is int
            and EARLIEST_RECEIPT <= when < LATEST_RECEIPT
        ):
            status = _STATUS_OF.get(result)
            if status is not None:
                words = _WORDS
                if code:
                    code = words.get(code) or _word(code)
                if desc:
                    desc = words.get(desc) or _word(desc)
                if user_id:
                    user_id = words.get(user_id) or _word(user_id)
                return _new_receipt(cls, (phone, status[0], status[1], code, desc, cost, when, user_id, ""))
        result = as_str(result)
        receipt_time, time_raw = as_timestamp(when)
        return cls(
            phone=as_str(phone),
            result=result,
            status=classify(result),
            code=as_str(code),
            desc=as_str(desc),
            cost_count=as_int(cost) or 0,
            receipt_time=receipt_time,
            user_id=as_str(user_id),
            time_raw=time_raw,
        )

    @classmethod
    def from_row(cls, row: Any, *, encodable_text: bool = False) -> Receipt | None:
        """Inverse of ``list(receipt)`` (how the cache stores a receipt): the fields in order,
        checked for type and range (status re-derived from the raw result); None for a row
        this module did not write. ``encodable_text``: the caller knows no text of it holds a
        lone surrogate (JSON text with no ``\\ud`` escape cannot decode to one)."""
        if type(row) is not list or len(row) != len(cls._fields):
            return None
        phone, result, _status, code, desc, cost, when, user_id, time_raw = row
        if not (
            type(phone) is str
            and type(result) is str
            and type(code) is str
            and type(desc) is str
            and type(user_id) is str
            and type(time_raw) is str
            and type(cost) is int
            and 0 <= cost <= MAX_COUNT
            and (when is None or (type(when) is int and EARLIEST_RECEIPT <= when < LATEST_RECEIPT))
        ):
            return None
        if not encodable_text:
            texts = (phone, result, code, desc, user_id, time_raw)
            if not all(map(str.isascii, texts)) and any(encodable(t) != t for t in texts):
                return None
        known = _STATUS_OF.get(result)
        status = known[1] if known is not None else classify(result)
        words = _WORDS
        code = words.get(code) or _word(code)
        desc = words.get(desc) or _word(desc)
        return _new_receipt(cls, (phone, result, status, code, desc, cost, when, user_id, time_raw))

    @classmethod
    def pending(cls, phone: str) -> Receipt:
        """A phone known from the send request that has no receipt yet."""
        return cls(phone=phone, result="", status=Status.PENDING)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape used by ``check --json``, ``export`` and the cache (with
        ``receipt_time_raw`` only for a ReceiptTime that was given but is not a usable time)."""
        data: dict[str, Any] = {
            "phone": self.phone,
            "status": self.status.value,
            "result": self.result,
            "code": self.code,
            "desc": self.desc,
            "cost_count": self.cost_count,
            "receipt_time": self.receipt_time,
            "user_id": self.user_id,
        }
        if self.time_raw:
            data["receipt_time_raw"] = self.time_raw
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Receipt:
        """Inverse of :meth:`to_dict` (status is re-derived from the raw result)."""
        result = as_str(data.get("result"))
        receipt_time, time_raw = as_timestamp(data.get("receipt_time"))
        return cls(
            phone=as_str(data.get("phone")),
            result=result,
            status=classify(result),
            code=as_str(data.get("code")),
            desc=as_str(data.get("desc")),
            cost_count=as_int(data.get("cost_count")) or 0,
            receipt_time=receipt_time,
            user_id=as_str(data.get("user_id")),
            time_raw=as_str(data.get("receipt_time_raw")) or time_raw,
        )


def phone_key(phone: str) -> str:
    """The number a phone is matched by: ``(86)138...``, ``+86 138...``, ``0086138...`` and
    ``138...`` are one phone. UCloud accepts all of these at send time and does not document
    which form a receipt's ``Phone`` takes, so a known phone must match any of them."""
    # Most numbers are already their own key (eleven digits): no cache entry, no scan.
    if len(phone) == 11 and phone.isdigit() and phone.isascii():
        return phone
    return _phone_key(phone)


@functools.lru_cache(maxsize=1 << 16)
def _phone_key(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return phone.strip()
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def merge_phones(receipts: Iterable[Receipt], known_phones: Iterable[str] = ()) -> list[Receipt]:
    """Receipts plus a pending placeholder for every known phone that has none yet.

    If a phone has several receipts (a long message reported per part), the last final one wins.
    """
    if not known_phones and (
        type(receipts) is DistinctPhones or (type(receipts) is list and _plain_and_distinct(receipts))
    ):
        return list(receipts)  # every receipt its own phone: nothing to merge
    return _merge_by_key(receipts, known_phones)


def _merge_by_key(receipts: Iterable[Receipt], known_phones: Iterable[str]) -> list[Receipt]:
    # phone_key inlined: this runs for every receipt of every refresh and every summary.
    by_phone: dict[str, Receipt] = {}
    get = by_phone.get
    for receipt in receipts:
        phone = receipt[0]
        key = phone if len(phone) == 11 and phone.isdigit() and phone.isascii() else _phone_key(phone)
        previous = get(key)
        if previous is None or receipt[2] is not _PENDING or previous[2] is _PENDING:
            by_phone[key] = receipt
    for phone in known_phones:
        if phone:
            key = phone if len(phone) == 11 and phone.isdigit() and phone.isascii() else _phone_key(phone)
            if key not in by_phone:
                by_phone[key] = Receipt.pending(phone)
    return list(by_phone.values())


_PENDING = Status.PENDING
_PHONE = operator.itemgetter(0)


class DistinctPhones(list[Receipt]):
    """Receipts known to need no merging (:func:`plain_and_distinct` held for their phones
    when they were read): :func:`merge_phones` takes them as they are. Nothing appends to
    the lists an answer is read into; a changed copy is a plain list again."""

    __slots__ = ()


def _plain_and_distinct(receipts: list[Receipt]) -> bool:
    return plain_and_distinct(list(map(_PHONE, receipts)))


def plain_and_distinct(phones: Sequence[str]) -> bool:
    """Every phone is eleven ASCII digits (its own :func:`phone_key`) and no two are the
    same: checked over all of them at once, not a key per phone."""
    count = len(phones)
    joined = "\n".join(phones)
    if not count or len(joined) != 12 * count - 1 or not joined.isascii():
        return False
    raw = joined.encode()
    digits = raw.replace(b"\n", b"")
    # The separators fall where eleven-character phones put them, and only digits are between.
    return (
        raw[11::12] == b"\n" * (count - 1)
        and len(digits) == 11 * count
        and digits.isdigit()
        and len(set(phones)) == count
    )


def mask_phone(phone: str) -> str:
    """``13812341234`` -> ``138****1234``; short numbers keep only their last two digits."""
    digits = phone.strip()
    if len(digits) >= 11:
        return f"{digits[:-8]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return digits
