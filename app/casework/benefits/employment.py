"""Use cases for employment outcomes: ordinary job, paid hours (småjob), fleksjob, education."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.casework.core.editing import (
    apply_changes,
    flush_versioned,
    get_row,
    insert_audited,
    load_case_row_for_update,
    update_audited,
)
from app.casework.core.result import Area, Saved
from app.domain.codes import check_code
from app.domain.dates import check_period
from app.domain.errors import ValidationError
from app.store.engine import Database, transaction
from app.store.models import Citizen, Company, Employment
from app.store.row_values import saved_id

_AREAS = frozenset({Area.EMPLOYMENT, Area.CITIZEN, Area.HISTORY})
MAX_HOURS_PER_MONTH = 300


def _check(values: Mapping[str, Any]) -> None:
    kind = check_code("employment_kind", values.get("kind"))
    if values.get("start_date") is None:
        raise ValidationError("Give the start date", field="start_date")
    check_period(values.get("start_date"), values.get("end_date"))
    week, month = values.get("hours_per_week"), values.get("hours_per_month")
    if week is not None and not 0 < float(week) <= 60:
        raise ValidationError(
            "Hours per week must be more than 0 and at most {max}", field="hours_per_week", max=60
        )
    if month is not None and not 0 < float(month) <= MAX_HOURS_PER_MONTH:
        raise ValidationError(
            "Hours per month must be more than 0 and at most {max}",
            field="hours_per_month",
            max=MAX_HOURS_PER_MONTH,
        )
    if kind == "flexjob" and week is None:
        raise ValidationError("A fleksjob needs its hours per week", field="hours_per_week")
    if kind == "paid_hours" and month is None and week is None:
        raise ValidationError("Paid hours need the hours per month", field="hours_per_month")
    if kind != "education" and values.get("completed") is not None:
        raise ValidationError("Only education is finished or dropped", field="completed")


def register_employment(
    db: Database, actor: Actor, citizen_id: int, values: Mapping[str, Any]
) -> Saved:
    cleaned: dict[str, Any] = {
        k: values.get(k)
        for k in (
            "kind",
            "company_id",
            "start_date",
            "end_date",
            "hours_per_week",
            "hours_per_month",
            "completed",
        )
    }
    _check(cleaned)
    with transaction(db) as session:
        get_row(session, Citizen, citizen_id)
        access.require_case_write(session, actor, citizen_id)
        if cleaned["company_id"] is not None:
            get_row(session, Company, cleaned["company_id"])
        row = Employment(citizen_id=citizen_id, **cleaned)
        return insert_audited(session, actor, row, cleaned, entity="employment", areas=_AREAS)


def end_employment(
    db: Database,
    actor: Actor,
    employment_id: int,
    end: date,
    *,
    completed: bool | None = None,
    expected_version: int | None = None,
) -> Saved:
    """End a job or paid hours; for education ``completed`` says finished (True) or dropped (False)."""
    with transaction(db) as session:
        row = load_case_row_for_update(
            session, actor, Employment, employment_id, expected_version, {"end_date": end}
        )
        changes: dict[str, Any] = {"end_date": end}
        if row.kind == "education":
            if completed is None:
                raise ValidationError(
                    "Say whether the education was finished or dropped", field="completed"
                )
            changes["completed"] = completed
        _check(
            {
                **{
                    k: getattr(row, k)
                    for k in (
                        "kind",
                        "start_date",
                        "hours_per_week",
                        "hours_per_month",
                        "completed",
                    )
                },
                **changes,
            }
        )
        return update_audited(
            session, actor, row, changes, action="end_employment", entity="employment", areas=_AREAS
        )


def change_flexjob_hours(
    db: Database,
    actor: Actor,
    employment_id: int,
    hours_per_week: float,
    from_date: date,
    *,
    expected_version: int | None = None,
) -> Saved:
    """A change of fleksjob hours ends the current row the day before and starts one with the new
    hours, so the history shows whether the citizen went up in hours."""
    with transaction(db) as session:
        row = load_case_row_for_update(
            session,
            actor,
            Employment,
            employment_id,
            expected_version,
            {"hours_per_week": hours_per_week},
        )
        if row.kind != "flexjob" or row.end_date is not None:
            raise ValidationError(
                "Only an ongoing fleksjob can change hours", field="hours_per_week"
            )
        if from_date <= row.start_date:
            raise ValidationError(
                "The new hours must start after the fleksjob started ({start})",
                field="start_date",
                start=row.start_date.isoformat(),
            )
        values: dict[str, Any] = {
            "kind": "flexjob",
            "company_id": row.company_id,
            "start_date": from_date,
            "end_date": None,
            "hours_per_week": hours_per_week,
            "hours_per_month": None,
            "completed": None,
        }
        _check(values)
        old, new = apply_changes(row, {"end_date": from_date - timedelta(days=1)})
        flush_versioned(session, row, new)
        successor = Employment(citizen_id=row.citizen_id, **values)
        session.add(successor)
        session.flush()
        audit.record(
            session,
            actor,
            "change_flexjob_hours",
            entity="employment",
            entity_id=successor.id,
            citizen_id=row.citizen_id,
            old={"hours_per_week": row.hours_per_week},
            new={"hours_per_week": hours_per_week, "from": from_date},
        )
        return Saved(saved_id(successor), successor.version, row.citizen_id, _AREAS)
