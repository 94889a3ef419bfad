"""Putting a worklist item aside until a date: needs a reason, is audited, never hides it for good."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.casework.core.editing import get_row
from app.casework.core.result import Area, Saved
from app.domain import validation as v
from app.domain.dates import local_today
from app.domain.errors import ValidationError
from app.store.engine import Database, transaction
from app.store.models import Citizen, DeadlineSnooze
from app.store.row_values import saved_id

MAX_DAYS = 90


def snooze_deadline(
    db: Database,
    actor: Actor,
    citizen_id: int,
    rule_id: str,
    due: date,
    until: date,
    reason: str,
    *,
    today: date | None = None,
) -> Saved:
    """Hide one requirement from the worklist until ``until`` (at most 90 days ahead)."""
    today = today or local_today()
    text = v.text(reason)
    if not text:
        raise ValidationError("Give a reason for putting the deadline aside", field="reason")
    if until <= today or (until - today).days > MAX_DAYS:
        raise ValidationError(
            "Put a deadline aside for 1 to {days} days", field="until", days=MAX_DAYS
        )
    with transaction(db) as session:
        get_row(session, Citizen, citizen_id)
        access.require_caseload_change(session, actor, citizen_id)
        row = DeadlineSnooze(
            citizen_id=citizen_id,
            rule_id=rule_id,
            due=due,
            until=until,
            reason=text[:500],
            caseworker_id=actor.caseworker_id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "snooze_deadline",
            entity="deadline_snooze",
            entity_id=row.id,
            citizen_id=citizen_id,
            purpose=text[:500],
            new={"rule_id": rule_id, "due": due, "until": until},
        )
        return Saved(
            saved_id(row), row.version, citizen_id, frozenset({Area.DEADLINES, Area.HISTORY})
        )


def active_snoozes(db: Database, today: date) -> dict[tuple[int, str, date], tuple[date, str]]:
    """(citizen id, rule id, due) -> (until, reason) for snoozes still running."""
    with transaction(db) as session:
        rows = session.exec(select(DeadlineSnooze).where(col(DeadlineSnooze.until) >= today)).all()
        found: dict[tuple[int, str, date], tuple[date, str]] = {}
        for row in rows:
            key = (row.citizen_id, row.rule_id, row.due)
            if key not in found or found[key][0] < row.until:
                found[key] = (row.until, row.reason)
        return found
