"""Reading many raw rows without holding up the window.

The SQLite driver keeps Python's global interpreter lock while it decrypts and builds rows, so a
long ``fetchall`` in a background thread held the GUI thread still for 150 ms and more. Fetching a
few thousand rows at a time and yielding the lock between them keeps a window that reads a whole
jobcenter in the background answering within a few milliseconds; in the foreground it costs
nothing measurable.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

#: Rows per fetch: a few milliseconds of the driver's work.
BATCH = 2_000


def fetch_all(cursor: Any, batch: int = BATCH) -> list[Any]:
    """``cursor.fetchall()`` in batches, letting other threads run between them."""
    rows: list[Any] = []
    while True:
        chunk = cursor.fetchmany(batch)
        if not chunk:
            return rows
        rows.extend(chunk)
        time.sleep(0)  # releases the lock: the GUI thread paints, answers keys, ticks its timers


def first_column(cursor: Any, batch: int = BATCH) -> list[Any]:
    """The first column of every row (ids), fetched in batches as ``fetch_all`` does: PostgreSQL's
    driver builds 300 000 rows in one ``fetchall`` without letting go of the lock (120 ms)."""
    values: list[Any] = []
    while True:
        chunk = cursor.fetchmany(batch)
        if not chunk:
            return values
        values.extend(map(itemgetter(0), chunk))
        time.sleep(0)


#: Items one bulk step (a ``map``, ``zip`` or ``sorted`` over a list, which runs in C without
#: letting go of the lock) handles at a time: about 10 ms of work.
SLICE = 16_000


def slices(items: list[Any], size: int | None = None) -> Iterator[list[Any]]:
    """``items`` a slice at a time (``SLICE`` items unless ``size``), letting other threads run
    between the slices: one bulk step over a whole jobcenter's rows keeps the window still for
    50 ms and more."""
    size = size or SLICE
    for start in range(0, len(items), size):
        if start:
            time.sleep(0)
        yield items[start : start + size]


#: Items freed at a time by ``let_go``: freeing is dearer per item than a bulk step (16 000 of
#: the worklist's deadlines took 30 ms), so its slices are smaller.
FREED = 4_000


def let_go(*lists: list[Any]) -> None:
    """Empty large lists a slice at a time: freeing 300 000 rows in one go is a single step that
    keeps every other thread still while it runs."""
    for items in lists:
        while items:
            del items[-FREED:]
            time.sleep(0)


#: New objects above which a kept result is moved out of the collector's sight (see below).
FREEZE_ABOVE = 50_000


@contextmanager
def cycle_collection_paused(*, result_kept: bool = False) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many small tuples.

    Hundreds of thousands of new tuples make the collector scan the whole heap again and again
    (a third of the time of a jobcenter's deadlines); tuples of dates and strings form no cycles,
    and ordinary reference counting still frees them.

    With ``result_kept`` (a large result of such tuples that the caller keeps: a jobcenter's
    deadlines) the objects made are moved out of the collector's sight when done
    (``gc.freeze``). Otherwise the first collection after the pause examines every one of them
    at once, only to find they are no garbage: 0.3 s and more for 300 000 deadlines, during which
    every thread, the window's too, stands still. Frozen objects are still freed by reference
    counting; the next such build puts them back (``gc.unfreeze``), so any cyclic garbage frozen
    with them is collected then rather than kept.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    if result_kept:
        gc.unfreeze()
    try:
        yield
    finally:
        if result_kept and gc.get_count()[0] > FREEZE_ABOVE:
            gc.freeze()
        if was_enabled:
            gc.enable()
