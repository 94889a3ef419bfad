"""Measures of paid work while on support: småjob (a few paid hours a week) and paid hours
during a benefit, with the hours band an organisation setting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Date, distinct, func, literal, select
from sqlalchemy.sql.selectable import Select
from sqlmodel import col

from app.domain.periods import ReportPeriod
from app.reports.measures import (
    FULL_TIME_HOURS_PER_WEEK,
    MeasureResult,
    _aged,
    _employed_persons,
    _employment_in_period,
    _in_groups_during,
    _scalar,
    _share_in,
)
from app.store.engine import Database
from app.store.models import (
    Employment,
)


def smajob_band(db: Database) -> tuple[float, float]:
    """The småjob band (paid hours a month) from the organisation settings."""
    from app.store import settings as org_settings

    return (
        float(org_settings.get(db, "smajob_hours_min")),
        float(org_settings.get(db, "smajob_hours_max")),
    )


def smajob_persons(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    band: Sequence[float] | None = None,
    **_: Any,
) -> MeasureResult:
    """Persons with paid hours per month inside the småjob band (organisation settings
    ``smajob_hours_min`` … ``smajob_hours_max``); hours agreed per week count 52/12 weeks a month."""
    low, high = band or smajob_band(db)
    #: paid hours agreed per week count as 52/12 weeks a month
    monthly = func.coalesce(
        col(Employment.hours_per_month), col(Employment.hours_per_week) * 52.0 / 12
    )
    count = _employed_persons(
        db,
        period,
        [
            *_employment_in_period(period, ("paid_hours",)),
            monthly >= low,
            monthly <= high,
        ],
        groups,
        min_age,
        max_age,
    )
    return MeasureResult(float(count), count, "persons", {"band": [low, high]})


def _work_while_in(
    period: ReportPeriod, kinds: Sequence[str], groups: Sequence[str] | None
) -> Select[int]:
    """Citizens with work of the kinds on a day of the period on which they were in the groups."""
    end = func.coalesce(col(Employment.end_date), literal(period.end, Date))
    return select(col(Employment.citizen_id)).where(
        *_employment_in_period(period, kinds),
        _in_groups_during(
            col(Employment.citizen_id), col(Employment.start_date), end, period, groups
        ),
    )


def paid_hours_share(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Of the group's citizens in the period, the share with ordinary paid hours (paid hours or
    an ordinary job) on a day they were on the benefit."""
    working = _work_while_in(period, ("paid_hours", "ordinary_job"), groups)
    return _share_in(db, period, groups, min_age, max_age, working)


#: Herlev's småjob goal: aktivitetsparate of every age and citizens in ressourceforløb.
SMAJOB_YEAR_GROUPS = (
    "kontanthjaelp_aktivitetsparat",
    "uddannelseshjaelp_aktivitetsparat",
    "ressourceforloeb",
)


def smajob_year_persons(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    band: Sequence[float] | None = None,
    **_: Any,
) -> MeasureResult:
    """Småjob judged on the year: citizens with paid hours (within the småjob band) on a day
    they were in the groups, from 1 January of the period's last year up to the period's last
    day. A month's figure is the year so far, so it can be held against a yearly target."""
    low, high = band or smajob_band(db)
    year = ReportPeriod(date(period.end.year, 1, 1), period.end, str(period.end.year))
    monthly = func.coalesce(
        col(Employment.hours_per_month),
        col(Employment.hours_per_week) * 52.0 / 12,
        FULL_TIME_HOURS_PER_WEEK * 52.0 / 12,
    )
    rows = (
        _work_while_in(year, ("paid_hours", "ordinary_job"), groups or SMAJOB_YEAR_GROUPS)
        .where(
            monthly >= low,
            monthly <= high,
            *_aged(col(Employment.citizen_id), year.end, min_age, max_age),
        )
        .subquery()
    )
    (count,) = _scalar(db, select(func.count(distinct(rows.c.citizen_id))))
    return MeasureResult(
        float(count),
        int(count),
        "persons",
        {"band": [low, high], "from": year.start.isoformat()},
    )
