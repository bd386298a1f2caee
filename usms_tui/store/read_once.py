"""A text's reading kept for the next time the same text comes: a day's sessions share a few
thousand distinct counts and failure words among 100,000 rows. Bounded: a hostile store
cannot grow it; past the bound a text is read each time, which costs time, never truth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ReadOnce(Generic[T]):
    """``read(text)`` (None: not a text the store writes, never kept), once per distinct text."""

    __slots__ = ("_found", "_most", "_read")

    def __init__(self, read: Callable[[str], T | None], most: int = 1 << 12) -> None:
        self._read = read
        self._most = most
        self._found: dict[str, T] = {}

    def __call__(self, text: str) -> T | None:
        found = self._found.get(text)
        if found is None:
            found = self._read(text)
            if found is not None and len(self._found) < self._most:
                self._found[text] = found
        return found
