"""What the app's two tables share: rows keyed by an id, fed as plain values, diff-updated.

An owner hands a table ``{row key: values}`` (a tuple of hashable values, one per column)
and a ``render(column, value) -> (text, class)`` function. The table remembers the values it
shows, so an update compares tuples and renders, and redraws, only cells whose value changed;
rows come and go by key; a refresh never clears and refills. A filter (``where``) keeps only
the rows it accepts at the next update, and ``order_by`` sorts stably (equal ranks keep the order of the data).

Two tables speak this protocol (:class:`KeyedView`):
- ``KeyedTable`` (a DataTable) for views of at most thousands of rows: the sessions, one
  session's phones, the failure groups;
- ``VirtualTable`` (Textual's Line API: a ScrollView that renders only the visible lines)
  for the phones view, which can hold 100,000 rows.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")
Values = tuple[Hashable, ...]
#: A cell as an owner renders it: literal text and a status class such as ``-failed`` ("": none).
Cell = tuple[str, str]
Render = Callable[[str, Any], Cell]
RowFilter = Callable[[str, Values], bool]

#: The status classes a cell may carry; each table styles them from component classes whose
#: colours are theme variables, so a theme change recolours every status.
STYLE_CLASSES: tuple[str, ...] = (
    "-delivered",
    "-failed",
    "-unknown",
    "-pending",
    "-other",
    "-overdue",
    "-warning",
    "-dim",
)


#: Items handled between two yields to the event loop in chunked fills (see :func:`in_chunks`).
CHUNK = 500
#: Longest stretch of work between two yields (seconds), whatever the items cost: 500 session
#: summaries of 10 phones take about 55 ms, longer than a key press should wait. 10 ms, not
#: 20: while a thread works out a view's rows or stores receipts, the loop shares the
#: interpreter with it and a stretch takes about twice its own time on the clock.
BUDGET = 0.01


class Pacer:
    """Says when a chunked loop should yield: after :data:`CHUNK` steps or :data:`BUDGET`."""

    __slots__ = ("_count", "_deadline")

    def __init__(self) -> None:
        self._count = 0
        self._deadline = time.perf_counter() + BUDGET

    def due(self, steps: int = 1) -> bool:
        """``steps`` more done; True (and the count restarted) when it is time to yield."""
        self._count += steps
        if self._count < CHUNK and time.perf_counter() < self._deadline:
            return False
        self._count = 0
        return True

    def restart(self) -> None:
        self._count = 0
        self._deadline = time.perf_counter() + BUDGET


async def in_chunks(items: Iterable[T]) -> AsyncIterator[T]:
    """The items, yielding to the event loop after every :data:`CHUNK` of them or every
    :data:`BUDGET` seconds of work, whichever comes first."""
    pacer = Pacer()
    for item in items:
        yield item
        if pacer.due():
            await asyncio.sleep(0)
            pacer.restart()


class Column(NamedTuple):
    """A column: its key, header, width in cells (None: as wide as its widest cell, DataTable
    only), the alignment of its cells and of its header (None: as its cells)."""

    key: str
    label: str
    width: int | None = None
    justify: Literal["left", "right"] = "left"
    label_justify: Literal["left", "right"] | None = None

    @property
    def header_justify(self) -> Literal["left", "right"]:
        return self.label_justify or self.justify


class Changes(NamedTuple):
    """What one update did: rows added, rows removed and rows whose values changed."""

    added: int
    removed: int
    changed: int


@dataclass
class RowDiff:
    """How the wanted rows differ from the shown ones (keys, in the wanted order)."""

    gone: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


class RowModel:
    """The values a table was given, its filter, and the rows it shows: the diff's memory."""

    def __init__(self) -> None:
        self.given: Mapping[str, Values] = {}
        self.where: RowFilter | None = None
        self.shown: dict[str, Values] = {}

    def wanted(self) -> Mapping[str, Values]:
        """The given rows the filter accepts, in the given order."""
        where = self.where
        if where is None:
            return self.given
        return {key: values for key, values in self.given.items() if where(key, values)}

    def diff(self, wanted: Mapping[str, Values]) -> RowDiff:
        """One pass over the wanted rows; an unchanged row costs one tuple comparison."""
        shown = self.shown
        result = RowDiff(gone=[key for key in shown if key not in wanted])
        _sort_rows(shown, wanted.items(), result)
        return result

    async def wanted_in_chunks(self) -> Mapping[str, Values]:
        """:meth:`wanted`, yielding to the event loop between chunks of rows."""
        where = self.where
        if where is None:
            return self.given
        return {key: values async for key, values in in_chunks(self.given.items()) if where(key, values)}

    async def diff_in_chunks(self, wanted: Mapping[str, Values]) -> RowDiff:
        """:meth:`diff`, yielding to the event loop between chunks of rows: 100,000 rows are
        about 100 ms of comparisons, twice the longest the loop may wait."""
        shown = self.shown
        result = RowDiff(gone=[key async for key in in_chunks(shown) if key not in wanted])
        rows = iter(wanted.items())
        while part := list(itertools.islice(rows, CHUNK)):
            _sort_rows(shown, part, result)
            await asyncio.sleep(0)
        return result


def _sort_rows(shown: Mapping[str, Values], rows: Iterable[tuple[str, Values]], result: RowDiff) -> None:
    """Each wanted row into ``result``: new, changed, or (equal values) left alone."""
    for key, values in rows:
        old = shown.get(key)
        if old is None:
            result.new.append(key)
        elif old != values:
            result.changed.append(key)


def changed_columns(old: Values, new: Values) -> list[int]:
    """The positions at which two rows' values differ: the cells a repaint covers."""
    return [i for i, (before, after) in enumerate(zip(old, new, strict=True)) if before != after]


class KeyedRows:
    """What both tables do the same with their :class:`RowModel` (mixed in before the widget)."""

    _model: RowModel

    @property
    def where(self) -> RowFilter | None:
        """The filter the next update applies: rows ``where(key, values)`` accepts (None: all)."""
        return self._model.where

    @where.setter
    def where(self, where: RowFilter | None) -> None:
        self._model.where = where

    def values(self, key: str) -> Values:
        """The values a shown row was built from."""
        return self._model.shown[key]

    def has_key(self, key: str) -> bool:
        """Is a row with this key shown?"""
        return key in self._model.shown


@runtime_checkable
class KeyedView(Protocol):
    """What screens and tests use of either table."""

    @property
    def row_count(self) -> int: ...

    @property
    def keys(self) -> list[str]:
        """Row keys in display order."""
        ...

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        ...

    def select_key(self, key: str | None) -> None:
        """Move the cursor to the row with ``key`` (no-op when it is not shown)."""
        ...

    def update(self, values: Mapping[str, Values]) -> Changes:
        """Show exactly these rows (those the filter accepts); new rows come last."""
        ...

    where: RowFilter | None
    """The filter updates apply: only rows ``where(key, values)`` accepts are shown (None: all)."""

    def order_by(self, rank: Callable[[str], Any]) -> None:
        """Sort rows by ``rank(key)``, stably, keeping the cursor on its row."""
        ...

    def cells(self, key: str) -> list[str]:
        """A row's texts as shown (literal, unsafe characters escaped), before fitting."""
        ...
