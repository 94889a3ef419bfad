"""Goal plans a team lead makes and edits in the app (the shipped plans stay read-only files).

A plan is saved as a whole — name, period of validity, follow-up rhythm and its indicators with
measure, parameters, label and target — in one transaction with an audit event holding the old
and the new plan. Only team leads and administrators may create, edit, copy or delete a plan; the
check is here, below the GUI and the CLI. A plan made in the app gets an id (``key``) from its
name that never collides with a shipped plan's, so ``minplan indicators --plan KEY`` finds it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.core.editing import flush_versioned, get_row, load_for_update
from app.casework.core.result import Area, Saved
from app.domain.dates import utc_now
from app.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.domain.goalplan import GoalPlan, Indicator, Target, target_from, unique_slug
from app.store.engine import Database, transaction
from app.store.models import UserGoalIndicator, UserGoalPlan
from app.store.row_values import saved_id

_AREAS = frozenset({Area.GOALS})


def require_lead(actor: Actor) -> None:
    if actor.role not in ("teamlead", "admin"):
        raise PermissionDeniedError("Only a team lead or an administrator can change goal plans")


def _plan_of(session: Session, row: UserGoalPlan) -> GoalPlan:
    items = session.exec(
        select(UserGoalIndicator)
        .where(col(UserGoalIndicator.plan_id) == row.id)
        .order_by(col(UserGoalIndicator.position))
    ).all()
    return GoalPlan(
        row.key,
        row.name,
        row.municipality,
        row.follow_up,
        tuple(
            Indicator(
                item.key,
                item.label,
                item.measure,
                json.loads(item.params or "{}"),
                target_from(
                    {
                        "minimum": item.minimum,
                        "maximum": item.maximum,
                        "direction": item.direction,
                        "compare": item.compare,
                        "years": item.years,
                    }
                ),
                fidelity=item.fidelity or "faithful",
                note=item.note or "",
                more_targets=tuple(
                    t
                    for t in (target_from(v) for v in json.loads(item.more_targets or "[]"))
                    if t is not None
                ),
            )
            for item in items
        ),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        editable=True,
        version=row.version,
        based_on=row.based_on,
    )


def user_plans(db: Database) -> list[GoalPlan]:
    """The plans made in the app (not deleted), by name."""
    with transaction(db) as session:
        rows = session.exec(
            select(UserGoalPlan)
            .where(col(UserGoalPlan.deleted_at).is_(None))
            .order_by(col(UserGoalPlan.name))
        ).all()
        return [_plan_of(session, row) for row in rows]


def _row(session: Session, key: str) -> UserGoalPlan | None:
    return session.exec(
        select(UserGoalPlan).where(
            col(UserGoalPlan.key) == key, col(UserGoalPlan.deleted_at).is_(None)
        )
    ).first()


def user_plan(db: Database, key: str) -> GoalPlan | None:
    with transaction(db) as session:
        row = _row(session, key)
        return _plan_of(session, row) if row else None


def available_goalplans(db: Database | None = None) -> list[GoalPlan]:
    """The shipped plans, then (with a database) the plans made in the app, by name."""
    from app.reports.goalplans import shipped_goalplans

    plans = shipped_goalplans()
    if db is not None:
        plans += user_plans(db)
    return plans


def load_goalplan(plan: str, db: Database | None = None) -> GoalPlan:
    """A plan by a TOML file path, a shipped plan's id (``herlev-2024``) or, with a database,
    the id of a plan made in the app."""
    from app.reports.goalplans import goalplan_dir, parse_goalplan, shipped_ids

    path = Path(plan)
    if path.suffix == ".toml" and path.exists():
        return parse_goalplan(path.name, path.read_text(encoding="utf-8"))
    shipped = goalplan_dir() / f"{plan}.toml"
    if shipped.exists():
        return parse_goalplan(shipped.name, shipped.read_text(encoding="utf-8"))
    known = sorted(shipped_ids())
    if db is not None:
        found = user_plan(db, plan)
        if found is not None:
            return found
        known += [p.id for p in user_plans(db)]
    raise ValidationError(
        "Unknown goal plan {plan!r}; the plans are: {plans}", plan=plan, plans=", ".join(known)
    )


def _with_ids(plan: GoalPlan) -> GoalPlan:
    """Every indicator with a unique id (new ones get one from their label)."""
    taken: set[str] = set()
    indicators = []
    for indicator in plan.indicators:
        key = indicator.id if indicator.id and indicator.id not in taken else ""
        key = key or unique_slug(indicator.label, taken, "indikator")
        taken.add(key)
        indicators.append(replace(indicator, id=key))
    return replace(plan, indicators=tuple(indicators))


def _checked(plan: GoalPlan) -> GoalPlan:
    from app.reports.goalplans import checked_plan

    plan = checked_plan(_with_ids(plan))
    if not plan.indicators:
        raise ValidationError("A goal plan needs at least one indicator", field="indicators")
    return plan


def _write_indicators(session: Session, row_id: int, plan: GoalPlan) -> None:
    for old in session.exec(
        select(UserGoalIndicator).where(col(UserGoalIndicator.plan_id) == row_id)
    ).all():
        session.delete(old)
    session.flush()
    for position, indicator in enumerate(plan.indicators):
        target = indicator.target or Target()
        session.add(
            UserGoalIndicator(
                plan_id=row_id,
                position=position,
                key=indicator.id,
                label=indicator.label.strip(),
                measure=indicator.measure,
                params=json.dumps(indicator.params, ensure_ascii=False, sort_keys=True),
                minimum=target.minimum,
                maximum=target.maximum,
                direction=target.direction,
                compare=target.compare,
                years=",".join(str(y) for y in target.years) or None,
                fidelity=indicator.fidelity,
                note=indicator.note_in("da").strip() or None,
                more_targets=json.dumps([t.as_dict() for t in indicator.more_targets])
                if indicator.more_targets
                else None,
            )
        )


def _head(plan: GoalPlan) -> dict[str, Any]:
    return {
        "name": plan.name.strip(),
        "municipality": plan.municipality.strip(),
        "follow_up": plan.follow_up,
        "valid_from": plan.valid_from,
        "valid_to": plan.valid_to,
    }


def save_goal_plan(
    db: Database, actor: Actor, plan: GoalPlan, *, expected_version: int | None = None
) -> tuple[Saved, str]:
    """Create the plan (when ``plan.id`` names no plan made in the app) or replace it; returns
    what was saved and the plan's id. Audited with the old and the new plan."""
    from app.reports.goalplans import plan_summary, shipped_ids

    require_lead(actor)
    plan = _checked(plan)
    with transaction(db) as session:
        row = _row(session, plan.id) if plan.id else None
        if row is None:
            taken = shipped_ids() | set(session.exec(select(col(UserGoalPlan.key))).all())
            key = unique_slug(plan.name, taken)
            row = UserGoalPlan(key=key, based_on=plan.based_on, **_head(plan))
            session.add(row)
            session.flush()
            old, action = None, "create_goal_plan"
        else:
            row = load_for_update(
                session, UserGoalPlan, saved_id(row), expected_version, _head(plan)
            )
            old, action = plan_summary(_plan_of(session, row)), "edit_goal_plan"
            for name, value in _head(plan).items():
                setattr(row, name, value)
            row.updated_at = utc_now()
            flush_versioned(session, row, _head(plan))
        _write_indicators(session, saved_id(row), plan)
        session.flush()
        new = plan_summary(_plan_of(session, row))
        audit.record(
            session,
            actor,
            action,
            entity="goal_plan",
            entity_id=row.id,
            details={"plan": row.key},
            old=old,
            new=new,
        )
        return Saved(saved_id(row), row.version, None, _AREAS), row.key


def delete_goal_plan(
    db: Database, actor: Actor, key: str, *, expected_version: int | None = None
) -> Saved:
    """Remove a plan made in the app from the lists (kept in the database and the audit log)."""
    from app.reports.goalplans import plan_summary

    require_lead(actor)
    with transaction(db) as session:
        row = _row(session, key)
        if row is None:
            raise NotFoundError("The goal plan {plan} does not exist", plan=key)
        row = load_for_update(session, UserGoalPlan, saved_id(row), expected_version, {})
        old = plan_summary(_plan_of(session, row))
        row.deleted_at = row.updated_at = utc_now()
        flush_versioned(session, row, {})
        audit.record(
            session,
            actor,
            "delete_goal_plan",
            entity="goal_plan",
            entity_id=row.id,
            details={"plan": key},
            old=old,
        )
        return Saved(saved_id(row), row.version, None, _AREAS)


def copy_of(plan: GoalPlan, name: str) -> GoalPlan:
    """A new, editable draft of ``plan`` (shipped or made in the app) under a new name, with its
    targets as they stand (a team lead's targets for a shipped plan included)."""
    return replace(plan, id="", name=name, editable=True, version=None, based_on=plan.id)


def set_indicator_target(
    db: Database, actor: Actor, key: str, indicator_id: str, target: Target | None
) -> Saved:
    """The target of one indicator of a plan made in the app (the rest of the plan unchanged)."""
    with transaction(db) as session:
        row = _row(session, key)
        if row is None:
            raise NotFoundError("The goal plan {plan} does not exist", plan=key)
        plan = _plan_of(session, get_row(session, UserGoalPlan, saved_id(row)))
    if indicator_id not in {i.id for i in plan.indicators}:
        raise NotFoundError("The goal plan {plan} has no indicator {id}", plan=key, id=indicator_id)
    changed = replace(
        plan,
        indicators=tuple(
            replace(i, target=target) if i.id == indicator_id else i for i in plan.indicators
        ),
    )
    saved, _key = save_goal_plan(db, actor, changed, expected_version=plan.version)
    return saved
