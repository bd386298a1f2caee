"""Long-lived objects made in bulk, kept out of the garbage collector's walks.

A start at 100,000 sessions, or a view's rows at 100,000 phones, builds a few million objects
that live as long as the process. While they are made, each collection the allocations set
off walks all made so far (the cost grew faster than linear: a third of a start's time).
Frozen once made, later collections leave them out. Reference counting still frees them;
only a reference cycle among them waits for the process's end.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """No collection while the block builds objects that will live on; they are frozen
    after it (before the collector runs again: enabled first, its pent-up count would start
    a full collection at once)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def give_back_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``), after a
    burst of short-lived objects: a start's or a view's work over 100,000 sessions leaves
    10-15 MB freed but still counted in the process's resident memory. About a millisecond;
    nothing where the C library has no such call."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl, macOS): its allocator does its own
        pass
