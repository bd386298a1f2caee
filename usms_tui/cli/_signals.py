"""Hang-up (SIGHUP) and termination (SIGTERM) as clean exits of every command.

Python's default for both is to die on the spot: no ``finally``, no ``with``. A closed
terminal window then left the demo's temporary folder behind, and a ``check`` killed by cron
left its cache open mid-write. Here both become :class:`Terminated`, raised in the main
thread so every cleanup runs, and the command exits ``128 + signal`` (129 for SIGHUP, 143 for
SIGTERM) as a shell reports a process killed by it: a script must not read a hang-up as
success. Inside an event loop the signal is taken by the loop instead (:func:`on_signals`),
so it never lands in the middle of a callback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Awaitable, Callable, Iterator
from types import FrameType
from typing import TypeVar

T = TypeVar("T")

SIGNALS: tuple[signal.Signals, ...] = (signal.SIGHUP, signal.SIGTERM)
#: Seconds a hung-up UI gets to quit by itself before :func:`hard_exit_later` ends it.
HANGUP_GRACE = 2.0


class Terminated(BaseException):
    """SIGHUP or SIGTERM arrived. A BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` on the way mistakes it for an error and carries on."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise(signum: int, frame: FrameType | None) -> None:
    if signum == signal.SIGHUP:
        after_hangup()
    raise Terminated(signum)


def _install() -> None:
    for sig in SIGNALS:
        signal.signal(sig, _raise)


@contextlib.contextmanager
def exits_cleanly() -> Iterator[None]:
    """For the length of a command: SIGHUP and SIGTERM raise :class:`Terminated`; the
    handlers before are put back after (tests run commands inside one process)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are only ever delivered to the main thread
        return
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    _install()
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def after_hangup() -> None:
    """Point whichever of stdout and stderr is a terminal at /dev/null: after a hang-up the
    terminal is gone, and every later write into it (a progress line, the interpreter's last
    flush) would fail with EIO instead of letting the command wind down."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            if os.isatty(fd):
                os.dup2(devnull, fd)
    os.close(devnull)


#: What must happen even when a hung-up UI cannot finish by itself (see :func:`hard_exit_later`).
_last_resorts: list[Callable[[], object]] = []


@contextlib.contextmanager
def last_resort(cleanup: Callable[[], object]) -> Iterator[None]:
    """Run ``cleanup`` should the process have to be ended by :func:`hard_exit_later`."""
    _last_resorts.append(cleanup)
    try:
        yield
    finally:
        _last_resorts.remove(cleanup)


def hard_exit_later(signum: int, grace: float = HANGUP_GRACE) -> None:
    """End the process ``grace`` seconds from now unless it ended by itself: run the
    :func:`last_resort` cleanups, then exit ``128 + signum`` at once.

    For the UI after a hang-up. Textual's writer thread dies on the first write into the
    gone terminal (EIO); the app's next writes then wait forever for room in its queue, and
    the app never finishes quitting. There is no screen left to restore, and the stores are
    safe to leave (atomic writes, a lock the kernel releases, SQLite's journal), so what is
    left to do is the cleanup the user can see: the demo's temporary folder."""

    def end() -> None:
        for cleanup in _last_resorts:
            with contextlib.suppress(Exception):
                cleanup()
        os._exit(128 + signum)

    timer = threading.Timer(grace, end)
    timer.daemon = True
    timer.start()


@contextlib.contextmanager
def on_signals(action: Callable[[int], object]) -> Iterator[None]:
    """Inside a running event loop: SIGHUP and SIGTERM call ``action(signum)`` on the loop.

    The loop's own handling puts the signal between callbacks, where ``action`` can ask
    the work to stop (cancel a task, exit the app) and let it clean up."""
    import asyncio

    loop = asyncio.get_running_loop()
    previous = {}
    for sig in SIGNALS:
        handler = signal.getsignal(sig)
        try:
            loop.add_signal_handler(sig, _then_hangup_safe, action, int(sig))
        except (ValueError, RuntimeError, NotImplementedError):  # not the main thread
            continue
        previous[sig] = handler
    try:
        yield
    finally:
        for sig, handler in previous.items():
            loop.remove_signal_handler(sig)  # which leaves the default (die on the spot)...
            signal.signal(sig, handler)  # ...so put back what was there


def _then_hangup_safe(action: Callable[[int], object], signum: int) -> None:
    if signum == signal.SIGHUP:
        after_hangup()
    action(signum)


async def cancelled_by_signals(work: Awaitable[T]) -> T:
    """``await work``; SIGHUP or SIGTERM cancel it (its ``finally`` blocks and ``async with``
    exits run) and then raise :class:`Terminated`."""
    import asyncio

    task = asyncio.ensure_future(work)
    received: list[int] = []

    def stop(signum: int) -> None:
        received.append(signum)
        task.cancel()

    with on_signals(stop):
        try:
            return await task
        except asyncio.CancelledError:
            if received:
                raise Terminated(received[0]) from None
            raise
