"""The store's kept readings: once per distinct text, refusals never kept, never past the bound."""

from __future__ import annotations

from usms_tui.store.read_once import ReadOnce


def test_each_text_is_read_once_refusals_each_time_and_the_memory_is_bounded():
    calls: list[str] = []

    def read(text: str) -> int | None:
        calls.append(text)
        return None if text == "bad" else len(text)

    once = ReadOnce(read, most=3)
    assert [once("aa"), once("aa"), once("bad"), once("bad")] == [2, 2, None, None]
    assert calls == ["aa", "bad", "bad"]  # a refusal is not remembered as an answer
    for text in ("b", "cc", "ddd", "eeee"):  # past the bound: still right, read every time
        assert once(text) == len(text) == once(text)
    assert calls[3:] == ["b", "cc", "ddd", "ddd", "eeee", "eeee"]
