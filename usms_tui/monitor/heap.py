"""Long-lived objects made in bulk, kept out of the garbage collector's walks.

A start at 100,000 sessions, or a view's rows at 100,000 phones, builds a few million objects
that live as long as the process. While they are made, each collection the allocations set
off walks all made so far (the cost grew faster than linear: a third of a start's time).
Frozen once made, later collections leave them out. Reference counting still frees them;
only a reference cycle among them waits for the process's end.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator


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
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], object] | None:
    try:
        import ctypes

        trim: Callable[[int], object] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): its allocator does its own
        return None
    return trim


class _YoungOnly:
    """How many blocks want young collections only, and the full threshold before the first:
    blocks may overlap without nesting (a cancelled refresh ends after its successor began),
    and only the last to end may bring the threshold back."""

    blocks = 0
    full_threshold = 0


@contextlib.contextmanager
def young_collections_only() -> Iterator[None]:
    """Only the young generations are collected while the block runs (a refresh: it reads
    and merges receipts that will live on); what it leaves is frozen after it.

    Why: with most of the heap frozen, the collector's rule for a full collection (a quarter
    more long-lived objects than it holds) is met again and again by the receipts a refresh
    of 7,000 sessions reads, and each full collection walks all those read so far: 50, 85,
    120, 150 ms on the event loop at 100,000 sessions. The young collections go on, so the
    short-lived reference cycles of the event loop are still freed as they come."""
    young, middle, full = gc.get_threshold()
    if _YoungOnly.blocks == 0:
        _YoungOnly.full_threshold = full
        gc.set_threshold(young, middle, 1 << 30)
    _YoungOnly.blocks += 1
    try:
        yield
    finally:
        _YoungOnly.blocks -= 1
        # Frozen before the full threshold comes back: else its pent-up count would start a
        # full collection over all the block made, at once.
        gc.freeze()
        if _YoungOnly.blocks == 0:
            young, middle, _ = gc.get_threshold()
            gc.set_threshold(young, middle, _YoungOnly.full_threshold)
