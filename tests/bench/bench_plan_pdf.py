"""Benchmark (not a test): one plan PDF, and a batch of plans. Prints figures.

.venv/bin/python tests/bench/bench_plan_pdf.py DB_FILE [COUNT]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from app.casework.actor import system_actor
from app.casework.plan_printing import batch_plans, plan_pdf
from app.store.engine import open_sqlite
from app.store.models import Plan


def main(path: str, count: int) -> None:
    db = open_sqlite(path, create=False)
    with db.engine.connect() as conn:
        ids = list(conn.execute(select(Plan.citizen_id).limit(count)).scalars())
    plan_pdf(db, system_actor(), ids[0], record=False)  # fonts loaded once
    started = time.perf_counter()
    for citizen_id in ids[:20]:
        plan_pdf(db, system_actor(), citizen_id, record=False)
    print(f"one plan: {(time.perf_counter() - started) / 20 * 1000:.0f} ms (mean of 20)")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        result = batch_plans(db, system_actor(), ids, Path(folder))
        print(
            f"batch of {len(result.written)} plans (written and recorded as printed): {time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
