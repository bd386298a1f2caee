"""The receipt client: authenticated, batched (≤100), bounded-concurrency, fault-aware.

``RetryPolicy``, ``FetchResult`` and the batching helpers live in :mod:`usms_tui.api.batching`
and are re-exported here; reading an answer is :mod:`usms_tui.api.responses`; signing or
Bearer tokens are :mod:`usms_tui.api.auth`.

One long-lived ``httpx.AsyncClient`` is injected, so tests pass ``httpx.MockTransport`` or point
at the simulator, and the UI reuses one connection pool across refreshes. Sleep, clock and
randomness are injected too, so retry tests never really wait.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx

from usms_tui.api.auth import Auth, as_auth
from usms_tui.api.batching import MAX_BATCH, FetchResult, RetryPolicy, batched, unique
from usms_tui.api.deadlines import cycle_seconds, request_seconds
from usms_tui.api.errors import ApiError
from usms_tui.api.http import USER_AGENT, form_body, make_http_client
from usms_tui.api.responses import (
    REQUEST_ID_HEADER,
    TOKEN_REFUSED,
    Answer,
    failure,
    parse_ret_code,
    read_answer,
    transport_failure,
)
from usms_tui.api.sends_first import Sending, SendsFirst
from usms_tui.domain.answers import MalformedAnswer, receipts_of
from usms_tui.domain.base_url import DEFAULT_BASE_URL, base_url_problem
from usms_tui.domain.credentials import Credentials
from usms_tui.domain.errors import ConfigError
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt

__all__ = [
    "MAX_BATCH",
    "REQUEST_ID_HEADER",
    "USER_AGENT",
    "Answer",
    "FetchResult",
    "ReceiptClient",
    "RetryPolicy",
    "batched",
    "make_http_client",
    "parse_ret_code",
    "unique",
]

RECEIPT_ACTION = "GetUSMSSendReceipt"
#: Awaited with one batch's receipts, {SessionNo: receipts}, as soon as that batch is read.
BatchHandler = Callable[[dict[str, list[Receipt]]], Awaitable[None]]
CHANNEL_KEY_HEADER = "channel-key"
FORM_TYPE = "application/x-www-form-urlencoded"


class _Stop:
    """Shared by the batches of one fetch: set after a fatal answer so nothing else is sent."""

    def __init__(self) -> None:
        self.reason: BatchError | None = None


class ReceiptClient:
    """Queries GetUSMSSendReceipt (and sends messages, for the simulator and demos)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        auth: Auth | Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        project_id: str | None = None,
        region: str | None = None,
        channel_key: str | None = None,
        batch_size: int = MAX_BATCH,
        concurrency: int = 4,
        retry: RetryPolicy | None = None,
        allow_http: bool = False,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        request_timeout: float | None = None,
    ) -> None:
        problem = base_url_problem(base_url, allow_http)
        if problem:
            raise ConfigError(f"base URL {base_url!r}: {problem}")
        self.http = http
        self.auth = as_auth(auth)
        self.base_url = base_url.strip()
        self.project_id = project_id or None
        self.region = region or None
        self.channel_key = channel_key or None
        self.batch_size = max(1, min(MAX_BATCH, int(batch_size)))
        self.concurrency = max(1, int(concurrency))
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        #: Total seconds one request may take, first byte sent to last byte read.
        self.request_timeout = request_seconds(http, request_timeout)

    def __repr__(self) -> str:
        return f"ReceiptClient(base_url={self.base_url!r}, auth={self.auth.describe()!r})"

    # -- receipts -------------------------------------------------------------------------

    def cycle_budget(self, session_count: int) -> float:
        """Seconds a :meth:`fetch` of ``session_count`` sessions may take in total."""
        batches = -(-max(0, session_count) // self.batch_size)
        return cycle_seconds(batches, self.concurrency, self.retry.max_total, self.request_timeout)

    async def fetch(
        self,
        session_nos: Iterable[str],
        *,
        project_id: str | None = None,
        budget: float | None = None,
        on_batch: BatchHandler | None = None,
        on_sent: Callable[[], object] | None = None,
    ) -> FetchResult:
        """Fetch receipts for ``session_nos`` in batches, concurrently, with retries.

        ``project_id`` overrides the client's project for these sessions (a session sent under
        another project is invisible from this one). Never raises for API or network failures:
        they are returned per batch, so one failed batch does not lose the others. After a
        fatal answer no further batch is sent. The whole fetch ends within ``budget`` seconds
        (default :meth:`cycle_budget`): a batch still unanswered then, or not yet sent, fails
        as transient.

        ``on_batch`` is awaited with each successful batch's receipts as soon as that batch is
        read, while the others are still in flight (a streaming refresh merges and stores
        as the answers land; after the last one only the last batch is left to do).

        ``on_sent`` is called once, when the first requests are on the wire and none of their
        answers read: the caller's work that no request waits for can be done then, while
        they are in flight, rather than before the first one goes out.
        """
        result = FetchResult()
        batches = batched(unique(session_nos), self.batch_size)
        if not batches:
            return result
        gate = asyncio.Semaphore(self.concurrency)
        wire = SendsFirst()
        stop = _Stop()
        budget = self.cycle_budget(sum(map(len, batches))) if budget is None else budget
        deadline = self._clock() + budget

        async def run(batch: list[str]) -> None:
            answer = None
            async with gate:
                if stop.reason is not None:
                    result.errors.append(_skipped(batch, stop.reason))
                    return
                params = {"Action": RECEIPT_ACTION, "SessionNoSet": batch, "ProjectId": project_id or None}
                sending = wire.sending()
                try:
                    remaining = deadline - self._clock()
                    if remaining <= 0:
                        raise TimeoutError
                    async with asyncio.timeout(remaining):
                        answer = await self._call_with_retries(
                            params, batch, result, stop, deadline, defer=True, sending=sending
                        )
                except ApiError as error:
                    result.errors.append(error.error)
                    return
                except TimeoutError:
                    result.errors.append(_late(batch, budget))
                    return
                finally:
                    sending.done()
            # The slot is free again: the next request goes out before this answer is read.
            await wire.quiet()
            try:
                found = receipts_of(answer.document(RECEIPT_ACTION, tuple(batch)))
            except ApiError as error:
                result.errors.append(error.error)
                return
            except MalformedAnswer as problem:
                message = f"{RECEIPT_ACTION}: malformed response, {problem}"
                result.errors.append(BatchError(ErrorKind.OTHER, message, tuple(batch), request_id=answer.request_id))
                return
            mine = {session_no: found.get(session_no, []) for session_no in batch}
            result.receipts.update(mine)
            if on_batch is not None:
                await on_batch(mine)

        # Made before the batches' tasks, so it first looks once they have taken their slots.
        first_sent = asyncio.ensure_future(wire.once_quiet(on_sent)) if on_sent is not None else None
        try:
            await asyncio.gather(*(run(batch) for batch in batches))
        except BaseException:
            if first_sent is not None:
                first_sent.cancel()
            raise
        if first_sent is not None:
            await first_sent  # every batch is done, so none is sending: it has run, or runs now
        return result

    # -- generic calls --------------------------------------------------------------------

    async def call(
        self, action: str, params: Mapping[str, Any] | None = None, *, project_id: str | None = None
    ) -> tuple[dict[str, Any], str | None]:
        """One call with retries. Returns ``(body, request_id)``; raises :class:`ApiError`."""
        full = {**(params or {}), "Action": action}
        if project_id:
            full["ProjectId"] = project_id
        answer = await self._call_with_retries(full, (), FetchResult(), _Stop())
        return answer.body, answer.request_id

    async def probe(self, session_no: str, *, project_id: str | None = None) -> Answer:
        """One GetUSMSSendReceipt for ``session_no`` and no retry: does this account get through?

        An OAuth token may still be refreshed first, and replayed once after RetCode 174,
        exactly as for any other call. Raises :class:`ApiError`.
        """
        params = {"Action": RECEIPT_ACTION, "SessionNoSet": [session_no], "ProjectId": project_id or None}
        return await self._attempt(params, (session_no,), FetchResult())

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
        answer = await self._attempt(params, (), FetchResult())
        session_no = answer.body.get("SessionNo")
        if not session_no:
            raise failure(ErrorKind.OTHER, "SendUSMSMessage answered no SessionNo", (), request_id=answer.request_id)
        return str(session_no)

    # -- internals ------------------------------------------------------------------------

    async def _call_with_retries(
        self,
        params: dict[str, Any],
        session_nos: Sequence[str],
        counter: FetchResult,
        stop: _Stop,
        deadline: float | None = None,
        *,
        defer: bool = False,
        sending: Sending | None = None,
    ) -> Answer:
        started = self._clock()
        attempt = 0
        while True:
            try:
                return await self._attempt(params, session_nos, counter, defer=defer, sending=sending)
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
                delay = self.retry.delay(error.kind, attempt - 1, self._rng, error.retry_after)
                # Never past the budget, not even when the server asked for a longer wait.
                if self._clock() - started + delay > self.retry.max_total:
                    raise ApiError.from_error(error) from None
                if deadline is not None and self._clock() + delay >= deadline:
                    raise ApiError.from_error(error) from None  # the cycle is over before the retry
                await self._sleep(delay)
                if stop.reason is not None:
                    raise ApiError.from_error(error) from None

    async def _attempt(
        self,
        params: Mapping[str, Any],
        session_nos: Sequence[str],
        counter: FetchResult,
        *,
        defer: bool = False,
        sending: Sending | None = None,
    ) -> Answer:
        """One request (two when an OAuth token is refused, renewed and replayed)."""
        full = {key: value for key, value in params.items() if value is not None}
        if self.project_id:
            full.setdefault("ProjectId", self.project_id)
        if self.region:
            full.setdefault("Region", self.region)
        action = str(full.get("Action", ""))
        batch = tuple(session_nos)
        authorized = await self.auth.authorize(full)
        try:
            return await self._exchange(action, authorized.form, authorized.headers, batch, counter, defer, sending)
        except ApiError as exc:
            if exc.error.ret_code != TOKEN_REFUSED or not await self.auth.recover(authorized):
                raise
        replay = await self.auth.authorize(full)
        return await self._exchange(action, replay.form, replay.headers, batch, counter, defer)

    async def _exchange(
        self,
        action: str,
        form: dict[str, str],
        auth_headers: dict[str, str],
        batch: tuple[str, ...],
        counter: FetchResult,
        defer: bool = False,
        sending: Sending | None = None,
    ) -> Answer:
        """One HTTP request. Raises :class:`ApiError` classified by what went wrong.
        ``sending`` is told when the request is on the wire (see :mod:`usms_tui.api.sends_first`)."""
        headers = {
            "User-Agent": USER_AGENT,
            "U-Timestamp-Ms": str(int(time.time() * 1000)),
            "Content-Type": FORM_TYPE,
            **auth_headers,
        }
        if self.channel_key:
            headers[CHANNEL_KEY_HEADER] = self.channel_key
        counter.requests += 1
        extensions = {"trace": sending.trace()} if sending is not None else None
        sent = time.monotonic()
        try:
            # A total deadline: httpx's timeout bounds each read, and a server dripping a byte
            # every few seconds would otherwise hold the request open indefinitely.
            async with asyncio.timeout(self.request_timeout):
                response = await self.http.post(
                    self.base_url, content=form_body(form), headers=headers, extensions=extensions
                )
        except TimeoutError:
            message = f"{action}: no complete answer within {self.request_timeout:g}s"
            raise failure(ErrorKind.TRANSIENT, message, batch) from None
        except httpx.TransportError as exc:
            raise transport_failure(exc, action, batch) from None
        finally:
            if sending is not None:  # a transport that traces nothing: sent, as it is over
                sending.done()
        return read_answer(response, action, batch, round_trip=time.monotonic() - sent, defer=defer)


def _with_attempts(error: BatchError, attempts: int) -> BatchError:
    return replace(error, attempts=attempts)


def _late(batch: Sequence[str], budget: float) -> BatchError:
    """A batch the cycle's deadline cut off (in flight, or never sent): asked again next cycle."""
    return BatchError(
        kind=ErrorKind.TRANSIENT,
        message=f"{RECEIPT_ACTION}: no answer within the refresh's {budget:g}s deadline; abandoned",
        session_nos=tuple(batch),
        attempts=0,
    )


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
