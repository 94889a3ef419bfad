"""Logging every look at a citizen (Datatilsynet's guidance: reads and searches too, not only changes).

Opening a citizen's page and each search (with its criterion) write an audit event; the citizen's
"Historik" tab and the team lead's log search show them.
"""

from __future__ import annotations

from app.casework import audit
from app.casework.actor import Actor
from app.store.engine import Database, transaction


def record_view(db: Database, actor: Actor, citizen_id: int, *, purpose: str | None = None) -> None:
    with transaction(db) as session:
        audit.record(
            session,
            actor,
            "view",
            entity="citizen",
            entity_id=citizen_id,
            citizen_id=citizen_id,
            purpose=purpose,
        )


def record_search(db: Database, actor: Actor, criterion: str, *, hits: int) -> None:
    text = criterion.strip()
    if not text:
        return
    with transaction(db) as session:
        audit.record(
            session, actor, "search", entity="citizen", criterion=text[:300], details={"hits": hits}
        )
