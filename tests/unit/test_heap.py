"""Long-lived objects are made with the cyclic collector off and frozen after (a start, a
view's rows, ``check``'s one refresh), and the collector is left as it was found."""

from __future__ import annotations

import argparse
import gc

import pytest

from usms_tui.cli import check
from usms_tui.monitor.heap import long_lived


def test_no_collection_in_the_block_and_the_collector_restored():
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with long_lived():
        assert not gc.isenabled()
        kept = [[n] for n in range(1000)]  # survivors of the block: frozen, not walked again
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(kept)
    gc.unfreeze()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with long_lived():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_restored_when_the_block_raises():
    with pytest.raises(RuntimeError), long_lived():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.unfreeze()


def test_check_refreshes_without_collection(monkeypatch):
    seen = []
    monkeypatch.setattr(check, "run_refreshing", lambda args, work: seen.append(gc.isenabled()) or 0)
    assert check.run(argparse.Namespace()) == 0
    assert seen == [False]
    assert gc.isenabled()
    gc.unfreeze()


def test_only_young_collections_run_in_the_block_and_what_it_made_is_frozen_after():
    from usms_tui.monitor.heap import young_collections_only

    before = gc.get_threshold()
    generations: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        with young_collections_only():
            kept = [[index] for index in range(300_000)]  # enough to set off every generation
            assert gc.get_threshold()[:2] == before[:2]
        made_frozen = gc.get_freeze_count()
    finally:
        gc.callbacks.remove(seen)
        gc.unfreeze()
    assert generations and 2 not in generations and set(generations) <= {0, 1}
    assert gc.get_threshold() == before
    assert made_frozen >= len(kept)


def test_overlapping_young_only_blocks_bring_the_full_threshold_back_once_the_last_ends():
    from usms_tui.monitor.heap import young_collections_only

    before = gc.get_threshold()
    first, second = young_collections_only(), young_collections_only()
    try:
        first.__enter__()
        second.__enter__()  # a new refresh began before the cancelled one ended
        first.__exit__(None, None, None)
        assert gc.get_threshold()[2] != before[2]  # the second still runs: young only
        second.__exit__(None, None, None)
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
