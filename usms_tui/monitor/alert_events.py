"""The events the monitor tells people about: one object each, for hooks, logs and the UI.

An event is a fact about the watched data ("this phone failed", "this session is overdue",
"a threshold is crossed", "the API refuses us", "the API answers again") with a
:attr:`AlertEvent.key` that says which fact it is, so it is reported once however many
times, or by however many processes, it is seen (see :mod:`usms_tui.store.reported`).

The JSON a hook reads has control, format and bidi characters escaped (``\\u202e``), and the
log line has them shown as ``\\x1b`` (``usms_tui.domain.text.safe``): text from the API
reaches neither a terminal nor a shell script's ``read`` as anything but text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from usms_tui.domain import json_safety
from usms_tui.domain.failures import BatchError
from usms_tui.domain.receipts import Receipt, mask_phone, phone_key
from usms_tui.domain.text import safe
from usms_tui.domain.thresholds import Alert
from usms_tui.store.reported import ReportKey

PHONE_FAILED = "phone_failed"
SESSION_OVERDUE = "session_overdue"
THRESHOLD_CROSSED = "threshold_crossed"
API_FATAL = "api_fatal"
API_RECOVERED = "api_recovered"
EVENT_KINDS = (PHONE_FAILED, SESSION_OVERDUE, THRESHOLD_CROSSED, API_FATAL, API_RECOVERED)


def safe_json(document: Any) -> str:
    """``document`` as one line of JSON, readable UTF-8 (Chinese stays Chinese) but with every
    unsafe character escaped as ``\\uXXXX``: the document stays valid and equal."""
    return json_safety.dumps(document, separators=(",", ":"), allow_nan=False)


def iso(at: float) -> str:
    """``2026-05-09T07:35:25Z``: how ``at`` is written in logs and events."""
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class AlertEvent:
    """One event, as a hook receives it (:meth:`to_dict`) and a log shows it (:meth:`describe`)."""

    kind: str
    at: float  #: Unix seconds, when it was noticed
    session_no: str | None = None
    label: str | None = None
    phone: str | None = None
    status: str | None = None
    code: str | None = None  #: the carrier's raw ReceiptCode
    cause: str | None = None  #: what the ReceiptCode means, when it is known
    extra: Mapping[str, Any] = field(default_factory=dict)  #: per kind: desc, rule, ret_code, ...
    subject: str = ""  #: what the key names besides kind and session (phone key, rule)

    @property
    def key(self) -> ReportKey:
        """Which fact this is: the same fact seen again is not news."""
        return ReportKey(self.kind, self.session_no or "", self.subject)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object a hook gets on stdin (every common field present, ``null`` if none)."""
        return {
            "event": self.kind,
            "at": iso(self.at),
            "session_no": self.session_no,
            "label": self.label,
            "phone": self.phone,
            "status": self.status,
            "code": self.code,
            "cause": self.cause,
            **self.extra,
        }

    def describe(self, *, mask: bool = True) -> str:
        """One safe log line (phones masked unless ``mask`` is off)."""
        name = self.label or self.session_no or ""
        if self.kind == PHONE_FAILED:
            phone = mask_phone(self.phone or "") if mask else self.phone
            code = f" (ReceiptCode {self.code})" if self.code else ""
            text = f"{self.status}: {phone} in {name}{code}"
        elif self.kind == SESSION_OVERDUE:
            text = f"overdue: {name} has no final receipt after the warning age; contact UCloud support"
        elif self.kind == THRESHOLD_CROSSED:
            text = f"threshold crossed: {self.extra.get('message', self.subject)}"
        elif self.kind == API_FATAL:
            text = f"API refuses the requests: {self.extra.get('message', '')}"
        elif self.kind == API_RECOVERED:
            text = "the API answers again"
        else:  # the UI's own kinds (see usms_tui.monitor.recent_events) carry their words
            text = str(self.extra.get("message", ""))
        return safe(f"{self.kind} {text}")


def phone_failed(session_no: str, label: str, receipt: Receipt, at: float, *, cause: str | None = None) -> AlertEvent:
    """A phone's receipt is final and not delivered (failed, unknown or an unlisted result)."""
    return AlertEvent(
        PHONE_FAILED,
        at,
        session_no=session_no,
        label=label,
        phone=receipt.phone,
        status=receipt.status.value,
        code=receipt.code,
        cause=cause,
        extra={"result": receipt.result, "desc": receipt.desc, "receipt_time": receipt.receipt_time},
        subject=phone_key(receipt.phone),
    )


def session_overdue(session_no: str, label: str, at: float, *, age_seconds: float, pending: int) -> AlertEvent:
    """A session still lacks a final receipt for some phone after the warning age."""
    return AlertEvent(
        SESSION_OVERDUE,
        at,
        session_no=session_no,
        label=label,
        status="overdue",
        extra={"age_seconds": round(age_seconds, 3), "pending": pending},
    )


def threshold_crossed(alert: Alert, at: float) -> AlertEvent:
    """A threshold rule went above its limit (told again only after it went back under)."""
    return AlertEvent(THRESHOLD_CROSSED, at, extra={**alert.to_dict(), "message": alert.describe()}, subject=alert.rule)


def api_fatal(error: BatchError, at: float) -> AlertEvent:
    """The API refused us for a reason no retry fixes (key, permission, project)."""
    return AlertEvent(
        API_FATAL,
        at,
        extra={
            "ret_code": error.ret_code,
            "request_id": error.request_id,
            "kind": error.kind.value,
            "message": error.describe(retrying=False),
        },
    )


def api_recovered(at: float) -> AlertEvent:
    """The API answered a refresh again after an ``api_fatal``."""
    return AlertEvent(API_RECOVERED, at)


#: The key ``api_fatal`` is remembered under; removing it is what makes ``api_recovered`` news.
API_FATAL_KEY = ReportKey(API_FATAL)
