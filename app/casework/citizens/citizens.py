"""Use cases for citizens: create, edit, hand over to another caseworker, delete and restore."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.casework.core.editing import (
    ENTITY_NAMES,
    apply_changes,
    flush_versioned,
    get_row,
    load_for_update,
)
from app.casework.core.result import Area, Saved
from app.domain.citizens import EDITABLE_FIELDS as DOMAIN_EDITABLE_FIELDS
from app.domain.citizens import clean_citizen
from app.domain.dates import local_today, utc_now
from app.domain.errors import (
    ConflictError,
    DuplicateError,
    PermissionDeniedError,
    Term,
    ValidationError,
)
from app.domain.identifiers import birth_date_from_cpr, format_cpr
from app.domain.search import citizen_search_text, citizen_sort_key
from app.store.audit_chain import server_sealed
from app.store.engine import Database, transaction
from app.store.models import Caseworker, Citizen
from app.store.row_values import saved_id

_LIST_AREAS = frozenset({Area.CITIZEN_LIST, Area.CITIZEN, Area.HISTORY})


def _check_not_duplicate(session: Session, cpr: str, own_id: int | None = None) -> None:
    existing = session.exec(select(Citizen).where(col(Citizen.cpr) == cpr)).first()
    if existing is None or existing.id == own_id:
        return
    if existing.deleted_at is not None:
        raise DuplicateError(
            "A deleted citizen has CPR number {cpr}; restore that citizen instead",
            existing_id=saved_id(existing),
            field="cpr",
            cpr=format_cpr(cpr),
        )
    raise DuplicateError(
        "{name} already has CPR number {cpr}",
        existing_id=saved_id(existing),
        field="cpr",
        name=f"{existing.first_name} {existing.last_name}",
        cpr=format_cpr(cpr),
    )


def _check_caseworker(session: Session, caseworker_id: int | None) -> None:
    if caseworker_id is None:
        return
    worker = session.get(Caseworker, caseworker_id)
    if worker is None or not worker.active:
        raise ValidationError(
            "The chosen caseworker does not exist or is inactive", field="caseworker_id"
        )


def _refresh_derived(row: Citizen) -> None:
    row.birth_date = birth_date_from_cpr(row.cpr)
    row.search_text = citizen_search_text(row.first_name, row.last_name, row.cpr, row.birth_date)
    row.sort_key = citizen_sort_key(row.first_name, row.last_name)


def create_citizen(
    db: Database,
    actor: Actor,
    values: Mapping[str, Any],
    *,
    caseworker_id: int | None = None,
    today: date | None = None,
) -> Saved:
    """Register a citizen; a CPR that exists is refused with the existing citizen offered."""
    cleaned = clean_citizen(values, today=today or local_today())
    with transaction(db) as session:
        _check_not_duplicate(session, cleaned["cpr"])
        # A new citizen joins the registering caseworker's caseload; a team lead or an
        # administrator registers into nobody's caseload unless they choose a caseworker.
        own = actor.caseworker_id if actor.role == "caseworker" else None
        owner = caseworker_id if caseworker_id is not None else own
        _check_caseworker(session, owner)
        row = Citizen(
            **cleaned, caseworker_id=owner, birth_date=birth_date_from_cpr(cleaned["cpr"])
        )
        _refresh_derived(row)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "create",
            entity="citizen",
            entity_id=row.id,
            citizen_id=row.id,
            new={**cleaned, "caseworker_id": owner},
        )
        return Saved(saved_id(row), row.version, saved_id(row), _LIST_AREAS)


def update_citizen(
    db: Database,
    actor: Actor,
    citizen_id: int,
    expected_version: int | None,
    values: Mapping[str, Any],
    *,
    today: date | None = None,
) -> Saved:
    """Save edited master data (only the fields given), refusing a concurrent change."""
    cleaned = clean_citizen(values, today=today or local_today(), partial=True)
    with transaction(db) as session:
        # the access first: a version conflict tells the row's current values
        access.require_case_write(session, actor, citizen_id)
        row = load_for_update(session, Citizen, citizen_id, expected_version, cleaned)
        if "cpr" in cleaned:
            _check_not_duplicate(session, cleaned["cpr"], own_id=citizen_id)
        merged = {
            f: cleaned.get(f, getattr(row, f)) for f in ("refugee_or_reunified", "refugee_year")
        }
        if merged["refugee_year"] is not None and not merged["refugee_or_reunified"]:
            raise ValidationError(
                "A residence-permit year is only kept for refugees and family-reunified citizens",
                field="refugee_year",
            )
        old, new = apply_changes(row, cleaned)
        if not new:
            return Saved(saved_id(row), row.version, saved_id(row), frozenset())
        _refresh_derived(row)
        flush_versioned(session, row, cleaned)
        _record_change(session, actor, "update", saved_id(row), old, new)
        return Saved(saved_id(row), row.version, saved_id(row), _LIST_AREAS)


def hand_over(
    db: Database,
    actor: Actor,
    citizen_id: int,
    caseworker_id: int | None,
    *,
    expected_version: int | None = None,
) -> Saved:
    """Assign the citizen to another caseworker (None = nobody's caseload)."""
    with transaction(db) as session:
        access.require_caseload_change(session, actor, citizen_id)
        row = load_for_update(
            session, Citizen, citizen_id, expected_version, {"caseworker_id": caseworker_id}
        )
        _check_caseworker(session, caseworker_id)
        if server_sealed(session):  # the new row is no longer this login's to see
            return _hand_over_on_server(session, actor, row, caseworker_id)
        old, new = apply_changes(row, {"caseworker_id": caseworker_id})
        if new:
            flush_versioned(session, row, new)
            _record_change(session, actor, "hand_over", saved_id(row), old, new)
        return Saved(saved_id(row), row.version, saved_id(row), _LIST_AREAS)


def _hand_over_on_server(
    session: Session, actor: Actor, row: Citizen, caseworker_id: int | None
) -> Saved:
    """On a team server: through ``minplan_hand_over`` (row-level security would refuse the
    UPDATE of a row the login will no longer see), logged in the same transaction."""
    from sqlalchemy import text

    if row.caseworker_id == caseworker_id:
        return Saved(saved_id(row), row.version, saved_id(row), _LIST_AREAS)
    old: dict[str, object] = {"caseworker_id": row.caseworker_id}
    new: dict[str, object] = {"caseworker_id": caseworker_id}
    citizen_id, version = saved_id(row), row.version
    session.expunge(row)
    done = session.execute(
        text("SELECT minplan_hand_over(:c, :w, :v)"),
        {"c": citizen_id, "w": caseworker_id, "v": version},
    ).scalar_one()
    if done is None:
        raise ConflictError(
            "Someone else changed this {entity} while you were editing it",
            entity=Term(ENTITY_NAMES["citizen"]),
            attempted=new,
        )
    _record_change(session, actor, "hand_over", citizen_id, old, new)
    return Saved(citizen_id, done, citizen_id, _LIST_AREAS)


def _record_change(
    session: Session,
    actor: Actor,
    action: str,
    citizen_id: int,
    old: dict[str, Any],
    new: dict[str, Any],
) -> None:
    """The audit event of a change to the citizen's own row (master data, caseload)."""
    audit.record(
        session,
        actor,
        action,
        entity="citizen",
        entity_id=citizen_id,
        citizen_id=citizen_id,
        old=old,
        new=new,
    )


def delete_citizen(db: Database, actor: Actor, citizen_id: int, *, reason: str) -> Saved:
    """Soft delete: hidden everywhere, restorable; the reason is recorded."""
    if not (reason or "").strip():
        raise ValidationError("Give a reason for deleting the citizen", field="reason")
    with transaction(db) as session:
        row = get_row(session, Citizen, citizen_id)
        access.require_case_write(session, actor, citizen_id)
        row.deleted_at = utc_now()
        flush_versioned(session, row, {"deleted_at": row.deleted_at})
        audit.record(
            session,
            actor,
            "delete",
            entity="citizen",
            entity_id=row.id,
            citizen_id=row.id,
            purpose=reason.strip(),
        )
        return Saved(saved_id(row), row.version, saved_id(row), _LIST_AREAS)


def restore_citizen(db: Database, actor: Actor, citizen_id: int) -> Saved:
    with transaction(db) as session:
        row = get_row(session, Citizen, citizen_id, include_deleted=True)
        access.require_case_write(session, actor, citizen_id)
        if row.deleted_at is None:
            return Saved(saved_id(row), row.version, saved_id(row), frozenset())
        row.deleted_at = None
        flush_versioned(session, row, {"deleted_at": None})
        audit.record(
            session, actor, "restore", entity="citizen", entity_id=row.id, citizen_id=row.id
        )
        return Saved(saved_id(row), row.version, saved_id(row), _LIST_AREAS)


#: The master data the citizen dialog edits: the domain's list, not a copy of it.
EDITABLE_FIELDS = DOMAIN_EDITABLE_FIELDS


@dataclass(frozen=True)
class MasterData:
    """A citizen's master data as read for editing or handing over (``version`` for the save)."""

    id: int
    values: dict[str, Any]
    caseworker_id: int | None
    version: int


def master_data(db: Database, actor: Actor, citizen_id: int) -> MasterData:
    """The citizen's ``EDITABLE_FIELDS``, caseload and version; the read is checked and logged."""
    from app.casework.core.reading import read_citizen

    with transaction(db) as session:
        read_citizen(session, actor, citizen_id, "master_data")
        row = get_row(session, Citizen, citizen_id)
        return MasterData(
            citizen_id,
            {f: getattr(row, f) for f in EDITABLE_FIELDS},
            row.caseworker_id,
            row.version,
        )


def deleted_citizens(db: Database, actor: Actor) -> list[tuple[int, str, date]]:
    """(id, name, deleted on) of the soft-deleted citizens the actor may restore, newest first,
    for the restore dialog; the list is logged (its citizens as the event's subjects)."""
    from app.casework.core.reading import record_list

    with transaction(db) as session:
        rows = session.exec(
            select(Citizen)
            .where(col(Citizen.deleted_at).is_not(None))
            .order_by(col(Citizen.deleted_at).desc())
        ).all()
        mine = [r for r in rows if _may_restore(session, actor, saved_id(r))]
        record_list(session, actor, "deleted", [saved_id(r) for r in mine])
        return [
            (saved_id(r), f"{r.first_name} {r.last_name}", deleted.date())
            for r in mine
            if (deleted := r.deleted_at) is not None  # all of them: the query's condition
        ]


def _may_restore(session: Session, actor: Actor, citizen_id: int) -> bool:
    try:
        access.require_case_write(session, actor, citizen_id)
    except PermissionDeniedError:
        return False
    return True
