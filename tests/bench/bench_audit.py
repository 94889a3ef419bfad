"""Benchmark (not a test): the cost of the sealed access log. Prints figures.

    MINPLAN_ALLOW_PLAINTEXT_KEYRING=1 .venv/bin/python tests/bench/bench_audit.py [EVENTS] [URL]

Makes a throwaway SQLite database (or uses a PostgreSQL URL, whose schema it REPLACES), then times
one audited action per commit, ``verify`` over all events, and a purge of half of them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("MINPLAN_HOME", tempfile.mkdtemp(prefix="minplan-bench-"))

from app.casework.core import audit  # noqa: E402
from app.casework.core.actor import Actor  # noqa: E402
from app.casework.privacy.access_log import record_view  # noqa: E402
from app.casework.privacy.audit_retention import purge_expired  # noqa: E402
from app.store import audit_chain  # noqa: E402
from app.store.audit_verify import verify  # noqa: E402
from app.store.engine import open_sqlite, open_url, transaction  # noqa: E402
from app.store.migrations import upgrade  # noqa: E402

KL = Actor(None, "KL", None, "caseworker", "kl")


def main(events: int, url: str | None) -> None:
    if url:
        db = open_url(url)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    else:
        db = open_sqlite(Path(os.environ["MINPLAN_HOME"]) / "bench.db")
    upgrade(db, backup=False)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    step = timedelta(days=300) / events
    real_now = audit_chain._now
    started = time.perf_counter()
    for chunk in range(0, events, 1000):
        with transaction(db) as session:
            for i in range(chunk, min(events, chunk + 1000)):
                audit_chain._now = lambda _s, i=i: start + step * i  # type: ignore[assignment]
                audit.record(session, KL, "search", criterion="x", subjects=[i % 500, 7])
    audit_chain._now = real_now  # type: ignore[assignment]
    print(f"wrote {events} more events in {time.perf_counter() - started:.1f} s (1000 per commit)")

    started = time.perf_counter()
    for i in range(200):
        record_view(db, KL, i)
    per = (time.perf_counter() - started) / 200 * 1000
    print(f"{db.backend}: one audited look, own transaction and commit: {per:.2f} ms")

    started = time.perf_counter()
    result = verify(db)
    took = time.perf_counter() - started
    print(
        f"verify: {result.checked} events, ok={result.ok}, {took:.2f} s ({result.checked / took:,.0f}/s)"
    )

    started = time.perf_counter()
    purged = purge_expired(db, KL, now=datetime(2027, 1, 10, tzinfo=UTC), months=6)
    print(
        f"purge: {purged.events} events in {time.perf_counter() - started:.2f} s (verify included)"
    )
    assert verify(db).ok
    db.dispose()


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 20_000,
        sys.argv[2] if len(sys.argv) > 2 else None,
    )
