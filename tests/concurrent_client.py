"""One client of the many-users test (tests/test_many_users.py), run in its own process.

It acts as one caseworker: a fixed number of operations, each either booking a conversation or
editing the plan of one of a few shared citizens (reading the plan's version first, as the form
does, then saving a moment later). It records what it was told: acknowledged writes and the
conflicts it was shown. Any other failure is recorded as an error for the test to report.
"""

from __future__ import annotations

import random
import time
import traceback
from datetime import datetime, timedelta
from typing import Any


def run_client(
    url: str,
    client: int,
    caseworker_id: int,
    citizens: list[int],
    operations: int,
    barrier: Any,
    results: Any,
) -> None:
    log: list[tuple] = []
    try:
        from sqlmodel import select

        from app.casework.conversations.conversations import book_conversation
        from app.casework.core.actor import Actor
        from app.casework.plan.plan import save_plan
        from app.domain.errors import ConflictError
        from app.store.engine import open_url, transaction
        from app.store.models import Plan

        db = open_url(url)
        me = Actor(caseworker_id, f"C{client:02d}", f"Klient {client}", "caseworker", f"c{client}")
        rng = random.Random(client)
        barrier.wait(timeout=60)
        for op in range(operations):
            citizen = rng.choice(citizens)
            tag = f"c{client:02d}-{op:02d}"
            if rng.random() < 0.4:
                when = datetime(2027, 1, 4, 8, 0) + timedelta(days=client, minutes=15 * op)
                saved = book_conversation(db, me, citizen, when, note=tag)
                log.append(("booked", citizen, saved.id, tag))
                continue
            with transaction(db) as session:
                plan = session.exec(select(Plan).where(Plan.citizen_id == citizen)).first()
                loaded = plan.version if plan else 0
            time.sleep(rng.random() * 0.01)  # the caseworker types
            try:
                saved = save_plan(db, me, citizen, loaded, {"own_words": tag})
            except ConflictError:
                log.append(("conflict", citizen, loaded, tag))
            else:
                log.append(("saved", citizen, loaded, saved.version, tag))
        db.dispose()
    except Exception:  # reported to the test, which fails with the traceback
        log.append(("error", traceback.format_exc()))
    results.put((client, log))
