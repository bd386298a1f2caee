"""Reading one HTTP answer of the gateway, and naming what went wrong when there is none.

Every failure becomes an :class:`ApiError` carrying a classified :class:`BatchError`, so the
client's retry loop only has to look at the kind. Nothing here ever quotes a request body
or a header (they hold the signature or the Bearer token).
"""

from __future__ import annotations

import gc
import json
import re
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from usms_tui.api.batching import http_date, parse_retry_after
from usms_tui.api.errors import ApiError
from usms_tui.domain import json_safety
from usms_tui.domain.failures import BatchError, ErrorKind, classify_http_status, classify_ret_code
from usms_tui.domain.text import encodable

REQUEST_ID_HEADER = "X-UCLOUD-REQUEST-UUID"
#: "Token Not Exists": an expired or revoked Bearer token, or a channel-key of another channel.
TOKEN_REFUSED = 174
THROTTLED = 153
TLS_ADVICE = (
    "the server's TLS certificate was not accepted; a retry cannot fix that: check the base URL, "
    "the system's CA certificates (SSL_CERT_FILE) or a proxy that intercepts TLS"
)


@dataclass(frozen=True)
class Answer:
    """A successful answer, with what ``doctor`` reports about the exchange."""

    body: dict[str, Any]
    request_id: str | None
    date: str | None = None  #: the server's ``Date`` header, as sent
    round_trip: float = 0.0  #: seconds from sending the request to reading the answer
    #: A success whose document is not parsed yet (see :func:`read_answer`); ``body`` is empty.
    raw: bytes | None = None

    def document(self, action: str, batch: tuple[str, ...]) -> dict[str, Any]:
        """The answer's JSON object, parsing a deferred success now; raises :class:`ApiError`."""
        if self.raw is None:
            return self.body
        collecting = gc.isenabled()
        gc.disable()  # see parse_receipt_data: the answer's objects are counted once, after it is read
        try:
            body = json.loads(self.raw)
        except RecursionError:
            raise _malformed(action, "nested too deeply", batch, self.request_id) from None
        except ValueError:  # cannot be "not JSON": the success sniff saw an object; a huge number
            raise _malformed(action, "not JSON, or a number too long", batch, self.request_id) from None
        finally:
            if collecting:
                gc.enable()
        if not isinstance(body, dict) or parse_ret_code(body) != 0:
            raise _malformed(action, "not a JSON object with RetCode 0", batch, self.request_id)
        return body


def _malformed(action: str, problem: str, batch: tuple[str, ...], request_id: str | None) -> ApiError:
    return failure(ErrorKind.OTHER, f"{action}: malformed response, {problem}", batch, request_id=request_id)


#: A success as the gateway writes it: one ``"RetCode"`` key (a quote inside a string is
#: escaped, so text cannot look like one) with the value 0, and one ``"Data"``.
_SUCCESS = re.compile(rb'"RetCode"\s*:\s*0\s*[,}]')


def _plain_success(content: bytes) -> bool:
    return content.count(b'"RetCode"') == 1 and content.count(b'"Data"') <= 1 and _SUCCESS.search(content) is not None


def parse_ret_code(body: Mapping[str, Any]) -> int | None:
    """``RetCode`` as int, accepting numeric strings (``"171"``); ``None`` when absent or junk."""
    value = body.get("RetCode")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip()) if len(value) <= 20 else None  # no RetCode has thousands of digits
        except ValueError:
            return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def failure(kind: ErrorKind, message: str, session_nos: tuple[str, ...], **extra: Any) -> ApiError:
    """An :class:`ApiError` for one failed request."""
    return ApiError.from_error(BatchError(kind=kind, message=message, session_nos=session_nos, **extra))


def read_answer(
    response: httpx.Response,
    action: str,
    batch: tuple[str, ...],
    *,
    round_trip: float = 0.0,
    now: float | None = None,
    defer: bool = False,
) -> Answer:
    """The JSON body of a RetCode-0 answer; raises :class:`ApiError` classified by what went wrong.

    ``Retry-After`` (seconds or an HTTP date, relative to ``now``) is kept on a 429 and a
    RetCode 153 so the retry loop can wait as long as the server asked.

    With ``defer``, a plain success (one RetCode, 0; one Data) is not parsed here but by
    :meth:`Answer.document`, once the caller has let go of its concurrency slot: parsing a
    large answer should not keep the next request waiting. That parse is the C decoder's
    alone: a receipt's key given twice is not refused there (the last wins); the top-level
    keys that decide the answer, ``RetCode`` and ``Data``, are counted above.
    """
    request_id = response.headers.get(REQUEST_ID_HEADER)
    if defer and response.status_code == 200 and _plain_success(response.content):
        return Answer({}, request_id, response.headers.get("Date"), round_trip, raw=response.content)
    # An HTTP-date in Retry-After is the server's time: measured against its own Date header,
    # our clock's skew does not matter.
    wall = http_date(response.headers.get("Date"))
    if wall is None:
        wall = time.time() if now is None else now
    if response.status_code != 200:
        kind = classify_http_status(response.status_code)
        message = f"{action}: HTTP {response.status_code} {response.reason_phrase}".rstrip()
        wait = parse_retry_after(response.headers.get("Retry-After"), wall) if response.status_code == 429 else None
        raise failure(kind, message, batch, request_id=request_id, http_status=response.status_code, retry_after=wait)
    try:
        # Strict: nesting thousands deep, numbers of thousands of digits or a key given twice
        # are a malformed answer, never a RecursionError or the last duplicate winning.
        body = json_safety.loads(response.content)
    except json_safety.JsonProblem as problem:
        raise failure(
            ErrorKind.OTHER, f"{action}: malformed response, {problem}", batch, request_id=request_id
        ) from None
    except ValueError:  # not JSON, or not UTF-8
        snippet = encodable(response.content[:60].decode("utf-8", "replace")).replace("\n", " ")
        raise failure(
            ErrorKind.OTHER, f"{action}: malformed response, not JSON ({snippet!r})", batch, request_id=request_id
        ) from None
    if not isinstance(body, dict):
        raise failure(ErrorKind.OTHER, f"{action}: malformed response, not a JSON object", batch, request_id=request_id)
    ret_code = parse_ret_code(body)
    if ret_code is None:
        raise failure(ErrorKind.OTHER, f"{action}: malformed response, no RetCode", batch, request_id=request_id)
    if ret_code != 0:
        message = encodable(str(body.get("Message") or "no message")[:500])
        wait = parse_retry_after(response.headers.get("Retry-After"), wall) if ret_code == THROTTLED else None
        raise failure(
            classify_ret_code(ret_code),
            f"{action}: {message}",
            batch,
            ret_code=ret_code,
            request_id=request_id,
            retry_after=wait,
        )
    return Answer(body, request_id, response.headers.get("Date"), round_trip)


def transport_failure(exc: httpx.TransportError, action: str, batch: tuple[str, ...]) -> ApiError:
    """A request that got no answer: a timeout or a lost connection is worth retrying, a
    certificate the client refuses is not (it will be refused the same way next time)."""
    if isinstance(exc, httpx.TimeoutException):
        return failure(ErrorKind.TRANSIENT, f"{action}: timed out ({type(exc).__name__})", batch)
    refused = certificate_error(exc)
    if refused is not None:
        reason = getattr(refused, "verify_message", None) or "certificate verify failed"
        return failure(ErrorKind.FATAL, f"{action}: TLS certificate refused ({reason})", batch, hint=TLS_ADVICE)
    return failure(ErrorKind.TRANSIENT, f"{action}: connection failed ({describe_transport(exc)})", batch)


def certificate_error(exc: BaseException) -> BaseException | None:
    """The certificate verification failure behind ``exc`` (httpx wraps httpcore wraps ssl), if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        current = current.__cause__ or current.__context__
    return exc if "CERTIFICATE_VERIFY_FAILED" in str(exc) else None


def describe_transport(exc: httpx.TransportError) -> str:
    """A short reason without the URL's query or any header (nothing secret ends up there anyway)."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
