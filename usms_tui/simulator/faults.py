"""Fault injection: which requests go wrong, and how.

Each request draws one number per configured fault from the controller's own
``random.Random``, so for a given seed the same request sequence meets the same faults,
whatever the thread scheduling of the server. A fault with a ``count`` fires that many
times, then stays quiet.
"""

from __future__ import annotations

import copy
import enum
import random
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from usms_tui.simulator.scenario import UNLISTED


class Fault(enum.StrEnum):
    """Fault kinds, named as on the command line (``--fault KIND[:RATE]``)."""

    LATENCY = "latency"  # answer late (``seconds``, default 0.5)
    TIMEOUT = "timeout"  # never answer: hold the connection until the client gives up
    DROP = "drop"  # close the connection without answering
    HTTP500 = "http500"
    HTTP502 = "http502"
    HTTP503 = "http503"
    HTTP429 = "http429"
    RET150 = "ret150"  # service temporarily unavailable
    RET153 = "ret153"  # throttled
    RET171 = "ret171"  # signature rejected
    RET172 = "ret172"  # user does not exist
    RET230 = "ret230"  # invalid parameter
    MALFORMED = "malformed"  # truncated JSON body
    RETCODE_STRING = "retcode-string"  # "RetCode": "0"
    NO_DATA = "no-data"  # success without a Data key
    PARTIAL = "partial"  # only some of the asked sessions in Data
    EXTRA_FIELDS = "extra-fields"  # unknown fields at every level
    UNLISTED_RESULT = "unlisted-result"  # ReceiptResult "SubmitFail"
    TIME_STRING = "time-string"  # ReceiptTime "1750000000"


HTTP_FAULTS: dict[Fault, tuple[int, str]] = {
    Fault.HTTP500: (500, "Internal Server Error"),
    Fault.HTTP502: (502, "Bad Gateway"),
    Fault.HTTP503: (503, "Service Temporarily Unavailable"),
    Fault.HTTP429: (429, "Too Many Requests"),
}

RET_FAULTS: dict[Fault, tuple[int, str]] = {
    Fault.RET150: (150, "Service Temporarily Unavailable"),
    Fault.RET153: (153, "Request Frequency Exceeds Limit"),
    Fault.RET171: (171, "Signature VerifyAC Error"),
    Fault.RET172: (172, "User Not Exists"),
    Fault.RET230: (230, "Params [SessionNoSet] not valid"),
}

DEFAULT_LATENCY = 0.5
#: How long a simulated timeout holds the connection (released early when the server stops).
DEFAULT_HOLD = 30.0


def parse_fault_spec(spec: str) -> tuple[Fault, float]:
    """``"http503:0.25"`` -> ``(Fault.HTTP503, 0.25)``; the rate defaults to 1. Raises ValueError."""
    name, _, rate_text = spec.strip().partition(":")
    try:
        kind = Fault(name.strip().lower())
    except ValueError:
        known = ", ".join(f.value for f in Fault)
        raise ValueError(f"unknown fault {name!r}; known faults: {known}") from None
    rate = 1.0
    if rate_text:
        try:
            rate = float(rate_text)
        except ValueError:
            raise ValueError(f"fault rate must be a number from 0 to 1, got {rate_text!r}") from None
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"fault rate must be from 0 to 1, got {rate_text}")
    return kind, rate


def parse_fault_specs(specs: Iterable[str]) -> list[tuple[Fault, float]]:
    """Every ``--fault`` value of a command line; the ``ValueError`` names the bad one."""
    parsed = []
    for spec in specs:
        try:
            parsed.append(parse_fault_spec(spec))
        except ValueError as error:
            raise ValueError(f"--fault {spec}: {error}") from None
    return parsed


@dataclass
class FaultRule:
    """One configured fault: how often it fires and how many times it may still fire."""

    kind: Fault
    rate: float = 1.0
    remaining: int | None = None  # None: no limit
    seconds: float | None = None  # latency / timeout hold time

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "rate": self.rate, "remaining": self.remaining, "seconds": self.seconds}


@dataclass(frozen=True)
class FaultDecision:
    """The faults that hit one request."""

    kinds: frozenset[Fault] = frozenset()
    latency: float = 0.0
    hold: float = DEFAULT_HOLD

    def __contains__(self, kind: object) -> bool:
        return kind in self.kinds


@dataclass
class FaultController:
    """The configured faults of one simulator, and how often each fired (``fired``)."""

    seed: int = 0
    rules: list[FaultRule] = field(default_factory=list)
    fired: Counter[Fault] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._rng = random.Random(f"usms-tui-faults:{self.seed}")
        self._lock = threading.Lock()

    def add_fault(
        self, kind: Fault | str, rate: float = 1.0, count: int | None = None, *, seconds: float | None = None
    ) -> FaultRule:
        """Make ``kind`` hit a share ``rate`` of requests, at most ``count`` times (None: forever)."""
        kind = Fault(kind)
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be from 0 to 1, got {rate}")
        if count is not None and count < 0:
            raise ValueError("fault count must not be negative")
        rule = FaultRule(kind, float(rate), count, seconds)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear_faults(self) -> None:
        """Remove every fault (the fired counts are kept)."""
        with self._lock:
            self.rules.clear()

    add = add_fault
    clear = clear_faults

    def decide(self) -> FaultDecision:
        """Draw the faults for the next request."""
        kinds: set[Fault] = set()
        latency = 0.0
        hold = DEFAULT_HOLD
        with self._lock:
            for rule in self.rules:
                roll = self._rng.random()  # always drawn, so the sequence never shifts
                if rule.remaining == 0 or roll >= rule.rate:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                kinds.add(rule.kind)
                self.fired[rule.kind] += 1
                if rule.kind is Fault.LATENCY:
                    latency += DEFAULT_LATENCY if rule.seconds is None else rule.seconds
                elif rule.kind is Fault.TIMEOUT and rule.seconds is not None:
                    hold = rule.seconds
        return FaultDecision(frozenset(kinds), latency, hold)


def mutate_body(body: dict[str, Any], kinds: frozenset[Fault]) -> dict[str, Any]:
    """Apply the body-shape faults to a successful answer (a copy is returned).

    ``partial`` keeps the sessions at even positions only (so one asked session becomes none).
    """
    if not kinds:
        return body
    body = copy.deepcopy(body)
    data = body.get("Data")
    if isinstance(data, list):
        if Fault.PARTIAL in kinds:
            data[:] = data[::2] if len(data) > 1 else []
        for session in data:
            receipts = session.get("ReceiptSet", [])
            if Fault.EXTRA_FIELDS in kinds:
                session["SessionStatus"] = "simulated-extra"
            for receipt in receipts:
                if Fault.UNLISTED_RESULT in kinds:
                    receipt.update(ReceiptResult=UNLISTED.result, ReceiptCode=UNLISTED.code, ReceiptDesc=UNLISTED.desc)
                if Fault.TIME_STRING in kinds:
                    receipt["ReceiptTime"] = str(receipt.get("ReceiptTime", ""))
                if Fault.EXTRA_FIELDS in kinds:
                    receipt["Operator"] = "CMCC"
                    receipt["SubmitTime"] = receipt.get("ReceiptTime", 0)
        if Fault.NO_DATA in kinds:
            del body["Data"]
    if Fault.EXTRA_FIELDS in kinds:
        body["TotalCount"] = len(data) if isinstance(data, list) else 0
        body["RequestMeta"] = {"simulated": True, "Region": "cn-bj2"}
    if Fault.RETCODE_STRING in kinds and "RetCode" in body:
        body["RetCode"] = str(body["RetCode"])
    return body
