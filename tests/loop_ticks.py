"""Counting the event loop's turns: a job that works in chunks must let it run in between."""

from __future__ import annotations

import asyncio


class LoopTicks:
    """``async with LoopTicks() as ticks``: ``ticks.count`` is how many times a task that
    only yields got to run since entering (about once a loop turn)."""

    def __init__(self) -> None:
        self.count = 0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)

    async def __aenter__(self) -> LoopTicks:
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)
        self.count = 0
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
