"""The simulator behind an ``httpx.MockTransport``: the real client code, no socket at all."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from usms_tui.simulator.engine import Simulator
    from usms_tui.simulator.protocol import Reply


def _to_response(reply: Reply, request: httpx.Request, now: float) -> httpx.Response:
    if reply.disposition == "timeout":
        raise httpx.ReadTimeout("simulated timeout: the simulator did not answer", request=request)
    if reply.disposition == "drop":
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    headers = {"Date": formatdate(now, usegmt=True), **reply.headers}  # as the socket server sends
    return httpx.Response(reply.status, headers=headers, content=reply.body, request=request)


def _is_async(func: Callable[..., Any]) -> bool:
    # asyncio's check also recognises unittest.mock.AsyncMock; inspect's covers the rest.
    import asyncio

    return inspect.iscoroutinefunction(func) or asyncio.iscoroutinefunction(func)


def mock_transport(sim: Simulator, sleep: Callable[[float], Any] | None = None) -> httpx.MockTransport:
    """A transport whose every request is answered by ``sim``.

    Without ``sleep`` the handler is synchronous (works with ``httpx.Client`` and
    ``httpx.AsyncClient``) and ``latency`` faults cost no time. With ``sleep`` (e.g. an
    injected fake of ``asyncio.sleep``) latency is passed to it; an async ``sleep`` makes the
    handler async, so use it with ``httpx.AsyncClient``.
    """

    def answer(request: httpx.Request) -> Reply:
        return sim.handle_http(
            request.method, request.url.query, request.content, dict(request.headers), request.url.path
        )

    if sleep is None:
        return httpx.MockTransport(lambda request: _to_response(answer(request), request, sim.now()))

    if _is_async(sleep):

        async def handler_async(request: httpx.Request) -> httpx.Response:
            reply = answer(request)
            if reply.delay and reply.disposition != "timeout":
                result = sleep(reply.delay)
                if inspect.isawaitable(result):
                    await result
            return _to_response(reply, request, sim.now())

        return httpx.MockTransport(handler_async)

    def handler(request: httpx.Request) -> httpx.Response:
        reply = answer(request)
        if reply.delay and reply.disposition != "timeout":
            sleep(reply.delay)
        return _to_response(reply, request, sim.now())

    return httpx.MockTransport(handler)
