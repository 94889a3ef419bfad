"""Optimistic locking and change records shared by every editing use case.

A form remembers the ``version`` it loaded. Saving compares it with the row now in the database:
if another session saved in between, the use case raises ``ConflictError`` with both sets of
values instead of silently overwriting (no last-write-wins). SQLAlchemy's ``version_id_col``
also guards the UPDATE itself against a race between this check and the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.casework.core.result import Area, Saved
from app.domain.codes import N_
from app.domain.dates import utc_now
from app.domain.errors import ConflictError, NotFoundError, Term
from app.store.models import Versioned, table_of
from app.store.row_values import saved_id

Row = TypeVar("Row", bound=SQLModel)
#: A row of a user-edited table (id, version, timestamps).
Edited = TypeVar("Edited", bound=Versioned)

ENTITY_NAMES = {
    "citizen": N_("citizen"),
    "benefit_spell": N_("benefit spell"),
    "plan": N_("plan"),
    "milestone": N_("milestone"),
    "offer": N_("offer"),
    "conversation": N_("conversation"),
    "employment": N_("employment"),
    "company": N_("company"),
    "company_contact": N_("company contact"),
    "recruitment_order": N_("recruitment order"),
    "journal_note": N_("journal note"),
    "caseworker": N_("caseworker"),
    "goal_plan": N_("goal plan"),
}


def entity_name(model: type[SQLModel]) -> str:
    return table_of(model).name


def get_row(
    session: Session, model: type[Row], row_id: int, *, include_deleted: bool = False
) -> Row:
    row = session.get(model, row_id)
    if row is None or (not include_deleted and getattr(row, "deleted_at", None) is not None):
        raise NotFoundError(
            "The {entity} no longer exists; it may have been deleted by someone else",
            entity=Term(ENTITY_NAMES.get(entity_name(model), "record")),
        )
    return row


def snapshot(row: SQLModel, fields: Iterable[str]) -> dict[str, Any]:
    return {field: getattr(row, field) for field in fields}


def load_for_update(
    session: Session,
    model: type[Edited],
    row_id: int,
    expected_version: int | None,
    attempted: Mapping[str, Any],
) -> Edited:
    """The row, provided nobody changed it since the caller read ``expected_version``."""
    row = get_row(session, model, row_id)
    current_version = row.version
    if expected_version is not None and current_version != expected_version:
        raise ConflictError(
            "Someone else changed this {entity} while you were editing it",
            entity=Term(ENTITY_NAMES.get(entity_name(model), "record")),
            current=snapshot(row, attempted.keys()),
            attempted=dict(attempted),
            current_version=current_version,
        )
    return row


def load_case_row_for_update(
    session: Session,
    actor: Actor,
    model: type[Edited],
    row_id: int,
    expected_version: int | None,
    attempted: Mapping[str, Any],
) -> Edited:
    """A row of a citizen's case (``citizen_id``), for a change: the actor must be allowed to
    write the case, checked before anything of the row is told (a version conflict shows the
    row's current values), and nobody may have changed it since ``expected_version``."""
    row = get_row(session, model, row_id)
    citizen_id = getattr(row, "citizen_id", None)
    if not isinstance(citizen_id, int):
        raise TypeError(f"{model.__name__} is no row of a citizen's case")
    access.require_case_write(session, actor, citizen_id)
    return load_for_update(session, model, row_id, expected_version, attempted)


def apply_changes(
    row: SQLModel, changes: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the changed fields; return (old, new) of only the fields that really changed."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for field, value in changes.items():
        before = getattr(row, field)
        if before != value:
            old[field] = before
            new[field] = value
            setattr(row, field, value)
    if new and hasattr(row, "updated_at"):
        row.updated_at = utc_now()
    return old, new


def flush_versioned(session: Session, row: SQLModel, attempted: Mapping[str, Any]) -> None:
    """Flush, turning a lost race at UPDATE time into the same ``ConflictError``."""
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(
            "Someone else changed this {entity} while you were editing it",
            entity=Term(ENTITY_NAMES.get(entity_name(type(row)), "record")),
            attempted=dict(attempted),
        ) from None


def update_audited(
    session: Session,
    actor: Actor,
    row: Any,
    changes: Mapping[str, Any],
    *,
    action: str,
    entity: str,
    areas: frozenset[Area],
    purpose: str | None = None,
    skip_unchanged: bool = False,
) -> Saved:
    """The end of an audited update of a citizen's row, in the caller's transaction: set the
    changed fields, flush under optimistic locking, record ``action`` (with the user's
    ``purpose``, if any) with the old and new values of what really changed, and report the
    row saved with the ``areas`` to refresh. With ``skip_unchanged`` a save that changes
    nothing flushes and records nothing (the areas are reported all the same).

    ``row`` comes from ``load_for_update`` and belongs to a citizen (it has ``citizen_id``).
    """
    old, new = apply_changes(row, changes)
    if new or not skip_unchanged:
        flush_versioned(session, row, changes)
        audit.record(
            session,
            actor,
            action,
            entity=entity,
            entity_id=row.id,
            citizen_id=row.citizen_id,
            purpose=purpose,
            old=old,
            new=new,
        )
    return Saved(row.id, row.version, row.citizen_id, areas)


def insert_audited(
    session: Session,
    actor: Actor,
    row: Any,
    new: dict[str, Any],
    *,
    entity: str,
    areas: frozenset[Area],
    action: str = "create",
) -> Saved:
    """The end of an audited insert of a citizen's row, in the caller's transaction: add the
    row, flush for its id, record ``action`` with the ``new`` values the user gave, and report
    the row saved with the ``areas`` to refresh.

    ``row`` is a new row of a citizen (it has ``citizen_id``); the counterpart of
    ``update_audited``.
    """
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        action,
        entity=entity,
        entity_id=row.id,
        citizen_id=row.citizen_id,
        new=new,
    )
    return Saved(saved_id(row), row.version, row.citizen_id, areas)
