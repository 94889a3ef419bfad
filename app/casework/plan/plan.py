"""Use cases for Min Plan: save the plan, keep milestones, and read earlier versions.

Every save of the plan or a milestone stores a ``PlanVersion`` snapshot in the same
transaction, so the app can show the plan as it was on any date and what changed since the plan
was last printed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from types import EllipsisType
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.casework.core.editing import (
    ENTITY_NAMES,
    apply_changes,
    flush_versioned,
    get_row,
    load_case_row_for_update,
    load_for_update,
)
from app.casework.core.reading import read_citizen
from app.casework.core.result import Area, Saved
from app.domain.dates import local_today, utc_now
from app.domain.errors import ConflictError, Term, ValidationError
from app.domain.plan import (
    PLAN_FIELDS,
    MilestoneState,
    PlanChange,
    PlanSnapshot,
    check_agreed_on,
    check_milestone,
    clean_plan_fields,
    diff,
)
from app.store.engine import Database, transaction
from app.store.models import Citizen, Milestone, Plan, PlanVersion, table_of
from app.store.row_values import saved_id

_PLAN_AREAS = frozenset({Area.PLAN, Area.CITIZEN, Area.HISTORY})
_MS_AREAS = frozenset({Area.MILESTONES, Area.PLAN, Area.CITIZEN, Area.HISTORY})


def current_snapshot(session: Session, citizen_id: int) -> PlanSnapshot:
    plan = session.exec(select(Plan).where(col(Plan.citizen_id) == citizen_id)).first()
    fields = {k: getattr(plan, k) for k in PLAN_FIELDS} if plan else dict.fromkeys(PLAN_FIELDS)
    milestones = session.exec(
        select(Milestone)
        .where(col(Milestone.citizen_id) == citizen_id, col(Milestone.deleted_at).is_(None))
        .order_by(col(Milestone.position), col(Milestone.id))
    ).all()
    return PlanSnapshot(
        fields,
        tuple(
            MilestoneState(saved_id(m), m.title, m.due, m.status, m.completed_on, m.drop_reason)
            for m in milestones
        ),
    )


def _store_version(
    session: Session,
    actor: Actor,
    citizen_id: int,
    snapshot: PlanSnapshot | None = None,
    latest_number: int | None = None,
) -> PlanVersion:
    """A new plan version of ``snapshot`` (read in this transaction), or of the plan as it is now;
    ``latest_number``: the newest version's number, when the caller has read it (else it is looked
    up; 0 when there is none)."""
    snapshot = snapshot or current_snapshot(session, citizen_id)
    if latest_number is not None:
        number = latest_number + 1
    else:
        number = (
            session.exec(
                select(func.max(col(PlanVersion.number))).where(
                    col(PlanVersion.citizen_id) == citizen_id
                )
            ).one()
            or 0
        ) + 1
    version = PlanVersion(
        citizen_id=citizen_id,
        number=number,
        saved_by=actor.initials,
        snapshot=json.dumps(snapshot.to_json(), ensure_ascii=False, sort_keys=True),
    )
    session.add(version)
    return version


def save_plan(
    db: Database,
    actor: Actor,
    citizen_id: int,
    expected_version: int | None,
    values: Mapping[str, Any],
    *,
    today: date | None = None,
) -> Saved:
    """Save the plan's texts (the fields given) and the day it was agreed with the citizen
    (``agreed_on``); a concurrent save by someone else is a conflict.

    ``expected_version`` is the version the form was loaded with: ``0`` when there was no plan
    yet (a plan someone else made meanwhile is then a conflict too), ``None`` for no check.
    """
    texts = {k: v for k, v in values.items() if k != "agreed_on"}
    cleaned: dict[str, Any] = dict(clean_plan_fields(texts))
    if "agreed_on" in values:
        cleaned["agreed_on"] = check_agreed_on(values["agreed_on"], today or local_today())
    with transaction(db) as session:
        get_row(session, Citizen, citizen_id)
        access.require_case_write(session, actor, citizen_id)
        plan = session.exec(select(Plan).where(col(Plan.citizen_id) == citizen_id)).first()
        if plan is None:
            if expected_version not in (None, 0):
                raise ValidationError("The plan was deleted while you were editing it", field=None)
            plan = Plan(citizen_id=citizen_id)
            session.add(plan)
            try:
                session.flush()
            except IntegrityError:  # another session made the citizen's plan at the same moment
                raise ConflictError(
                    "Someone else changed this {entity} while you were editing it",
                    entity=Term(ENTITY_NAMES["plan"]),
                    attempted=dict(cleaned),
                ) from None
        else:
            plan = load_for_update(session, Plan, saved_id(plan), expected_version, cleaned)
        old, new = apply_changes(plan, cleaned)
        if not new:
            return Saved(saved_id(plan), plan.version, citizen_id, frozenset())
        plan.updated_on = today or local_today()
        flush_versioned(session, plan, cleaned)
        _store_version(session, actor, citizen_id)
        audit.record(
            session,
            actor,
            "update",
            entity="plan",
            entity_id=plan.id,
            citizen_id=citizen_id,
            old=old,
            new=new,
        )
        return Saved(saved_id(plan), plan.version, citizen_id, _PLAN_AREAS)


def _milestone_changed(
    session: Session,
    actor: Actor,
    action: str,
    row: Milestone,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> Saved:
    """The end of a change to a milestone, flushed: a new version of the plan, the audit event
    (``action``, with ``old`` and ``new`` values), the row saved."""
    _store_version(session, actor, row.citizen_id)
    audit.record(
        session,
        actor,
        action,
        entity="milestone",
        entity_id=row.id,
        citizen_id=row.citizen_id,
        old=old,
        new=new,
    )
    return Saved(saved_id(row), row.version, row.citizen_id, _MS_AREAS)


def add_milestone(
    db: Database, actor: Actor, citizen_id: int, title: str, *, due: date | None = None
) -> Saved:
    check_milestone(title, "planned", None, None)
    with transaction(db) as session:
        get_row(session, Citizen, citizen_id)
        access.require_case_write(session, actor, citizen_id)
        last = session.exec(
            select(func.max(col(Milestone.position))).where(col(Milestone.citizen_id) == citizen_id)
        ).one()
        row = Milestone(
            citizen_id=citizen_id, title=title.strip(), due=due, position=(last or 0) + 1
        )
        session.add(row)
        session.flush()
        return _milestone_changed(
            session, actor, "create", row, new={"title": row.title, "due": due}
        )


def update_milestone(
    db: Database,
    actor: Actor,
    milestone_id: int,
    expected_version: int | None,
    values: Mapping[str, Any],
) -> Saved:
    """Edit title/due/status; done needs a completion date and dropped a reason."""
    allowed = {"title", "due", "status", "completed_on", "drop_reason"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError("Unknown milestone field {field!r}", field=sorted(unknown)[0])
    with transaction(db) as session:
        row = load_case_row_for_update(
            session, actor, Milestone, milestone_id, expected_version, values
        )
        merged = {k: values.get(k, getattr(row, k)) for k in allowed}
        if merged["status"] != "done":
            merged["completed_on"] = None
        if merged["status"] != "dropped":
            merged["drop_reason"] = None
        merged["title"] = (merged["title"] or "").strip()
        check_milestone(
            merged["title"], merged["status"], merged["completed_on"], merged["drop_reason"]
        )
        old, new = apply_changes(row, merged)
        if not new:
            return Saved(saved_id(row), row.version, row.citizen_id, frozenset())
        flush_versioned(session, row, values)
        return _milestone_changed(session, actor, "update", row, old=old, new=new)


def complete_milestone(
    db: Database, actor: Actor, milestone_id: int, on: date, *, expected_version: int | None = None
) -> Saved:
    return update_milestone(
        db, actor, milestone_id, expected_version, {"status": "done", "completed_on": on}
    )


def drop_milestone(
    db: Database,
    actor: Actor,
    milestone_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
) -> Saved:
    return update_milestone(
        db, actor, milestone_id, expected_version, {"status": "dropped", "drop_reason": reason}
    )


def move_milestone(db: Database, actor: Actor, milestone_id: int, steps: int) -> Saved:
    """Move a milestone up (negative) or down (positive) in the citizen's list."""
    with transaction(db) as session:
        row = get_row(session, Milestone, milestone_id)
        access.require_case_write(session, actor, row.citizen_id)
        siblings = list(
            session.exec(
                select(Milestone)
                .where(
                    col(Milestone.citizen_id) == row.citizen_id, col(Milestone.deleted_at).is_(None)
                )
                .order_by(col(Milestone.position), col(Milestone.id))
            ).all()
        )
        index = siblings.index(row)
        target = max(0, min(len(siblings) - 1, index + steps))
        if target == index:
            return Saved(saved_id(row), row.version, row.citizen_id, frozenset())
        siblings.insert(target, siblings.pop(index))
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
        session.flush()
        return _milestone_changed(
            session, actor, "reorder", row, old={"index": index}, new={"index": target}
        )


def delete_milestone(db: Database, actor: Actor, milestone_id: int) -> Saved:
    """Soft delete (restorable); the plan version records it as removed."""
    return _set_deleted(db, actor, milestone_id, utc_now())


def restore_milestone(db: Database, actor: Actor, milestone_id: int) -> Saved:
    return _set_deleted(db, actor, milestone_id, None)


def _set_deleted(db: Database, actor: Actor, milestone_id: int, when: datetime | None) -> Saved:
    with transaction(db) as session:
        row = get_row(session, Milestone, milestone_id, include_deleted=True)
        access.require_case_write(session, actor, row.citizen_id)
        row.deleted_at = when
        flush_versioned(session, row, {"deleted_at": when})
        return _milestone_changed(session, actor, "delete" if when else "restore", row)


def plan_as_of(
    db: Database, actor: Actor, citizen_id: int, moment: datetime
) -> PlanSnapshot | None:
    """The plan as it stood at ``moment`` (aware UTC), or None if it had not been made yet."""
    with transaction(db) as session:
        read_citizen(session, actor, citizen_id, "plan_as_of")
        row = session.exec(
            select(PlanVersion)
            .where(col(PlanVersion.citizen_id) == citizen_id, col(PlanVersion.saved_at) <= moment)
            .order_by(col(PlanVersion.number).desc())
        ).first()
        return PlanSnapshot.from_json(json.loads(row.snapshot)) if row else None


def changes_since_last_print(
    db: Database, actor: Actor, citizen_id: int
) -> tuple[list[PlanChange], datetime | None]:
    """What changed since the last printed version (everything, and None, if never printed)."""
    with transaction(db) as session:
        read_citizen(session, actor, citizen_id, "plan_changes")
        now = current_snapshot(session, citizen_id)
        printed = session.exec(
            select(PlanVersion)
            .where(
                col(PlanVersion.citizen_id) == citizen_id, col(PlanVersion.printed_at).is_not(None)
            )
            .order_by(col(PlanVersion.number).desc())
        ).first()
        before = PlanSnapshot.from_json(json.loads(printed.snapshot)) if printed else None
        return diff(before, now), (printed.printed_at if printed else None)


#: The newest version of a citizen's plan, and the record of its print (both run for every
#: print: built once, read and written as plain rows).
_LATEST_VERSION = (
    sa_select(col(PlanVersion.id), col(PlanVersion.number), col(PlanVersion.snapshot))
    .where(col(PlanVersion.citizen_id) == bindparam("citizen"))
    .order_by(col(PlanVersion.number).desc())
    .limit(1)
)
_MARK_PRINTED = (
    update(table_of(PlanVersion))
    .where(table_of(PlanVersion).c.id == bindparam("version"))
    .values(printed_at=bindparam("at"))
)


def mark_printed(db: Database, actor: Actor, citizen_id: int) -> int:
    """Record that the current plan was printed/saved; returns the plan version number printed.

    Handing out a plan is casework: it needs the same right as a change to the case."""
    with transaction(db) as session:
        return mark_printed_in(session, actor, citizen_id)


def mark_printed_in(
    session: Session,
    actor: Actor,
    citizen_id: int,
    snapshot: PlanSnapshot | None = None,
    latest: tuple[int, int, str] | None | EllipsisType = ...,
) -> int:
    """``mark_printed`` in the caller's transaction (saving as PDF writes the file in it too).

    ``snapshot``: the plan as the printed document showed it, read earlier in this transaction
    (the version recorded is then exactly what was printed, without reading the plan again);
    ``latest``: the newest saved version read with it, as (id, number, snapshot JSON), or None
    when there was none (``...``: read it here). A version saved since by another desk is then
    not the one recorded as printed: the one printed is."""
    access.require_case_write(session, actor, citizen_id)
    current = snapshot or current_snapshot(session, citizen_id)
    session.flush()  # the newest version is read on the transaction's connection
    connection = session.connection()
    if latest is ...:
        row = connection.execute(_LATEST_VERSION, {"citizen": citizen_id}).first()
        latest = (row.id, row.number, row.snapshot) if row is not None else None
    if latest is None or json.loads(latest[2]) != current.to_json():
        version = _store_version(session, actor, citizen_id, current, latest[1] if latest else 0)
        version.printed_at = utc_now()
        session.flush()
        version_id, number = saved_id(version), version.number
    else:
        version_id, number = latest[0], latest[1]
        connection.execute(_MARK_PRINTED, {"version": version_id, "at": utc_now()})
    audit.record(
        session,
        actor,
        "print_plan",
        entity="plan_version",
        entity_id=version_id,
        citizen_id=citizen_id,
        details={"plan_version": number},
    )
    return number


def plan_versions(
    db: Database, actor: Actor, citizen_id: int
) -> list[tuple[int, datetime, str | None, datetime | None]]:
    """(number, saved at, saved by, printed at) of every version, newest first."""
    with transaction(db) as session:
        read_citizen(session, actor, citizen_id, "plan_versions")
        rows = session.exec(
            select(PlanVersion)
            .where(col(PlanVersion.citizen_id) == citizen_id)
            .order_by(col(PlanVersion.number).desc())
        ).all()
        return [(r.number, r.saved_at, r.saved_by, r.printed_at) for r in rows]
