"""What a GetUSMSSendReceipt answer must look like to be believed. Pure: no I/O.

Lenient where UCloud is documented or seen to vary (RetCode or ReceiptTime as strings,
unknown fields, unlisted ReceiptResults, sessions missing from ``Data``), strict where a
wrong guess would be taken as good news: ``Data`` that is an object, a string or null, an
entry that is not an object or names no session, a receipt with no phone. Such an answer
is malformed as a whole (the batch fails, its sessions are not marked checked) rather than
read as "no receipts yet", which would count a broken gateway as a quiet one, or as a
phone called "" that stays pending for good and inflates every count.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from itertools import chain, repeat
from typing import Any

from usms_tui.domain.receipt_batch import by_session, receipts_from_api
from usms_tui.domain.receipts import Receipt


class MalformedAnswer(ValueError):
    """The answer's shape is wrong; the message says where (``Data[3].ReceiptSet[0]``)."""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(type(value), "a number")


def _phone(item: Mapping[str, Any], where: str) -> str:
    phone = item.get("Phone")
    if isinstance(phone, int) and not isinstance(phone, bool):
        phone = str(phone)
    if not isinstance(phone, str) or not phone.strip():
        raise MalformedAnswer(f"{where} has no Phone ({'missing' if 'Phone' not in item else _kind(phone)})")
    return phone


def parse_receipt_data(data: Any) -> dict[str, list[Receipt]]:
    """Parse a present ``Data`` into {SessionNo: receipts}; raise :class:`MalformedAnswer`.

    Sessions absent from ``Data`` are pending; so are sessions with an empty or null ReceiptSet.
    """
    if not isinstance(data, list):
        raise MalformedAnswer(f"Data is {_kind(data)}, not a list")
    if type(data) is list:
        # The collector is held off while an answer's receipts are built: they are all kept,
        # and a collection every 700 of them walked them again and again, young and old (a
        # tenth of a large refresh's reading). No await, no callback runs in between.
        collecting = gc.isenabled()
        gc.disable()
        try:
            usual = _usual_data(data)
        finally:
            if collecting:
                gc.enable()
        if usual is not None:
            return usual
    return _read_carefully(data)


def _read_carefully(data: list[Any]) -> dict[str, list[Receipt]]:
    """Entry by entry, receipt by receipt: what is read when the whole-answer reading
    (:func:`_usual_data`) does not take it, naming the first place that is wrong."""
    sessions: dict[str, list[Receipt]] = {}
    for index, entry in enumerate(data):
        where = f"Data[{index}]"
        if not isinstance(entry, Mapping):
            raise MalformedAnswer(f"{where} is {_kind(entry)}, not an object")
        session_no = entry.get("SessionNo")
        if not isinstance(session_no, str) or not session_no.strip():
            raise MalformedAnswer(f"{where} has no SessionNo")
        receipt_set = entry.get("ReceiptSet")
        if receipt_set is None:
            receipt_set = []
        elif not isinstance(receipt_set, list):
            raise MalformedAnswer(f"{where}.ReceiptSet is {_kind(receipt_set)}, not a list")
        receipts = sessions.setdefault(session_no, [])
        read = Receipt.from_api
        for number, item in enumerate(receipt_set):
            # The usual receipt (an object with a phone) is read without naming its place.
            if type(item) is not dict or type(phone := item.get("Phone")) is not str or not phone.strip():
                spot = f"{where}.ReceiptSet[{number}]"
                if not isinstance(item, Mapping):
                    raise MalformedAnswer(f"{spot} is {_kind(item)}, not an object")
                _phone(item, spot)
            receipts.append(read(item))
    return sessions


_NONE = type(None)


def _usual_data(data: list[Any]) -> dict[str, list[Receipt]] | None:
    """What :func:`parse_receipt_data` reads from ``data`` when it is of the usual shape (every
    entry an object with a SessionNo and a list or null ReceiptSet, every receipt one
    :func:`receipts_from_api` takes), read a field at a time over the whole answer; ``None``
    for anything else, which the careful loop then reads (and names what is wrong)."""
    if not data:
        return {}
    if set(map(type, data)) != {dict}:
        return None
    get = dict.get
    session_nos: list[Any] = list(map(get, data, repeat("SessionNo")))
    if set(map(type, session_nos)) != {str} or not all(map(str.strip, session_nos)):
        return None
    receipt_sets: list[Any] = list(map(get, data, repeat("ReceiptSet")))
    kinds = set(map(type, receipt_sets))
    if not kinds <= {list, _NONE}:
        return None
    if _NONE in kinds:  # no receipts yet
        receipt_sets = [[] if found is None else found for found in receipt_sets]
    read = receipts_from_api(list(chain.from_iterable(receipt_sets)))
    if read is None:
        return None
    return by_session(session_nos, list(map(len, receipt_sets)), *read)


def receipts_of(body: Mapping[str, Any]) -> dict[str, list[Receipt]]:
    """The receipts of a successful answer. No ``Data`` key at all is "no receipts yet" (how
    UCloud shows that is undocumented); a ``Data`` of the wrong shape is :class:`MalformedAnswer`."""
    if "Data" not in body:
        return {}
    return parse_receipt_data(body["Data"])
