"""The collector pause around the start of a `rules` process leaves the collector as it found it."""

from __future__ import annotations

import gc

import pytest

from weerbaar_rules import collector


def test_the_collector_is_on_again_after_the_pause_even_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():
        assert not gc.isenabled()
        raise RuntimeError("fout bij het bouwen")
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_garbage_made_after_keep_is_still_collected() -> None:
    collector.keep()
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
