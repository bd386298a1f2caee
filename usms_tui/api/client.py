"""The receipt client: signed, batched (≤100), bounded-concurrency, fault-aware.

``RetryPolicy``, ``FetchResult`` and the batching helpers live in :mod:`usms_tui.api.batching`
and are re-exported here.

One long-lived ``httpx.AsyncClient`` is injected, so tests pass ``httpx.MockTransport`` or point
at the simulator, and the UI reuses one connection pool across refreshes. Sleep, clock and
randomness are injected too, so retry tests never really wait.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

import httpx

from usms_tui import __version__
from usms_tui.api.batching import MAX_BATCH, FetchResult, RetryPolicy, batched, unique
from usms_tui.api.errors import ApiError
from usms_tui.api.signing import sign
from usms_tui.domain.base_url import DEFAULT_BASE_URL, base_url_problem
from usms_tui.domain.credentials import Credentials
from usms_tui.domain.errors import ConfigError
from usms_tui.domain.failures import BatchError, ErrorKind, classify_http_status, classify_ret_code
from usms_tui.domain.receipts import parse_receipt_data

__all__ = [
    "MAX_BATCH",
    "FetchResult",
    "ReceiptClient",
    "RetryPolicy",
    "batched",
    "make_http_client",
    "unique",
]

RECEIPT_ACTION = "GetUSMSSendReceipt"
REQUEST_ID_HEADER = "X-UCLOUD-REQUEST-UUID"
USER_AGENT = f"usms-tui/{__version__} (+https://pypi.org/project/usms-tui/) httpx/{httpx.__version__}"


def parse_ret_code(body: Mapping[str, Any]) -> int | None:
    """``RetCode`` as int, accepting numeric strings (``"171"``); ``None`` when absent or junk."""
    value = body.get("RetCode")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


class _Stop:
    """Shared by the batches of one fetch: set after a fatal answer so nothing else is sent."""

    def __init__(self) -> None:
        self.reason: BatchError | None = None


class ReceiptClient:
    """Queries GetUSMSSendReceipt (and sends messages, for the simulator and demos)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        project_id: str | None = None,
        region: str | None = None,
        batch_size: int = MAX_BATCH,
        concurrency: int = 4,
        retry: RetryPolicy | None = None,
        allow_http: bool = False,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        problem = base_url_problem(base_url, allow_http)
        if problem:
            raise ConfigError(f"base URL {base_url!r}: {problem}")
        self.http = http
        self.credentials = credentials
        self.base_url = base_url.strip()
        self.project_id = project_id or None
        self.region = region or None
        self.batch_size = max(1, min(MAX_BATCH, int(batch_size)))
        self.concurrency = max(1, int(concurrency))
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng

    def __repr__(self) -> str:
        return f"ReceiptClient(base_url={self.base_url!r}, public_key={self.credentials.public_key!r})"

    # -- receipts -------------------------------------------------------------------------

    async def fetch(self, session_nos: Iterable[str]) -> FetchResult:
        """Fetch receipts for ``session_nos`` in batches, concurrently, with retries.

        Never raises for API or network failures: they are returned per batch, so one failed
        batch does not lose the others. After a fatal answer no further batch is sent.
        """
        result = FetchResult()
        batches = batched(unique(session_nos), self.batch_size)
        if not batches:
            return result
        gate = asyncio.Semaphore(self.concurrency)
        stop = _Stop()

        async def run(batch: list[str]) -> None:
            async with gate:
                if stop.reason is not None:
                    result.errors.append(_skipped(batch, stop.reason))
                    return
                params = {"Action": RECEIPT_ACTION, "SessionNoSet": batch}
                try:
                    body, _ = await self._call_with_retries(params, batch, result, stop)
                except ApiError as error:
                    result.errors.append(error.error)
                    return
                found = parse_receipt_data(body.get("Data"))
                for session_no in batch:
                    result.receipts[session_no] = found.get(session_no, [])

        await asyncio.gather(*(run(batch) for batch in batches))
        return result

    # -- generic calls --------------------------------------------------------------------

    async def call(self, action: str, params: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], str | None]:
        """One signed call with retries. Returns ``(body, request_id)``; raises :class:`ApiError`."""
        counter = FetchResult()
        return await self._call_with_retries({**(params or {}), "Action": action}, (), counter, _Stop())

    async def send_message(
        self,
        phones: Sequence[str],
        template_id: str,
        sig_content: str = "",
        template_params: Sequence[str] = (),
        user_id: str | None = None,
    ) -> str:
        """``SendUSMSMessage``: returns the new SessionNo. Not retried: a send is not idempotent."""
        params: dict[str, Any] = {
            "Action": "SendUSMSMessage",
            "PhoneNumbers": list(phones),
            "TemplateId": template_id,
            "SigContent": sig_content or None,
            "TemplateParams": list(template_params) or None,
            "UserId": user_id or None,
        }
        body, request_id = await self._attempt(params, ())
        session_no = body.get("SessionNo")
        if not session_no:
            raise ApiError.from_error(
                BatchError(ErrorKind.OTHER, "SendUSMSMessage answered no SessionNo", request_id=request_id)
            )
        return str(session_no)

    # -- internals ------------------------------------------------------------------------

    async def _call_with_retries(
        self, params: dict[str, Any], session_nos: Sequence[str], counter: FetchResult, stop: _Stop
    ) -> tuple[dict[str, Any], str | None]:
        started = self._clock()
        attempt = 0
        while True:
            counter.requests += 1
            try:
                return await self._attempt(params, session_nos)
            except ApiError as exc:
                error = exc.error
                attempt += 1
                error = _with_attempts(error, attempt)
                if error.kind is ErrorKind.FATAL:
                    stop.reason = stop.reason or error
                    raise ApiError.from_error(error) from None
                retryable = error.kind in (ErrorKind.TRANSIENT, ErrorKind.THROTTLED)
                if not retryable or attempt >= self.retry.max_attempts or stop.reason is not None:
                    raise ApiError.from_error(error) from None
                delay = self.retry.delay(error.kind, attempt - 1, self._rng)
                if self._clock() - started + delay > self.retry.max_total:
                    raise ApiError.from_error(error) from None
                await self._sleep(delay)
                if stop.reason is not None:
                    raise ApiError.from_error(error) from None

    async def _attempt(
        self, params: Mapping[str, Any], session_nos: Sequence[str]
    ) -> tuple[dict[str, Any], str | None]:
        """One HTTP request. Raises :class:`ApiError` classified by what went wrong."""
        full = dict(params)
        if self.project_id:
            full.setdefault("ProjectId", self.project_id)
        if self.region:
            full.setdefault("Region", self.region)
        form = sign(full, self.credentials)
        action = str(full.get("Action", ""))
        batch = tuple(session_nos)
        headers = {"User-Agent": USER_AGENT, "U-Timestamp-Ms": str(int(time.time() * 1000))}
        try:
            response = await self.http.post(self.base_url, data=form, headers=headers)
        except httpx.TimeoutException as exc:
            raise _error(ErrorKind.TRANSIENT, f"{action}: timed out ({type(exc).__name__})", batch) from None
        except httpx.TransportError as exc:
            raise _error(
                ErrorKind.TRANSIENT, f"{action}: connection failed ({_describe_transport(exc)})", batch
            ) from None
        request_id = response.headers.get(REQUEST_ID_HEADER)
        if response.status_code != 200:
            kind = classify_http_status(response.status_code)
            message = f"{action}: HTTP {response.status_code} {response.reason_phrase}".rstrip()
            raise _error(kind, message, batch, request_id=request_id, http_status=response.status_code)
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            snippet = response.text[:60].replace("\n", " ")
            raise _error(
                ErrorKind.OTHER, f"{action}: malformed response, not JSON ({snippet!r})", batch, request_id=request_id
            ) from None
        if not isinstance(body, dict):
            raise _error(
                ErrorKind.OTHER, f"{action}: malformed response, not a JSON object", batch, request_id=request_id
            )
        ret_code = parse_ret_code(body)
        if ret_code is None:
            raise _error(ErrorKind.OTHER, f"{action}: malformed response, no RetCode", batch, request_id=request_id)
        if ret_code != 0:
            message = str(body.get("Message") or "no message")
            raise _error(
                classify_ret_code(ret_code), f"{action}: {message}", batch, ret_code=ret_code, request_id=request_id
            )
        return body, request_id


def _error(kind: ErrorKind, message: str, session_nos: tuple[str, ...], **extra: Any) -> ApiError:
    return ApiError.from_error(BatchError(kind=kind, message=message, session_nos=session_nos, **extra))


def _with_attempts(error: BatchError, attempts: int) -> BatchError:
    from dataclasses import replace

    return replace(error, attempts=attempts)


def _skipped(batch: Sequence[str], reason: BatchError) -> BatchError:
    """A batch not sent because an earlier one was refused for good (bad key, no permission)."""
    return BatchError(
        kind=ErrorKind.FATAL,
        message=f"not sent: an earlier request was refused ({reason.message})",
        session_nos=tuple(batch),
        ret_code=reason.ret_code,
        request_id=reason.request_id,
        attempts=0,
    )


def _describe_transport(exc: httpx.TransportError) -> str:
    """A short reason without the URL's query or any header (nothing secret ends up there anyway)."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def make_http_client(timeout: float, **kwargs: Any) -> httpx.AsyncClient:
    """The one long-lived HTTP client: TLS verification always on, pooled connections."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        verify=True,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
        follow_redirects=False,
        **kwargs,
    )
