"""JSON from files, stdin and the API read so that hostile input is a clear ``ValueError``,
and JSON written so that no terminal acts on what it holds. Pure: no I/O.

``json.loads`` alone lets hostile input through in ways that end in a traceback or in silent
loss: an array nested thousands deep raises ``RecursionError``; an integer of more than
4,300 digits raises a ``ValueError`` that is not a ``JSONDecodeError``, and one just under
that limit overflows every ``float()`` later; ``NaN`` and ``Infinity`` are accepted though
they are not JSON; and of a key given twice the last one wins, so rewriting the document
drops the first without a word.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from usms_tui.domain.text import safe, safe_json_text

#: No number this tool reads (times, counts, RetCodes) needs more digits; a longer one is
#: refused before ``int()`` spends time on it or ``float()`` overflows on it.
MAX_NUMBER_DIGITS = 40
#: Deepest nesting accepted where a value is kept as it is (unknown keys of the watchlist,
#: carried through a rewrite): far beyond any real use, far below the recursion limit.
MAX_DEPTH = 64


class JsonProblem(ValueError):
    """Well-formed JSON this tool refuses: a duplicated key, nesting too deep, a number too long."""


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:
        raise JsonProblem(f"a number with {digits} digits (at most {MAX_NUMBER_DIGITS} are accepted)")
    return int(text)


def _constant(name: str) -> Any:
    raise JsonProblem(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonProblem(f"the key {safe(json.dumps(key, ensure_ascii=False))} appears twice in one object")
            seen.add(key)
    return result


def loads(text: str | bytes, *, unique_keys: bool = True) -> Any:
    """``json.loads`` that raises only ``ValueError``: ``json.JSONDecodeError`` for text that
    is not JSON, :class:`JsonProblem` for JSON refused here (with ``unique_keys``, a key twice
    in one object; nesting too deep to parse; a number with too many digits; NaN/Infinity)."""
    hook: Callable[[list[tuple[str, Any]]], Any] | None = _unique_keys if unique_keys else None
    try:
        return json.loads(text, parse_int=_int, parse_constant=_constant, object_pairs_hook=hook)
    except RecursionError:
        raise JsonProblem("nested too deeply") from None


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``value`` nests lists/objects more than ``limit`` levels (iterative: a
    recursive walk would itself overflow on the values it is meant to catch)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, ...)`` with C1, DEL, bidi, separator and
    surrogate characters escaped as ``\\uXXXX``: readable (Chinese stays Chinese), exact
    (it decodes to the same data), and safe to ``cat``."""
    options.setdefault("ensure_ascii", False)
    return safe_json_text(json.dumps(value, **options))
