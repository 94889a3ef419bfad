"""Benchmark (not a test): the citizen list's queries one by one on a big database. Prints figures.

.venv/bin/python tests/bench/bench_citizen_list.py DB_FILE

``minplan bench`` measures every speed target in one run (the list's first screen and search as
you type included, in the real window); this script breaks the list down further — a page of
rows, single search terms, sorting by benefit, one caseload — when one of those figures is off.
The bench keeps its generated databases in ``~/.cache/MinPlan/bench/`` (``demo-*.db``).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date

from app.casework.citizens.citizen_list import fetch_citizen_rows, find_citizen_ids
from app.store.engine import open_sqlite


def timed(label: str, runs: int, action) -> None:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(f"{label:<45} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms")


def main(path: str) -> None:
    db = open_sqlite(path, create=False)
    today = date(2026, 11, 23)
    ids = find_citizen_ids(db, today=today)
    print(f"{len(ids)} citizens in {path}")
    timed("all ids, sorted by name", 5, lambda: find_citizen_ids(db, today=today))
    timed("first screen (40 rows)", 20, lambda: fetch_citizen_rows(db, ids[:40], today=today))
    timed("a page of 200 rows", 20, lambda: fetch_citizen_rows(db, ids[5000:5200], today=today))
    for term in ("h", "hans", "hansen", "ole hansen", "0101", "010190", "24.12.1985"):
        timed(f"search {term!r}", 10, lambda term=term: find_citizen_ids(db, term, today=today))
    timed("sorted by benefit", 3, lambda: find_citizen_ids(db, sort="benefit", today=today))
    timed(
        "my caseload (one caseworker)",
        10,
        lambda: find_citizen_ids(db, caseworker_id=4, today=today),
    )


if __name__ == "__main__":
    main(sys.argv[1])
