"""A jobcenter's deadlines are hundreds of thousands of tuples: built with the cycle collector
paused, and kept out of its sight afterwards, so that no collection stands every thread (the
window's too) still for a third of a second to examine them."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from datetime import date

import pytest

from app.store.rows import FREEZE_ABOVE, cycle_collection_paused


@pytest.fixture(autouse=True)
def _nothing_left_frozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def _many_tuples() -> list[tuple[int, str, date]]:
    return [(n, "met", date(2026, 1, 1)) for n in range(FREEZE_ABOVE + 10_000)]


def test_a_kept_result_is_not_examined_by_the_next_collection() -> None:
    gc.unfreeze()
    with cycle_collection_paused(result_kept=True):
        kept = _many_tuples()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_count()[0] < FREEZE_ABOVE, "nothing left for the next collection to examine"
    assert kept[-1][0] == FREEZE_ABOVE + 9_999


def test_an_ordinary_pause_freezes_nothing() -> None:
    gc.unfreeze()
    with cycle_collection_paused():
        made = _many_tuples()
    assert gc.get_freeze_count() == 0
    assert len(made) > FREEZE_ABOVE


def test_frozen_cyclic_garbage_is_collected_after_the_next_build() -> None:
    class Node:
        other: object = None

    gc.unfreeze()
    with cycle_collection_paused(result_kept=True):
        first, second = Node(), Node()
        first.other, second.other = second, first  # a cycle only the collector can free
        gone = weakref.ref(first)
        kept = _many_tuples()
    del first, second
    gc.collect()
    assert gone() is not None, "frozen: out of the collector's sight"
    with cycle_collection_paused(result_kept=True):
        pass
    gc.collect()
    assert gone() is None, "put back by the next build and collected"
    assert kept
