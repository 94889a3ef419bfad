"""Benchmark (not a test): deadlines on a big database. Prints figures.

.venv/bin/python tests/bench/bench_deadlines.py DB_FILE [AS_OF]
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date

from sqlalchemy import func, select

from app.casework.deadline_rule_files import load_rule_sets
from app.casework.deadlines import deadlines_for
from app.store.engine import open_sqlite
from app.store.models import Citizen


def main(path: str, as_of: date) -> None:
    db = open_sqlite(path, create=False)
    rules = load_rule_sets().rule_sets
    with db.engine.connect() as conn:
        worker, size = conn.execute(
            select(Citizen.caseworker_id, func.count())
            .group_by(Citizen.caseworker_id)
            .order_by(func.count())
        ).first()
    started = time.perf_counter()
    everything = deadlines_for(db, as_of, rule_sets=rules)
    print(f"all deadlines: {len(everything)} requirements in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    caseload = deadlines_for(db, as_of, caseworker_ids={worker}, rule_sets=rules)
    print(
        f"one caseload ({size} citizens): {len(caseload)} requirements in {(time.perf_counter() - started) * 1000:.0f} ms"
    )

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.casework.actor import Actor
    from app.ui.casework.context import UiContext
    from app.ui.worklist.page import WorklistPage

    app = QApplication.instance() or QApplication([])
    ctx = UiContext(db, Actor(worker, "BENCH", "Bench", "caseworker", "bench"), lambda: as_of)
    started = time.perf_counter()
    page = WorklistPage(ctx)
    page.refresh()
    page.show()
    app.processEvents()
    print(
        f"worklist page for one caseload: {(time.perf_counter() - started) * 1000:.0f} ms, {page.table.rowCount()} rows"
    )


if __name__ == "__main__":
    main(sys.argv[1], date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else date.today())
