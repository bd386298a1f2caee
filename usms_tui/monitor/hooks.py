"""Event hooks: run the user's command once per event, with the event as JSON on stdin.

The command runs through ``/bin/sh`` (so ``--on-event 'jq . >> events.log'`` works) off the
event loop (an asyncio subprocess: the UI keeps drawing, the monitor keeps polling), in its
own process group so a timeout kills what it started too. At most ``concurrency`` run at
once and at most ``max_queued`` wait; beyond that an event's hook is skipped and the skip is
reported, so a burst of ten thousand failures cannot fork ten thousand shells.

A hook that fails, hangs or cannot start is reported through ``on_result`` (the monitor logs
it, the UI shows it) and never stops monitoring. Its environment is ours minus every secret:
``UCLOUD_PRIVATE_KEY``, any ``UCLOUD_*`` variable naming a token, secret or password, and any
variable holding one of the secret values we know (a key pasted under another name).

stdout goes to ``/dev/null`` (in the UI it would draw over the screen) and stderr to an
unnamed temporary file, whose tail is kept for the report. A pipe would do for stderr only
until the hook leaves a background child holding it: asyncio then waits for that child too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from usms_tui.domain.text import safe
from usms_tui.monitor.alert_events import safe_json

DEFAULT_TIMEOUT = 10.0
DEFAULT_CONCURRENCY = 4
DEFAULT_MAX_QUEUED = 1000
#: Bytes of a hook's stderr kept for the report (the end, where the error usually is).
STDERR_TAIL = 2000
#: Set in the hook's environment to the event's kind, for hooks that need no JSON parser.
EVENT_ENV = "USMS_TUI_EVENT"

_SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PRIVATE")


def hook_environment(base: Mapping[str, str], secrets: Iterable[str | None] = ()) -> dict[str, str]:
    """``base`` without the variables a hook must never see (see the module docstring)."""
    known = [s for s in secrets if s]
    env = {}
    for name, value in base.items():
        upper = name.upper()
        if upper.startswith("UCLOUD_") and any(word in upper for word in _SECRET_WORDS):
            continue
        if any(value == secret or (len(secret) >= 8 and secret in value) for secret in known):
            continue
        env[name] = value
    return env


@dataclass(frozen=True)
class HookResult:
    """How one hook run went (or why it did not run)."""

    event: str  #: the event's kind
    ok: bool
    exit_code: int | None = None  #: None: killed, or never started
    timed_out: bool = False
    duration: float = 0.0
    stderr: str = ""  #: the end of its stderr, made safe for one line
    error: str = ""  #: why it did not run or was not waited for
    skipped: int = 0  #: events whose hook was not run because the queue was full

    def describe(self) -> str:
        """One line for a log, a status line or stderr."""
        if self.skipped:
            return f"hook skipped for {self.skipped} event(s): {self.error}"
        if self.ok:
            return f"hook for {self.event} ran in {self.duration:.1f} s"
        if self.timed_out:
            head = f"hook for {self.event} timed out after {self.duration:.1f} s; killed it and its children"
        elif self.exit_code is None:
            head = f"hook for {self.event} could not run: {self.error}"
        elif self.exit_code < 0:
            head = f"hook for {self.event} was killed by signal {-self.exit_code}"
        else:
            head = f"hook for {self.event} failed with exit code {self.exit_code}"
        return f"{head}: {self.stderr}" if self.stderr else head


def _tail(handle: IO[bytes]) -> str:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - STDERR_TAIL))
    text = handle.read().decode("utf-8", "replace").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return safe(" | ".join(lines[-3:])) if lines else ""


class HookRunner:
    """Runs ``command`` once per submitted event. Start it inside the running event loop."""

    def __init__(
        self,
        command: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_queued: int = DEFAULT_MAX_QUEUED,
        env: Mapping[str, str] | None = None,
        secrets: Iterable[str | None] = (),
        on_result: Callable[[HookResult], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.command = command
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.on_result = on_result
        self.clock = clock
        self._env = hook_environment(os.environ if env is None else env, secrets)
        self._queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(max(1, max_queued))
        self._workers: list[asyncio.Task[None]] = []
        self._skipped = 0
        self.results: list[HookResult] = []  #: the last few, newest last (for a status line)
        self.ran = 0  #: hooks finished (successfully or not)
        self.failed = 0  #: of those, failed, hung or unable to start
        self._unseen: list[HookResult] = []  # failures not yet taken by take_failures()

    def submit(self, event: Mapping[str, Any]) -> bool:
        """Queue one event (a dict with ``"event"``). False when the queue was full: then the
        skip is reported once per burst, and counted until the queue has room again."""
        self._start()
        kind = str(event.get("event", "event"))
        payload = (safe_json(dict(event)) + "\n").encode("utf-8")
        try:
            self._queue.put_nowait((kind, payload))
        except asyncio.QueueFull:
            if not self._skipped:
                self._report(HookResult(kind, ok=False, skipped=1, error=f"{self._queue.maxsize} already waiting"))
            self._skipped += 1
            return False
        return True

    async def drain(self) -> None:
        """Wait until every queued hook has finished (each is bounded by the timeout)."""
        await self._queue.join()

    async def aclose(self, *, wait: bool = True) -> None:
        """Stop the workers. With ``wait``, the hooks queued get one more timeout's time to run
        first; any still waiting then are skipped (and reported), any running are killed."""
        if wait and self._workers:
            try:
                await asyncio.wait_for(self.drain(), self.timeout + 1.0)
            except TimeoutError:
                left = self._queue.qsize()
                if left:
                    self._report(HookResult("event", ok=False, skipped=left, error="usms-tui was stopping"))
        for task in self._workers:
            task.cancel()
        for task in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers.clear()

    def _start(self) -> None:
        if not self._workers:
            self._workers = [asyncio.create_task(self._work()) for _ in range(self.concurrency)]

    def take_failures(self) -> list[HookResult]:
        """The failed, hung and skipped runs since the last call (for a cycle's notices)."""
        taken, self._unseen = self._unseen, []
        return taken

    def _report(self, result: HookResult) -> None:
        self.results = [*self.results[-9:], result]
        if not result.ok:
            self._unseen = [*self._unseen[-99:], result]
        if self.on_result is not None:
            self.on_result(result)

    async def _work(self) -> None:
        while True:
            kind, payload = await self._queue.get()
            try:
                result = await self.run_one(kind, payload)
                self.ran += 1
                self.failed += not result.ok
                self._report(result)
                if self._skipped and self._queue.empty():
                    skipped, self._skipped = self._skipped, 0
                    self._report(HookResult(kind, ok=False, skipped=skipped, error="the queue was full"))
            finally:
                self._queue.task_done()

    async def run_one(self, kind: str, payload: bytes) -> HookResult:
        """Run the command once with ``payload`` on stdin; never raises (but for cancellation)."""
        started = self.clock()
        with tempfile.TemporaryFile() as errors:
            try:
                process = await asyncio.create_subprocess_shell(
                    self.command,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=errors,
                    env={**self._env, EVENT_ENV: kind},
                    start_new_session=True,  # its own process group: a timeout kills it all
                )
            except OSError as error:
                return HookResult(kind, ok=False, error=safe(error.strerror or error))
            timed_out = False
            try:
                async with asyncio.timeout(self.timeout):
                    await self._feed(process, payload)
                    code = await process.wait()
            except TimeoutError:
                timed_out = True
                code = await self._kill(process)
            except asyncio.CancelledError:
                await self._kill(process)
                raise
            duration = self.clock() - started
            return HookResult(
                kind, ok=not timed_out and code == 0, exit_code=None if timed_out else code,
                timed_out=timed_out, duration=duration, stderr=_tail(errors),
            )  # fmt: skip

    @staticmethod
    async def _feed(process: asyncio.subprocess.Process, payload: bytes) -> None:
        assert process.stdin is not None
        # A hook that does not read its stdin (or exits first) is not an error.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.write(payload)
            await process.stdin.drain()
        process.stdin.close()

    @staticmethod
    async def _kill(process: asyncio.subprocess.Process) -> int:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        return await process.wait()
