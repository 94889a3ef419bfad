"""Targets a team lead sets for a goal plan's indicators (Glostrup's goals come without numbers).

Stored in the database, audited with old and new values, and only for team leads and admins.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmodel import col, select

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.core.result import Area, Saved
from app.domain.errors import NotFoundError, PermissionDeniedError
from app.domain.goalplan import GoalPlan, Target, check_target, target_from, years_from
from app.store.engine import Database, transaction
from app.store.models import GoalTarget
from app.store.row_values import saved_id

_AREAS = frozenset({Area.GOALS})


def set_target(
    db: Database, actor: Actor, plan_id: str, indicator_id: str, values: dict[str, Any]
) -> Saved:
    """Set (or clear, with all values empty) the target of one indicator: at least ``minimum``,
    at most ``maximum``, and/or ``direction`` up/down against ``compare`` (last-year/previous).
    For a plan made in the app the plan itself changes; a shipped plan's file stays as it is and
    the target set here takes the place of the file's."""
    if actor.role not in ("teamlead", "admin"):
        raise PermissionDeniedError("Only a team lead or an administrator can set targets")
    minimum, maximum = values.get("minimum"), values.get("maximum")
    direction = values.get("direction") or None
    compare = (values.get("compare") or "last-year") if direction else None
    years = years_from(values.get("years"))
    check_target(Target(minimum, maximum, direction, compare, years), values.get("unit", ""))
    stored_years = ",".join(str(y) for y in years) or None
    from app.casework.goals.goal_plans import set_indicator_target, user_plan

    if user_plan(db, plan_id) is not None:
        return set_indicator_target(
            db,
            actor,
            plan_id,
            indicator_id,
            target_from({**values, "compare": compare, "years": years}),
        )
    from app.casework.goals.goal_plans import load_goalplan

    if indicator_id not in {i.id for i in load_goalplan(plan_id).indicators}:
        raise NotFoundError(
            "The goal plan {plan} has no indicator {id}", plan=plan_id, id=indicator_id
        )
    with transaction(db) as session:
        row = session.exec(
            select(GoalTarget).where(
                col(GoalTarget.plan_id) == plan_id, col(GoalTarget.indicator_id) == indicator_id
            )
        ).first()
        old = (
            {
                "minimum": row.minimum,
                "maximum": row.maximum,
                "direction": row.direction,
                "compare": row.compare,
                "years": row.years,
            }
            if row
            else {}
        )
        if row is None:
            row = GoalTarget(plan_id=plan_id, indicator_id=indicator_id)
            session.add(row)
        row.minimum, row.maximum, row.direction = minimum, maximum, direction
        row.compare, row.years = compare, stored_years
        session.flush()
        audit.record(
            session,
            actor,
            "set_goal_target",
            entity="goal_target",
            entity_id=row.id,
            details={"plan": plan_id, "indicator": indicator_id},
            old=old,
            new={
                "minimum": minimum,
                "maximum": maximum,
                "direction": direction,
                "compare": compare,
                "years": stored_years,
            },
        )
        return Saved(saved_id(row), row.version, None, _AREAS)


def targets_for(
    db: Database, plan_id: str
) -> dict[str, tuple[float | None, float | None, str | None, str | None, str | None]]:
    """The targets set for a shipped plan: (minimum, maximum, direction, compare, years)."""
    with transaction(db) as session:
        rows = session.exec(select(GoalTarget).where(col(GoalTarget.plan_id) == plan_id)).all()
        return {
            r.indicator_id: (r.minimum, r.maximum, r.direction, r.compare, r.years) for r in rows
        }


def with_user_targets(db: Database, plan: GoalPlan) -> GoalPlan:
    """A shipped plan with the targets team leads set in the app in place of the file's (a plan
    made in the app holds its targets itself)."""
    if plan.editable:
        return plan
    user = targets_for(db, plan.id)
    if not user:
        return plan
    indicators = []
    for indicator in plan.indicators:
        if indicator.id in user:
            minimum, maximum, direction, compare, years = user[indicator.id]
            indicator = replace(
                indicator,
                target=target_from(
                    {
                        "minimum": minimum,
                        "maximum": maximum,
                        "direction": direction,
                        "compare": compare,
                        "years": years,
                    }
                ),
                more_targets=(),
            )
        indicators.append(indicator)
    return replace(plan, indicators=tuple(indicators))
