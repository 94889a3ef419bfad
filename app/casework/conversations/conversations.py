"""Use cases for conversations: book, record as held / cancelled / no-show, reschedule."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import col, select

from app.casework.core import access
from app.casework.core.actor import Actor
from app.casework.core.editing import (
    get_row,
    insert_audited,
    load_case_row_for_update,
    update_audited,
)
from app.casework.core.reading import read_citizen
from app.casework.core.result import Area, Saved
from app.domain import validation as v
from app.domain.conversations import check_booking, check_outcome
from app.domain.dates import local_to_utc, local_today, utc_to_local
from app.domain.errors import ValidationError
from app.store.engine import Database, transaction
from app.store.models import Citizen, Conversation
from app.store.row_values import saved_id

_AREAS = frozenset({Area.CONVERSATIONS, Area.CITIZEN, Area.CITIZEN_LIST, Area.HISTORY})


def book_conversation(
    db: Database,
    actor: Actor,
    citizen_id: int,
    when_local: datetime,
    *,
    kind: str = "jobsamtale",
    channel: str = "in_person",
    held_by: str = "jobcenter",
    with_a_kasse: bool = False,
    location: str | None = None,
    note: str | None = None,
    caseworker_id: int | None = None,
) -> Saved:
    """Book a conversation at a Copenhagen wall-clock time."""
    check_booking(kind, channel, held_by, when_local)
    values: dict[str, Any] = {
        "kind": kind,
        "scheduled_at": local_to_utc(when_local),
        "channel": channel,
        "held_by": held_by,
        "with_a_kasse": with_a_kasse,
        "location": v.text(location),
        "note": v.text(note),
        "caseworker_id": caseworker_id if caseworker_id is not None else actor.caseworker_id,
        "status": "planned",
    }
    with transaction(db) as session:
        get_row(session, Citizen, citizen_id)
        access.require_case_write(session, actor, citizen_id)
        row = Conversation(citizen_id=citizen_id, **values)
        return insert_audited(
            session,
            actor,
            row,
            values,
            entity="conversation",
            areas=_AREAS,
            action="book_conversation",
        )


def record_outcome(
    db: Database,
    actor: Actor,
    conversation_id: int,
    status: str,
    *,
    held_on: date | None = None,
    note: str | None = None,
    channel: str | None = None,
    with_a_kasse: bool | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Saved:
    """Record a conversation as held (with its date), cancelled or no-show, with a short note."""
    check_outcome(status, held_on, today or local_today())
    changes: dict[str, object] = {"status": status, "held_on": held_on}
    if note is not None:
        changes["note"] = v.text(note)
    if channel is not None:
        changes["channel"] = channel
    if with_a_kasse is not None:
        changes["with_a_kasse"] = with_a_kasse
    with transaction(db) as session:
        row = load_case_row_for_update(
            session, actor, Conversation, conversation_id, expected_version, changes
        )
        return update_audited(
            session,
            actor,
            row,
            changes,
            action="record_conversation",
            entity="conversation",
            areas=_AREAS,
        )


def reschedule(
    db: Database,
    actor: Actor,
    conversation_id: int,
    when_local: datetime,
    *,
    expected_version: int | None = None,
) -> Saved:
    with transaction(db) as session:
        row = load_case_row_for_update(
            session,
            actor,
            Conversation,
            conversation_id,
            expected_version,
            {"scheduled_at": when_local},
        )
        if row.status != "planned":
            raise ValidationError("Only a booked conversation can be moved", field="scheduled_at")
        check_booking(row.kind, row.channel, row.held_by, when_local)
        return update_audited(
            session,
            actor,
            row,
            {"scheduled_at": local_to_utc(when_local)},
            action="reschedule",
            entity="conversation",
            areas=_AREAS,
        )


def conversation_history(
    db: Database, actor: Actor, citizen_id: int
) -> list[tuple[int, datetime | None, str, str, date | None]]:
    """(id, local scheduled time, kind, status, held on) of every conversation, newest first."""
    with transaction(db) as session:
        read_citizen(session, actor, citizen_id, "conversations")
        rows = session.exec(
            select(Conversation)
            .where(col(Conversation.citizen_id) == citizen_id)
            .order_by(col(Conversation.scheduled_at).desc())
        ).all()
        return [
            (
                saved_id(r),
                utc_to_local(r.scheduled_at) if r.scheduled_at else None,
                r.kind,
                r.status,
                r.held_on,
            )
            for r in rows
        ]
