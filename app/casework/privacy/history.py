"""The audit trail of one citizen, for the "Historik" tab: who looked, who did what, when, old → new.

Besides the events about the citizen, it finds the events that concern the citizen among others
(``audit_subject``): the searches whose hits showed them, the calendar files their conversations
went into.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, or_, select

from app.casework.core.actor import Actor
from app.casework.core.reading import read_citizen
from app.domain.dates import utc_to_local
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, AuditSubject, Caseworker, Company
from app.store.row_values import id_column, saved_id
from app.wording.audit_labels import (
    FieldChange,
    Names,
    changes_of,
    describe,
    details_of,
    referenced_ids,
)

__all__ = ["FieldChange", "HistoryEntry", "citizen_history", "events_about", "names_for"]


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    when: datetime  # local wall-clock time
    who: str
    action: str
    entity: str | None
    changes: tuple[FieldChange, ...]
    purpose: str | None
    criterion: str | None
    os_user: str | None = None
    #: True when the event concerns the citizen among others (a search hit, a calendar export).
    found: bool = False
    details: dict[str, Any] | None = None
    seq: int | None = None
    #: One readable line: old → new, the reason, the search (``audit_labels.describe``).
    summary: str = ""


def events_about(citizen_id: int) -> ColumnElement[bool]:
    """The condition "this event concerns the citizen", directly or as one of its subjects."""
    listed = select(col(AuditSubject.event_seq)).where(col(AuditSubject.citizen_id) == citizen_id)
    return or_(col(AuditEvent.citizen_id) == citizen_id, col(AuditEvent.seq).in_(listed))


def citizen_history(
    db: Database, actor: Actor, citizen_id: int, *, entity: str | None = None, limit: int = 2_000
) -> list[HistoryEntry]:
    """Newest first; ``entity`` limits to one area (e.g. "offer")."""
    with transaction(db) as s:
        read_citizen(s, actor, citizen_id, "history")
        query = select(AuditEvent).where(events_about(citizen_id))
        if entity:
            query = query.where(col(AuditEvent.entity) == entity)
        rows = s.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)).all()
        names = names_for(s, [details_of(r.details) for r in rows])
    return [entry_of(row, citizen_id, names) for row in rows]


def names_for(session: Session, all_details: list[dict[str, Any]]) -> Names:
    """Initials and company names for the ids the changes mention (one query each)."""
    workers: set[int] = set()
    firms: set[int] = set()
    for details in all_details:
        workers |= referenced_ids(details, "caseworker_id")
        firms |= referenced_ids(details, "company_id")
    return Names(
        {
            n: initials
            for n, initials in session.exec(
                select(id_column(Caseworker), col(Caseworker.initials)).where(
                    col(Caseworker.id).in_(workers)
                )
            ).all()
        }
        if workers
        else {},
        {
            n: name
            for n, name in session.exec(
                select(id_column(Company), col(Company.name)).where(col(Company.id).in_(firms))
            ).all()
        }
        if firms
        else {},
    )


def entry_of(row: AuditEvent, citizen_id: int | None, names: Names | None = None) -> HistoryEntry:
    details = details_of(row.details)
    found = citizen_id is not None and row.citizen_id != citizen_id
    return HistoryEntry(
        saved_id(row),
        utc_to_local(row.occurred_at),
        row.user_initials or row.os_user or "",
        row.action,
        row.entity,
        changes_of(details),
        row.purpose,
        row.criterion,
        row.os_user,
        found,
        details,
        row.seq,
        describe(
            details,
            entity=row.entity,
            purpose=row.purpose,
            criterion=row.criterion,
            found=found,
            names=names,
        ),
    )
