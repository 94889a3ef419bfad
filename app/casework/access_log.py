"""Logging every look at a citizen (Datatilsynet's guidance: reads and searches too, not only changes).

Opening a citizen's page and each search (with its criterion and the hits it showed) write an
audit event; the citizen's "Historik" tab and the team lead's "Adgangslog" show them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from app.casework import access, audit
from app.casework.actor import Actor
from app.domain.errors import PermissionDeniedError
from app.store import audit_chain
from app.store.audit_chain import server_sealed
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
        reason = (purpose or "").strip()[:300] or None
        if server_sealed(session):
            _open_on_server(session, actor, citizen_id, reason)
            return
        if access.needs_reason(session, actor, citizen_id):
            earlier = access.grant_for_today(session, actor, citizen_id)
            if reason is None and earlier is not None:
                reason = earlier.reason
            elif reason is None:
                raise PermissionDeniedError(
                    "This citizen is in {owner}'s caseload; give a reason to open the case",
                    owner=access.owner_name(session, citizen_id),
                )
            elif earlier is None:
                access.grant(session, actor, citizen_id, reason)
        audit.record(
            session,
            actor,
            "view",
            entity="citizen",
            entity_id=citizen_id,
            citizen_id=citizen_id,
            purpose=reason,
        )


def _open_on_server(session, actor: Actor, citizen_id: int, reason: str | None) -> None:  # type: ignore[no-untyped-def]
    """The server decides whether the login needs a reason, writes the day's grant and the view
    event together (``minplan_open_citizen``); the question is asked here first, politely."""
    needed = access.needs_reason(session, actor, citizen_id)
    if reason is None and needed and access.grant_for_today(session, actor, citizen_id) is None:
        raise PermissionDeniedError(
            "This citizen is in {owner}'s caseload; give a reason to open the case",
            owner=access.owner_name(session, citizen_id),
        )
    values = {
        "user_initials": actor.initials,
        "os_user": actor.os_user,
        "action": "view",
        "entity": "citizen",
        "entity_id": citizen_id,
        "citizen_id": citizen_id,
        "purpose": reason,
        # for the owner's own sessions only (a desk login is the server's to judge)
        "grant": needed and actor.role == "caseworker",
        "caseworker_id": actor.caseworker_id,
    }
    try:
        audit_chain.server_append(
            session,
            values,
            [],
            "SELECT * FROM minplan_open_citizen(:entity_id, :user_initials, :os_user, :purpose, "
            ":grant, :caseworker_id)",
        )
    except DBAPIError as exc:
        if "reason is needed" in str(exc.orig):
            raise PermissionDeniedError(
                "This citizen is in {owner}'s caseload; give a reason to open the case",
                owner=access.owner_name(session, citizen_id),
            ) from None
        raise


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
