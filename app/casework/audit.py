"""Writing audit events inside the caller's transaction.

An event holds ids, the action, a search criterion or purpose, and for changes the old and new
values as JSON. It never holds a CPR number or a name of its own accord: callers pass field
values of the record changed, which live in the database anyway, never in log files.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from app.casework.actor import Actor
from app.store.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__} in an audit event")


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    citizen_id: int | None = None,
    criterion: str | None = None,
    purpose: str | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event to the session (committed with the action, or not at all)."""
    payload: dict[str, Any] = dict(details or {})
    if old is not None:
        payload["old"] = dict(old)
    if new is not None:
        payload["new"] = dict(new)
    event = AuditEvent(
        user_initials=actor.initials,
        os_user=actor.os_user,
        action=action,
        entity=entity,
        entity_id=entity_id,
        citizen_id=citizen_id,
        criterion=criterion,
        purpose=purpose,
        details=json.dumps(payload, ensure_ascii=False, sort_keys=True, default=_jsonable)
        if payload
        else None,
    )
    session.add(event)
    return event
