"""The gateway's request handling, without sockets: parse, authenticate, dispatch, answer.

Accepts what UCloud's gateway accepts: POST form (what the SDKs send), POST JSON (nested
lists flattened the way they are signed) and GET query strings. Errors use the gateway's
RetCodes (the same table :mod:`usms_tui.domain.failures` classifies). Choices where the real API is silent:

* a missing ``SessionNoSet`` (or ``PhoneNumbers``/``TemplateId``) is RetCode 220
  ``Missing params: NAME``; more than 100 SessionNos (or 1000 phones) is RetCode 230
  ``Params [NAME] not valid: ...``;
* a missing ``Signature`` (and no Bearer token) is 170, a missing or unknown ``PublicKey`` is
  172; an unknown or expired Bearer token is 174, and so is a ``channel-key`` header that
  does not match the account's channel (or any such header when it has none);
* a session sent under another project than the request's ``ProjectId`` (or the account's
  default project when there is none) is left out of ``Data``;
* requests hit by ``http5xx``/``ret1xx``/``timeout``/``drop`` faults are not executed.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl

from usms_tui.api.signing import flatten, verify
from usms_tui.simulator.faults import HTTP_FAULTS, RET_FAULTS, Fault, FaultDecision, mutate_body

if TYPE_CHECKING:
    from usms_tui.simulator.engine import Simulator

REQUEST_UUID_HEADER = "X-UCLOUD-REQUEST-UUID"
MAX_SESSION_NOS = 100
MAX_PHONES = 1000
_SESSION_KEY = re.compile(r"SessionNoSet\.(\d+)$")
_PHONE_KEY = re.compile(r"PhoneNumbers\.(\d+)$")
_PARAM_KEY = re.compile(r"TemplateParams\.(\d+)$")


class SimulatedTimeout(Exception):
    """Raised by :meth:`Simulator.handle` when a ``timeout`` fault means "no answer"."""


class SimulatedDrop(Exception):
    """Raised by :meth:`Simulator.handle` when a ``drop`` fault closes the connection."""


@dataclass
class Reply:
    """One answer, plus what the transport must do with it (wait first, or not answer)."""

    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0  # seconds to wait before answering (latency), or to hold (timeout)
    disposition: Literal["answer", "timeout", "drop"] = "answer"
    faults: frozenset[Fault] = field(default_factory=frozenset)

    def triple(self) -> tuple[int, dict[str, str], bytes]:
        """``(status, headers, body)``; raises for a timeout or a dropped connection."""
        if self.disposition == "timeout":
            raise SimulatedTimeout("the simulator does not answer this request (timeout fault)")
        if self.disposition == "drop":
            raise SimulatedDrop("the simulator closed the connection (drop fault)")
        return self.status, self.headers, self.body

    def json(self) -> Any:
        """The body parsed as JSON (for tests)."""
        return json.loads(self.body)


def parse_request(
    method: str, query: str | bytes, body: bytes, headers: Mapping[str, str] | None
) -> dict[str, str] | str:
    """The flat parameters of a request, or an error message when the body cannot be read."""
    if isinstance(query, bytes):
        query = query.decode("utf-8", "replace")
    params: dict[str, str] = dict(parse_qsl(query, keep_blank_values=True))
    if method.upper() != "POST" or not body:
        return params
    content_type = ""
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            content_type = value.lower()
    text = body.decode("utf-8", "replace")
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            return "the body is not valid JSON"
        if not isinstance(document, dict):
            return "the JSON body must be an object"
        params.update(flatten(document))
    else:
        params.update(parse_qsl(text, keep_blank_values=True))
    return params


#: Faults that change a successful answer's document (the others only delay or cut it).
_BODY_FAULTS = frozenset(
    {Fault.RETCODE_STRING, Fault.NO_DATA, Fault.PARTIAL, Fault.EXTRA_FIELDS, Fault.UNLISTED_RESULT, Fault.TIME_STRING}
)


class EncodedData(str):
    """A ``Data`` array already encoded as JSON text (from the sessions' cached encodings)."""


def _json_reply(body: dict[str, Any], request_id: str, decision: FaultDecision, status: int = 200) -> Reply:
    data = body.get("Data")
    if isinstance(data, EncodedData) and not decision.kinds & _BODY_FAULTS:
        # "Data" is the last key: the rest of the document, then the encoded array.
        head = json.dumps({k: v for k, v in body.items() if k != "Data"}, ensure_ascii=False, separators=(",", ":"))
        raw = f'{head[:-1]},"Data":{data}}}'.encode()
    else:
        if isinstance(data, EncodedData):
            body = {**body, "Data": json.loads(data)}
        body = mutate_body(body, decision.kinds)
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if Fault.MALFORMED in decision:
        raw = raw[: max(1, len(raw) // 2)]  # cut mid-document: no longer parseable JSON
    headers = {"Content-Type": "application/json; charset=utf-8", REQUEST_UUID_HEADER: request_id}
    return Reply(status, headers, raw, decision.latency, "answer", decision.kinds)


def _error(action: str, code: int, message: str) -> dict[str, Any]:
    return {"RetCode": code, "Action": f"{action}Response" if action else "", "Message": message}


def _indexed(params: Mapping[str, str], pattern: re.Pattern[str]) -> list[str]:
    found = [(int(m.group(1)), value) for key, value in params.items() if (m := pattern.match(key))]
    return [value for _, value in sorted(found)]


def respond(sim: Simulator, params: Mapping[str, Any] | str, headers: Mapping[str, str] | None = None) -> Reply:
    """Answer one request. ``params`` may be flat or nested (it is flattened as signed)."""
    request_id = str(uuid.uuid4())
    decision = sim.faults.decide()
    sim.count_request()
    if Fault.TIMEOUT in decision:
        return Reply(0, {}, b"", decision.hold, "timeout", decision.kinds)
    if Fault.DROP in decision:
        return Reply(0, {}, b"", decision.latency, "drop", decision.kinds)
    for kind, (status, reason) in HTTP_FAULTS.items():
        if kind in decision:
            headers_out = {"Content-Type": "text/html", REQUEST_UUID_HEADER: request_id}
            if status == 429:
                headers_out["Retry-After"] = "1"
            page = f"<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1></body></html>"
            return Reply(status, headers_out, page.encode(), decision.latency, "answer", decision.kinds)
    if isinstance(params, str):
        return _json_reply(_error("", 230, f"Params not valid: {params}"), request_id, decision)
    flat = flatten(params)
    action = flat.get("Action", "")
    for kind, (code, message) in RET_FAULTS.items():
        if kind in decision:
            return _json_reply(_error(action, code, message), request_id, decision)
    return _json_reply(_dispatch(sim, flat, action, headers or {}), request_id, decision)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)


def _refused(sim: Simulator, flat: dict[str, str], action: str, headers: Mapping[str, str]) -> dict[str, Any] | None:
    """The gateway's answer to a caller it does not accept, or None when it accepts it."""
    bearer = _header(headers, "authorization") or ""
    # The gateway checks a signature first: a request with both fails on a stale key pair.
    if flat.get("Signature") or not bearer.lower().startswith("bearer "):
        if not flat.get("Signature"):
            return _error(action, 170, "Missing signature")
        if flat.get("PublicKey") != sim.public_key:
            return _error(action, 172, "User Not Exists")
        if not verify(flat, sim.private_key):
            return _error(action, 171, "Signature VerifyAC Error")
    elif not sim.oauth.accepts(bearer[7:].strip()):
        return _error(action, 174, "Token Not Exists")
    if (_header(headers, "channel-key") or None) != sim.channel_key:
        return _error(action, 174, "Token Not Exists")
    return None


def _dispatch(sim: Simulator, flat: dict[str, str], action: str, headers: Mapping[str, str]) -> dict[str, Any]:
    if not action:
        return _error("", 160, "Missing Action")
    refused = _refused(sim, flat, action, headers)
    if refused is not None:
        return refused
    if action == "GetUSMSSendReceipt":
        return _get_receipts(sim, flat, action)
    if action == "SendUSMSMessage":
        return _send_message(sim, flat, action)
    return _error(action, 161, f"Action [{action}] not found")


def _get_receipts(sim: Simulator, flat: dict[str, str], action: str) -> dict[str, Any]:
    session_nos = _indexed(flat, _SESSION_KEY)
    if not session_nos:
        return _error(action, 220, "Missing params: SessionNoSet")
    if len(session_nos) > MAX_SESSION_NOS:
        return _error(
            action,
            230,
            f"Params [SessionNoSet] not valid: at most {MAX_SESSION_NOS} SessionNos per call, got {len(session_nos)}",
        )
    data = EncodedData(sim.receipts_json(session_nos, flat.get("ProjectId") or None))
    return {"RetCode": 0, "Action": f"{action}Response", "Message": "", "Data": data}


def _send_message(sim: Simulator, flat: dict[str, str], action: str) -> dict[str, Any]:
    phones = [p for p in _indexed(flat, _PHONE_KEY) if p]
    if not phones:
        return _error(action, 220, "Missing params: PhoneNumbers")
    if len(phones) > MAX_PHONES:
        return _error(action, 230, f"Params [PhoneNumbers] not valid: at most {MAX_PHONES} phones per call")
    template_id = flat.get("TemplateId", "")
    if not template_id:
        return _error(action, 220, "Missing params: TemplateId")
    user_id = flat.get("UserId", "")
    if len(user_id) > 32:
        return _error(action, 230, "Params [UserId] not valid: at most 32 characters")
    session_no = sim.send(
        phones,
        template_id=template_id,
        sig_content=flat.get("SigContent", ""),
        user_id=user_id,
        params=_indexed(flat, _PARAM_KEY),
        project_id=flat.get("ProjectId") or None,
    )
    body: dict[str, Any] = {"RetCode": 0, "Action": f"{action}Response", "Message": "", "SessionNo": session_no}
    if user_id:
        body["UserId"] = user_id  # the real API returns it only when one was given
    return body
