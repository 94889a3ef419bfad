"""Targets a team lead sets for a goal plan's indicators (Glostrup's goals come without numbers).

Stored in the database, audited with old and new values, and only for team leads and admins.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from app.casework import audit
from app.casework.actor import Actor
from app.casework.result import Saved
from app.domain.errors import PermissionDeniedError, ValidationError
from app.store.engine import Database, transaction
from app.store.models import GoalTarget

_AREAS = frozenset({"goals"})


def set_target(
    db: Database, actor: Actor, plan_id: str, indicator_id: str, values: dict[str, Any]
) -> Saved:
    """Set (or clear, with all values empty) the target of one indicator."""
    if actor.role not in ("teamlead", "admin"):
        raise PermissionDeniedError("Only a team lead or an administrator can set targets")
    minimum, maximum = values.get("minimum"), values.get("maximum")
    direction = values.get("direction") or None
    if direction not in (None, "up", "down"):
        raise ValidationError("Choose rises or falls", field="direction")
    if minimum is not None and maximum is not None and maximum < minimum:
        raise ValidationError("The upper limit is below the lower limit", field="maximum")
    with transaction(db) as session:
        row = session.exec(
            select(GoalTarget).where(
                GoalTarget.plan_id == plan_id, GoalTarget.indicator_id == indicator_id
            )
        ).first()
        old = (
            {"minimum": row.minimum, "maximum": row.maximum, "direction": row.direction}
            if row
            else {}
        )
        if row is None:
            row = GoalTarget(plan_id=plan_id, indicator_id=indicator_id)
            session.add(row)
        row.minimum, row.maximum, row.direction = minimum, maximum, direction
        row.compare = "last-year" if direction else None
        session.flush()
        audit.record(
            session,
            actor,
            "set_goal_target",
            entity="goal_target",
            entity_id=row.id,
            details={"plan": plan_id, "indicator": indicator_id},
            old=old,
            new={"minimum": minimum, "maximum": maximum, "direction": direction},
        )
        return Saved(row.id, row.version, None, _AREAS)  # type: ignore[arg-type]


def targets_for(
    db: Database, plan_id: str
) -> dict[str, tuple[float | None, float | None, str | None, str | None]]:
    with transaction(db) as session:
        rows = session.exec(select(GoalTarget).where(GoalTarget.plan_id == plan_id)).all()
        return {r.indicator_id: (r.minimum, r.maximum, r.direction, r.compare) for r in rows}
