"""Sends before reads: a batch's answer is read only once the requests that took the freed
concurrency slots are on the wire.

Letting go of a slot only wakes the next batch; it runs when the event loop next gets to it,
and httpx's way to the socket has several turns of the loop in it. An answer read at once
(parsed, merged, summarised, encoded for the report: milliseconds for 100 sessions) held the
next request back by as long, on every slot, wave after wave: 10,000 sessions took half as
long again as their round trips. So each batch, from taking a slot until its request's body
is sent (httpcore's ``trace`` extension says when), is counted as sending; a reader waits
until none is. A transport that tells nothing (a test's ``MockTransport``) counts the
request sent when its exchange ends, so nothing waits for ever.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

#: The ``trace`` events after which the request is on the wire (HTTP/1.1 and HTTP/2).
_SENT = ("http11.send_request_body.complete", "http2.send_request_body.complete")

Trace = Callable[[str, dict[str, Any]], Awaitable[None]]


class Sending:
    """One batch's request between taking its slot and its body sent. :meth:`done` is idempotent."""

    __slots__ = ("_open", "_order")

    def __init__(self, order: SendsFirst) -> None:
        self._order = order
        self._open = True

    def done(self) -> None:
        if self._open:
            self._open = False
            self._order._sent()

    def trace(self) -> Trace:
        """httpcore's ``trace`` extension for this request: :meth:`done` once its body is sent."""

        async def trace(event: str, _info: dict[str, Any]) -> None:
            if event in _SENT:
                self.done()

        return trace


class SendsFirst:
    """The batches of one fetch that are on their way to the wire, and a wait for none to be."""

    def __init__(self) -> None:
        self._sending = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    def sending(self) -> Sending:
        """Count a batch that has just taken a slot as sending, until its :meth:`Sending.done`."""
        self._sending += 1
        self._quiet.clear()
        return Sending(self)

    def _sent(self) -> None:
        self._sending -= 1
        if not self._sending:
            self._quiet.set()

    async def quiet(self) -> None:
        """Return once no request is on its way to the wire. One turn of the loop first: a
        slot just let go wakes its next batch in that turn, and that batch is then counted."""
        await asyncio.sleep(0)
        while self._sending:
            await self._quiet.wait()

    async def once_quiet(self, then: Callable[[], object]) -> None:
        """``then()`` once no request is on its way to the wire (see :meth:`quiet`)."""
        await self.quiet()
        then()
