"""``check`` runs with the cyclic collector off (its process ends with the refresh), and
leaves it as it found it."""

from __future__ import annotations

import argparse
import gc

import pytest

from usms_tui.cli import check
from usms_tui.cli._process import no_collection


def test_no_collection_in_the_block_and_the_collector_restored():
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with no_collection():
        assert not gc.isenabled()
        kept = [[n] for n in range(1000)]  # survivors of the block: frozen, not walked again
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(kept)
    gc.unfreeze()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with no_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_restored_when_the_block_raises():
    with pytest.raises(RuntimeError), no_collection():
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
