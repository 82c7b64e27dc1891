"""The collector pause around building an engine leaves the collector as it found it, and later garbage collectable."""

from __future__ import annotations

import gc

import pytest

from weerbaar_rules.core import collector


def test_the_collector_is_on_again_after_the_block_even_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.long_lived():
        assert not gc.isenabled()
        raise RuntimeError("fout bij het bouwen")
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with collector.long_lived():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_of_the_block_are_frozen_and_later_garbage_is_still_collected() -> None:
    before = gc.get_freeze_count()
    with collector.long_lived():
        built = [[n] for n in range(1000)]
    assert gc.get_freeze_count() >= before + len(built)
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
