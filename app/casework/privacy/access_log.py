"""Logging every look at a citizen (Datatilsynet's guidance: reads and searches too, not only changes).

Opening a citizen's page and each search (with its criterion and the hits it showed) write an
audit event; the citizen's "Historik" tab and the team lead's "Adgangslog" show them.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.casework.core import audit, reading
from app.casework.core.actor import Actor
from app.store.engine import Database, transaction

#: Hits of a search recorded as "found" (the first screenful and more; the count is always kept).
SEARCH_HITS_KEPT = 200


def record_view(db: Database, actor: Actor, citizen_id: int, *, purpose: str | None = None) -> None:
    """Log an opening of the citizen's case.

    A caseworker opening a citizen outside their own caseload (a team lead: outside their team)
    must state why ("break the glass"); the reason is logged with the access and, for a
    caseworker, lets them work on the citizen for the rest of the day (``access.AccessGrant``).
    Opening the same citizen again that day needs no new reason: the day's reason is logged again.
    """
    with transaction(db) as session:
        reading.read_citizen(session, actor, citizen_id, purpose=purpose)


def record_search(
    db: Database,
    actor: Actor,
    criterion: str,
    *,
    hits: int,
    shown: Sequence[int] = (),
) -> None:
    """Log a search with its criterion, the number of hits and (the first of) the citizens shown."""
    text = criterion.strip()
    if not text:
        return
    with transaction(db) as session:
        audit.record(
            session,
            actor,
            "search",
            entity="citizen",
            criterion=text[:300],
            details={"hits": hits},
            subjects=list(shown)[:SEARCH_HITS_KEPT],
        )
