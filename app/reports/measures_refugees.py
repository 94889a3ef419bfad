"""Ministermål 3: refugees and family-reunified in work (Jobindsats MM13), counted a month at a
time from paid hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Date, case, func, literal, or_, select
from sqlalchemy.sql.selectable import Subquery
from sqlmodel import col

from app.domain.dates import add_months
from app.domain.goalplan import born_by
from app.domain.periods import ReportPeriod
from app.reports.measures import (
    FULL_TIME_HOURS_PER_WEEK,
    MeasureResult,
    _days,
    _greatest,
    _least,
    _scalar,
    _spell_overlap,
)
from app.store.engine import Database
from app.store.models import (
    BenefitSpell,
    Citizen,
    Employment,
)


def _hours_at_least(db: Database, period: ReportPeriod, hours: float) -> Subquery:
    """Citizens with at least ``hours`` unsubsidised paid hours in the period's last month and the
    two months before. Hours per week count per day (÷ 7); hours per month count as three months'
    worth over the whole window; an ordinary job without hours counts as 37 hours a week."""
    window_start = add_months(date(period.end.year, period.end.month, 1), -2)
    window_days = (period.end - window_start).days + 1
    first = _greatest(db, col(Employment.start_date), literal(window_start, Date))
    last = _least(
        db,
        func.coalesce(col(Employment.end_date), literal(period.end, Date)),
        literal(period.end, Date),
    )
    overlap = _days(db, first, last)
    worked = case(
        (
            col(Employment.hours_per_week).is_not(None),
            overlap * col(Employment.hours_per_week) / 7.0,
        ),
        (
            col(Employment.hours_per_month).is_not(None),
            overlap * col(Employment.hours_per_month) * 3.0 / window_days,
        ),
        else_=overlap * FULL_TIME_HOURS_PER_WEEK / 7.0,
    )
    return (
        select(col(Employment.citizen_id))
        .where(
            col(Employment.kind).in_(("ordinary_job", "paid_hours")),
            col(Employment.start_date) <= period.end,
            or_(col(Employment.end_date).is_(None), col(Employment.end_date) >= window_start),
        )
        .group_by(col(Employment.citizen_id))
        .having(func.sum(worked) >= hours)
        .subquery()
    )


#: Jobindsats MM13 counts refugees and family-reunified whose first residence permit on those
#: grounds dates from 2004 or later (law-notes §4); a citizen without a recorded year is counted.
REFUGEES_FROM_YEAR = 2004


def _refugee_month(
    db: Database,
    month: ReportPeriod,
    groups: Sequence[str] | None,
    min_age: int | None,
    max_age: int | None,
    min_hours: int,
) -> tuple[int, int]:
    """(flagged citizens, of them in unsubsidised work) in one month.

    One pass over the citizens (their age from their own row) against the set of those working
    that month, instead of a join with distinct counts: a year is twelve of these."""
    conditions = [
        col(Citizen.refugee_or_reunified),
        col(Citizen.deleted_at).is_(None),
        or_(
            col(Citizen.refugee_year).is_(None),
            col(Citizen.refugee_year) >= REFUGEES_FROM_YEAR,
        ),
    ]
    if min_age is not None:
        conditions.append(col(Citizen.birth_date) <= born_by(month.end, min_age))
    if max_age is not None:
        conditions.append(col(Citizen.birth_date) > born_by(month.end, max_age + 1))
    if groups:
        _d, spell_conditions = _spell_overlap(db, month, groups)
        conditions.append(
            select(col(BenefitSpell.id))
            .where(col(BenefitSpell.citizen_id) == col(Citizen.id), *spell_conditions)
            .exists()
        )
    if min_hours:
        working = col(Citizen.id).in_(select(_hours_at_least(db, month, min_hours).c.citizen_id))
    else:
        working = col(Citizen.id).in_(
            select(col(Employment.citizen_id)).where(
                col(Employment.kind).in_(("ordinary_job", "paid_hours")),
                col(Employment.start_date) <= month.end,
                or_(col(Employment.end_date).is_(None), col(Employment.end_date) >= month.start),
            )
        )
    total, employed = _scalar(
        db,
        select(func.count(), func.coalesce(func.sum(case((working, 1), else_=0)), 0)).where(
            *conditions
        ),
    )
    return int(total), int(employed)


def refugee_self_support_share(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    min_hours: int = 0,
    **_: Any,
) -> MeasureResult:
    """Ministermål 3 as Jobindsats MM13 defines it: a monthly status. Each month, of the
    citizens flagged as refugee or family-reunified (first permit from 2004), aged 18–66 at the
    month's end (or the band given), the share in unsubsidised work that month — any paid hours
    ("helt eller delvist selvforsørgende"), or with ``min_hours=190`` at least 190 hours in the
    month and the two before. A longer period gives the average over its months (person-months
    in work ÷ person-months flagged). ``groups`` keeps, each month, those with a day in them
    (Herlev: the jobparate)."""
    months = period.months()
    flagged = working = 0
    for month in months:
        total, employed = _refugee_month(db, month, groups, min_age, max_age, min_hours)
        flagged, working = flagged + total, working + employed
    if not flagged:
        return MeasureResult(None, 0, "share", numerator=0)
    return MeasureResult(
        round(100 * working / flagged, 1),
        round(flagged / len(months)),
        "share",
        numerator=round(working / len(months)),
    )
