"""Turn what users paste or pipe into SessionNos to watch. Pure: text in, sessions out.

Accepted, mixed freely line by line:

* one SessionNo per line (blank lines and ``#`` comments skipped);
* JSON lines, or one JSON array, of ``SendUSMSMessage`` / ``SendBatchUSMSMessage`` responses:
  their ``SessionNo``, plus ``PhoneNumbers`` (or ``TaskContent[].Target[].Phone``) when the
  object also carries the request, at the top level or as ``{"request": ..., "response": ...}``;
* this tool's own ``list --json`` output (``{"sessions": [{"session_no": ...}]}``), so a
  watchlist can move between machines.

Anything else is refused with the reason, and the rest still imported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from usms_tui.domain import json_safety
from usms_tui.domain.sessions import WatchedSession, validate_label, validate_project_id, validate_session_no

Refusal = tuple[str, str]  # (which input, why)


def _snippet(text: str, limit: int = 60) -> str:
    text = str(text)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [
            str(v).strip() for v in value if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).strip()
        ]
    return []


def _request_phones(request: Mapping[str, Any]) -> list[str]:
    phones = _strings(request.get("PhoneNumbers"))
    # A flattened form request (PhoneNumbers.0, PhoneNumbers.1, ...), as sent on the wire.
    flat = sorted(
        (k for k in request if isinstance(k, str) and k.startswith("PhoneNumbers.") and k[13:].isdigit()),
        key=lambda k: int(k[13:]),
    )
    phones += [str(request[k]).strip() for k in flat if str(request[k]).strip()]
    tasks = request.get("TaskContent")
    if isinstance(tasks, list):  # SendBatchUSMSMessage: TaskContent[].Target[].Phone
        for task in tasks:
            targets = task.get("Target") if isinstance(task, Mapping) else None
            for target in targets if isinstance(targets, list) else ():
                if isinstance(target, Mapping):
                    phones += _strings(target.get("Phone"))
    return list(dict.fromkeys(phones))


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _from_object(item: Mapping[str, Any], where: str) -> WatchedSession | Refusal:
    if "session_no" in item:  # this tool's own format
        session_no = item.get("session_no")
        phones = _strings(item.get("phones")) or _strings(item.get("known_phones"))
        raw_label = item.get("label")
        label = raw_label if isinstance(raw_label, str) else ""
        note = item.get("note") if isinstance(item.get("note"), str) else ""
        try:
            label = validate_label(label)  # the rule `add --label` and the dialogs apply
        except ValueError as error:
            return (where, f"label {_snippet(label)}: {error}")
        project = item.get("project_id")
        return _session(
            session_no,
            where,
            phones=phones,
            label=label,
            sent_at=_number(item.get("sent_at")),
            note=note,
            project_id=project if isinstance(project, str) and project.strip() else None,
        )
    response, request = item, item
    if isinstance(item.get("response"), Mapping):
        response = item["response"]
        given = item.get("request")
        request = given if isinstance(given, Mapping) else {}
    ret_code = response.get("RetCode")
    if ret_code not in (None, 0, "0"):
        message = str(response.get("Message") or "").strip()
        return (
            where,
            f"the send failed (RetCode {ret_code}{': ' + message if message else ''}), so it has no SessionNo",
        )
    session_no = response.get("SessionNo")
    if not session_no:
        if (
            "SuccessCount" in response
            or "FailContent" in response
            or response.get("Action") == "SendBatchUSMSMessageResponse"
        ):
            count = response.get("SuccessCount", 0)
            return (
                where,
                f"SendBatchUSMSMessage response without SessionNo: no message was accepted (SuccessCount {count})",
            )
        return (where, "no SessionNo in this object")
    # The project the message was sent under: the API answers its receipts only there.
    project = request.get("ProjectId") or response.get("ProjectId")
    project_id = project if isinstance(project, str) and project.strip() else None
    return _session(session_no, where, phones=_request_phones(request), project_id=project_id)


def _session(session_no: Any, where: str, **fields: Any) -> WatchedSession | Refusal:
    if not isinstance(session_no, str):
        return (where, f"SessionNo {_snippet(session_no)} is not a string")
    try:
        value = validate_session_no(session_no)
    except ValueError as error:
        return (f"{where}: {_snippet(session_no)}", str(error))
    if fields.get("project_id") is not None:
        try:
            fields["project_id"] = validate_project_id(fields["project_id"])
        except ValueError as error:
            return (f"{where}: {_snippet(session_no)}", f"ProjectId {_snippet(fields['project_id'])}: {error}")
    if "phones" in fields:
        fields["phones"] = tuple(fields["phones"])
    return WatchedSession(value, **fields)


#: Lists inside lists are walked this deep (real inputs nest two levels at most); deeper is
#: refused, so a hostile file cannot exhaust the stack.
_MAX_LIST_DEPTH = 8


def _from_json_value(value: Any, where: str, depth: int = 0) -> list[WatchedSession | Refusal]:
    if isinstance(value, Mapping) and isinstance(value.get("sessions"), list):
        value = value["sessions"]  # list --json output
    if isinstance(value, list):
        if depth >= _MAX_LIST_DEPTH:
            return [(where, f"lists nested more than {_MAX_LIST_DEPTH} deep")]
        return [
            item for i, element in enumerate(value) for item in _from_json_value(element, f"{where}[{i}]", depth + 1)
        ]
    if isinstance(value, Mapping):
        return [_from_object(value, where)]
    if isinstance(value, str):
        return [_session(value, where)]
    return [(where, f"{type(value).__name__} is not a SessionNo or a response object")]


def parse_import(text: str, source: str = "input") -> tuple[list[WatchedSession], list[Refusal]]:
    """Sessions found in ``text`` (in order) and the refused inputs with reasons.

    ``source`` names the input in refusals (``stdin``, a file name).
    """
    results: list[WatchedSession | Refusal] = []
    body = text.lstrip("\ufeff")
    stripped = body.strip()
    if stripped[:1] in ("[", "{"):
        try:
            results = _from_json_value(json_safety.loads(stripped), source)
        except json.JSONDecodeError:
            results = []  # not one JSON document: JSON lines, handled below
        except json_safety.JsonProblem as problem:
            if _one_document(stripped):
                return [], [(source, str(problem))]
            # JSON lines whose first line holds the problem: each line is judged below.
        else:
            return _split(results)
    for lineno, line in enumerate(body.splitlines(), start=1):
        content = line.strip()
        if not content or content.startswith("#"):
            continue
        where = f"{source} line {lineno}"
        if content[0] in "[{":
            try:
                value = json_safety.loads(content)
            except json.JSONDecodeError as error:
                results.append((where, f"not valid JSON ({error.msg})"))
                continue
            except json_safety.JsonProblem as problem:
                results.append((where, str(problem)))
                continue
            results += _from_json_value(value, where)
        else:
            results.append(_session(line, where))
    return _split(results)


def _one_document(text: str) -> bool:
    """Is ``text`` one JSON value (rather than JSON lines)? Only asked once a stricter parse
    refused it, so a duplicated key in line 1 of JSON lines refuses line 1, not the file."""
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        return True
    return end >= len(text)


def _split(results: list[WatchedSession | Refusal]) -> tuple[list[WatchedSession], list[Refusal]]:
    sessions = [r for r in results if isinstance(r, WatchedSession)]
    refused = [r for r in results if not isinstance(r, WatchedSession)]
    return sessions, refused
