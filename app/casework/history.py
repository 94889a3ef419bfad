"""The audit trail of one citizen, for the "Historik" tab: who did what, when, old → new."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from app.domain.dates import utc_to_local
from app.store.engine import Database, transaction
from app.store.models import AuditEvent


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


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


def citizen_history(
    db: Database, citizen_id: int, *, entity: str | None = None, limit: int = 2_000
) -> list[HistoryEntry]:
    """Newest first; ``entity`` limits to one area (e.g. "offer")."""
    with transaction(db) as s:
        query = select(AuditEvent).where(AuditEvent.citizen_id == citizen_id)
        if entity:
            query = query.where(AuditEvent.entity == entity)
        rows = s.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)).all()
    entries = []
    for row in rows:
        details = json.loads(row.details) if row.details else {}
        old, new = details.get("old") or {}, details.get("new") or {}
        changes = tuple(
            FieldChange(k, old.get(k), new.get(k))
            for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k)
        )
        entries.append(
            HistoryEntry(
                row.id,
                utc_to_local(row.occurred_at),
                row.user_initials or row.os_user or "",  # type: ignore[arg-type]
                row.action,
                row.entity,
                changes,
                row.purpose,
                row.criterion,
            )
        )
    return entries
