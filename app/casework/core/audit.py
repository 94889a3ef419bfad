"""Writing audit events inside the caller's transaction.

An event holds when (UTC), who (the app user's initials and the operating-system user), the
action, the citizen or the search criterion, a purpose where there is one, and for changes the old
and new values as JSON. It never holds a CPR number or a name of its own accord: callers pass
field values of the record changed, which live in the database anyway, never in log files.

Each event is sealed onto the HMAC chain (``app.store.audit_chain``) in the same transaction, so an
action and its event are committed together or not at all. ``subjects`` names further citizens
the event concerns (the hits a search showed, the citizens of a calendar export); at most
``MAX_SUBJECTS`` are kept, the count always.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.casework.core.actor import Actor
from app.store import audit_chain, files
from app.store.engine import Database, transaction
from app.store.models import AuditEvent

#: Subjects kept per event (a search lists at most this many hits as "found").
MAX_SUBJECTS = 500


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
    subjects: Iterable[int] | None = None,
    every_subject: bool = False,
) -> AuditEvent:
    """Seal one audit event in the session's transaction (committed with the action, or not at all).

    ``subjects``: the citizens the event concerns besides ``citizen_id``, indexed so that each
    one's history shows it. A list someone looked at keeps the first ``MAX_SUBJECTS`` (and their
    total); ``every_subject`` keeps them all, for a write that made or changed each of them (an
    import): on a team server that is also how the row trigger knows the app logged their rows."""
    payload: dict[str, Any] = dict(details or {})
    if "subjects" in payload:
        raise ValueError('"subjects" in details is reserved for the subject index')
    if old is not None:
        payload["old"] = dict(old)
    if new is not None:
        payload["new"] = dict(new)
    kept: list[int] = []
    if subjects is not None:
        unique = sorted({int(s) for s in subjects if s is not None and s != citizen_id})
        kept = unique if every_subject else unique[:MAX_SUBJECTS]
        payload["subjects"] = kept
        if len(unique) > len(kept):
            payload["subjects_total"] = len(unique)
    values = {
        "user_initials": actor.initials,
        "os_user": actor.os_user,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "citizen_id": citizen_id,
        "criterion": criterion[:300] if criterion else criterion,
        "purpose": purpose[:300] if purpose else purpose,
        "details": json.dumps(payload, ensure_ascii=False, sort_keys=True, default=_jsonable)
        if payload
        else None,
    }
    return audit_chain.append(session, values, kept)


def checksum(content: bytes) -> str:
    """SHA-256 of what left the program, kept in the export's event."""
    return hashlib.sha256(content).hexdigest()


def write_with_event(
    db: Database,
    path: Path | None,
    make: Callable[[Session], tuple[bytes, Any]],
) -> tuple[bytes, Any]:
    """Hand a file out and record it in one transaction. ``make(session)`` reads what it needs,
    records the event and returns ``(content, result)``; the content is written (and flushed to
    disk) beside its place before the commit — a full disk or a read-only folder rolls the event
    back with a calm ``FileWriteError`` — and takes its name after the commit (no event, no file).
    """
    temporary = files.temporary_path(path) if path is not None else None
    try:
        with transaction(db) as session:
            content, result = make(session)
            if temporary is not None and path is not None:
                try:
                    with files.open_temporary(temporary) as handle:
                        handle.write(content)
                        handle.flush()
                        os.fsync(handle.fileno())
                except OSError as exc:
                    raise files.file_error(exc, path) from exc
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    if temporary is not None and path is not None:
        try:
            os.replace(temporary, path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise files.file_error(exc, path) from exc
    return content, result
