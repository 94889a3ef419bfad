"""Reading many raw rows without holding up the window.

The SQLite driver keeps Python's global interpreter lock while it decrypts and builds rows, so a
long ``fetchall`` in a background thread held the GUI thread still for 150 ms and more. Fetching a
few thousand rows at a time and yielding the lock between them keeps a window that reads a whole
jobcenter in the background answering within a few milliseconds; in the foreground it costs
nothing measurable.
"""

from __future__ import annotations

import time
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
