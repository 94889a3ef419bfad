"""Indicator measures, computed in the database (SQLite and PostgreSQL), per shared/domain.md §5.

Each measure takes a period and its parameters and returns a ``MeasureResult``: the value, the
number of persons (or units) behind it — so that small figures can be suppressed before anything
is shown — and a unit. Date arithmetic happens in SQL, one aggregate query per measure.

Parameters are declared per measure (``Measure.params``, kinds in ``app.domain.goalplan.PARAMS``)
and checked by ``measure_catalog.run_measure``: a parameter a measure does not take is refused, not ignored. An
age band (``min_age``/``max_age``) is the citizen's age on the period's last day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, case, cast, distinct, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.domain.codes import COMPANY_BASED_OFFER_KINDS, OFFER_KINDS
from app.domain.dates import add_months
from app.domain.goalplan import born_by
from app.domain.periods import ReportPeriod
from app.store.engine import Database, translating_errors
from app.store.models import (
    BenefitSpell,
    Citizen,
    Company,
    CompanyContact,
    Employment,
    Offer,
    RecruitmentOrder,
    StoredRequirement,
)

#: "Virksomhedsrettede tilbud" = virksomhedspraktik + løntilskud (shared/domain.md §3).
VIRKSOMHEDSRETTEDE = tuple(k for k in OFFER_KINDS if k in COMPANY_BASED_OFFER_KINDS)
UPSKILLING = ("ordinaer_uddannelse", "jobrettet_uddannelse", "voksenlaerling")
UPSKILLING_GROUPS = (
    "dagpenge",
    "kontanthjaelp_jobparat",
    "kontanthjaelp_aktivitetsparat",
    "uddannelseshjaelp_uddannelsesparat",
    "uddannelseshjaelp_aktivitetsparat",
    "ledighedsydelse",
)
#: An ordinary job registered without hours counts as full time (37 hours a week).
FULL_TIME_HOURS_PER_WEEK = 37.0


@dataclass(frozen=True)
class MeasureResult:
    value: float | None
    persons: int  # how many persons (or companies/orders) the figure is built on
    unit: str  # "fte", "persons", "count", "share", "days"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str
    title: str  # an English msgid: the measure's short name in pickers
    definition: str  # an English msgid: what is counted
    compute: Callable[..., MeasureResult]
    #: The parameters it takes (kinds in ``app.domain.goalplan.PARAMS``) and their defaults.
    params: tuple[str, ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: The period's figure is the sum of its months' figures (weighted by days for ``fte``), so a
    #: monthly series shown beside it needs secondary suppression.
    additive: bool = False
    #: The target groups it can be restricted to (None: all).
    group_choices: tuple[str, ...] | None = None


def _least(db: Database, a: Any, b: Any) -> ColumnElement:
    return func.min(a, b) if db.is_sqlite else func.least(a, b)


def _greatest(db: Database, a: Any, b: Any) -> ColumnElement:
    return func.max(a, b) if db.is_sqlite else func.greatest(a, b)


def _days(db: Database, first: Any, last: Any) -> ColumnElement:
    """Days from ``first`` to ``last`` inclusive."""
    if db.is_sqlite:
        return func.julianday(last) - func.julianday(first) + 1
    return cast(last, Date) - cast(first, Date) + 1


def _live(citizen_id: Any) -> ColumnElement:
    """Leaves out deleted citizens (registered by mistake, or waiting to be restored): they are
    not part of any figure. (NOT IN the few deleted ids: cheap even on a big database.)"""
    return ~citizen_id.in_(select(Citizen.id).where(Citizen.deleted_at.is_not(None)))  # type: ignore[union-attr]


def _aged(
    citizen_id: Any, on: date, min_age: int | None, max_age: int | None
) -> list[ColumnElement]:
    """Conditions keeping living (not deleted) citizens whose age on ``on`` is within the band."""
    if min_age is None and max_age is None:
        return [_live(citizen_id)]
    query = select(Citizen.id).where(Citizen.deleted_at.is_(None))  # type: ignore[union-attr]
    if min_age is not None:
        query = query.where(Citizen.birth_date <= born_by(on, min_age))
    if max_age is not None:
        query = query.where(Citizen.birth_date > born_by(on, max_age + 1))
    return [citizen_id.in_(query)]


def _spell_overlap(
    db: Database,
    period: ReportPeriod,
    groups: Sequence[str] | None,
    min_age: int | None = None,
    max_age: int | None = None,
) -> tuple[ColumnElement, list]:
    start = _greatest(db, BenefitSpell.start_date, literal(period.start, Date))
    end = _least(
        db,
        func.coalesce(BenefitSpell.end_date, literal(period.end, Date)),
        literal(period.end, Date),
    )
    conditions = [
        BenefitSpell.start_date <= period.end,
        or_(BenefitSpell.end_date.is_(None), BenefitSpell.end_date >= period.start),
    ]  # type: ignore[union-attr]
    if groups:
        conditions.append(BenefitSpell.target_group.in_(groups))  # type: ignore[attr-defined]
    conditions += _aged(BenefitSpell.citizen_id, period.end, min_age, max_age)
    return _days(db, start, end), conditions


def _scalar(db: Database, query) -> Any:  # type: ignore[no-untyped-def]
    with translating_errors(db), db.engine.connect() as conn:
        return conn.execute(query).one()


def fte_day_sum(
    db: Database,
    period: ReportPeriod,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
) -> tuple[float, int]:
    """Days on the benefits within the period, summed over spells, and the number of persons:
    ``fte`` unrounded is the first ÷ ``period.days`` (the benchmark compares it with DuckDB)."""
    days, conditions = _spell_overlap(db, period, groups, min_age, max_age)
    total, persons = _scalar(
        db,
        select(
            func.coalesce(func.sum(days), 0), func.count(distinct(BenefitSpell.citizen_id))
        ).where(*conditions),
    )
    return float(total), int(persons)


def fte_day_sums_by_group(db: Database, period: ReportPeriod) -> dict[str, float]:
    """``fte_day_sum`` for every target group at once (one grouped query): days summed per group."""
    days, conditions = _spell_overlap(db, period, None)
    with translating_errors(db), db.engine.connect() as conn:
        rows = conn.execute(
            select(BenefitSpell.target_group, func.sum(days))
            .where(*conditions)
            .group_by(BenefitSpell.target_group)
        ).all()
    return {group: float(total) for group, total in rows}


def fte(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Fuldtidspersoner: days on the benefit within the period ÷ days in the period, summed."""
    total, persons = fte_day_sum(db, period, groups, min_age, max_age)
    return MeasureResult(round(float(total) / period.days, 2), int(persons), "fte")


def persons(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Distinct citizens with at least one day in the groups in the period."""
    _days_expr, conditions = _spell_overlap(db, period, groups, min_age, max_age)
    (count,) = _scalar(db, select(func.count(distinct(BenefitSpell.citizen_id))).where(*conditions))
    return MeasureResult(float(count), int(count), "persons")


def _offers_started(
    db: Database,
    period: ReportPeriod,
    kinds: Sequence[str] | None,
    groups: Sequence[str] | None,
    min_age: int | None = None,
    max_age: int | None = None,
):  # type: ignore[no-untyped-def]
    query = select(Offer.id, Offer.citizen_id).where(
        Offer.deleted_at.is_(None),
        Offer.status != "cancelled",
        Offer.start_date >= period.start,  # type: ignore[union-attr]
        Offer.start_date <= period.end,
        *_aged(Offer.citizen_id, period.end, min_age, max_age),
    )  # type: ignore[operator]
    if kinds:
        query = query.where(Offer.kind.in_(kinds))  # type: ignore[attr-defined]
    if groups:
        query = query.where(
            select(BenefitSpell.id)
            .where(
                BenefitSpell.citizen_id == Offer.citizen_id,
                BenefitSpell.target_group.in_(groups),  # type: ignore[attr-defined]
                BenefitSpell.start_date <= Offer.start_date,
                or_(BenefitSpell.end_date.is_(None), BenefitSpell.end_date >= Offer.start_date),
            )
            .exists()
        )  # type: ignore[union-attr]
    return query.subquery()


def offers_started(
    db: Database,
    period: ReportPeriod,
    *,
    kinds: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Offers that started in the period (not cancelled), by kind and by the citizen's group at the start."""
    started = _offers_started(db, period, kinds, groups, min_age, max_age)
    count, people = _scalar(
        db, select(func.count(started.c.id), func.count(distinct(started.c.citizen_id)))
    )
    return MeasureResult(float(count), int(people), "count")


def virksomhedsrettede_share(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Share of the group's persons in the period who started a virksomhedsrettet tilbud."""
    base = persons(db, period, groups=groups, min_age=min_age, max_age=max_age)
    started = _offers_started(db, period, VIRKSOMHEDSRETTEDE, groups, min_age, max_age)
    (people,) = _scalar(db, select(func.count(distinct(started.c.citizen_id))))
    share = round(100 * people / base.persons, 1) if base.persons else None
    return MeasureResult(share, base.persons, "share")


def upskilling_started(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Ministermål 2: ordinær uddannelse, jobrettet uddannelse or voksenlærling started (MM17)."""
    return offers_started(
        db,
        period,
        kinds=UPSKILLING,
        groups=groups or UPSKILLING_GROUPS,
        min_age=min_age,
        max_age=max_age,
    )


def _employment_in_period(period: ReportPeriod, kinds: Sequence[str]) -> list:
    return [
        _live(Employment.citizen_id),
        Employment.kind.in_(kinds),
        Employment.start_date <= period.end,  # type: ignore[attr-defined]
        or_(Employment.end_date.is_(None), Employment.end_date >= period.start),
    ]  # type: ignore[union-attr]


def _employed_persons(
    db: Database,
    period: ReportPeriod,
    conditions: list,
    groups: Sequence[str] | None,
    min_age: int | None,
    max_age: int | None,
) -> int:
    query = select(func.count(distinct(Employment.citizen_id))).where(
        *conditions, *_aged(Employment.citizen_id, period.end, min_age, max_age)
    )
    if groups:
        _d, spell_conditions = _spell_overlap(db, period, groups)
        query = query.where(
            select(BenefitSpell.id)
            .where(BenefitSpell.citizen_id == Employment.citizen_id, *spell_conditions)
            .exists()
        )
    (count,) = _scalar(db, query)
    return int(count)


def persons_paid_hours(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Persons with ordinary paid hours (småjob or ordinary job) at some point in the period."""
    count = _employed_persons(
        db,
        period,
        _employment_in_period(period, ("paid_hours", "ordinary_job")),
        groups,
        min_age,
        max_age,
    )
    return MeasureResult(float(count), count, "persons")


def smajob_band(db: Database) -> tuple[float, float]:
    """The småjob band (paid hours a month) from the organisation settings."""
    from app.casework import org_settings

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
    monthly = func.coalesce(Employment.hours_per_month, Employment.hours_per_week * 52.0 / 12)
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


def recruitment_orders_matched_share(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    """Share of recruitment orders received in the period that were filled (ordinary hire or fleksjob)."""
    filled = func.sum(
        case((RecruitmentOrder.status.in_(("filled_ordinary", "filled_flexjob")), 1), else_=0)
    )  # type: ignore[attr-defined]
    total, matched = _scalar(
        db,
        select(func.count(RecruitmentOrder.id), func.coalesce(filled, 0)).where(
            RecruitmentOrder.received_on >= period.start, RecruitmentOrder.received_on <= period.end
        ),
    )  # type: ignore[operator]
    return MeasureResult(round(100 * matched / total, 1) if total else None, int(total), "share")


def company_contacts_unique(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    (count,) = _scalar(
        db,
        select(func.count(distinct(CompanyContact.company_id))).where(
            CompanyContact.contacted_on >= period.start, CompanyContact.contacted_on <= period.end
        ),
    )  # type: ignore[operator]
    return MeasureResult(float(count), int(count), "count")


def company_contacts_to_offer(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    (count,) = _scalar(
        db,
        select(func.count(distinct(CompanyContact.company_id))).where(
            CompanyContact.contacted_on >= period.start,
            CompanyContact.contacted_on <= period.end,  # type: ignore[operator]
            CompanyContact.led_to_offer,
        ),
    )
    return MeasureResult(float(count), int(count), "count")


def companies_contacted_share(
    db: Database, period: ReportPeriod, *, min_employees: int = 3, **_: Any
) -> MeasureResult:
    """Share of registered companies with at least ``min_employees`` employees contacted in the period."""
    contacted = (
        select(CompanyContact.id)
        .where(
            CompanyContact.company_id == Company.id,
            CompanyContact.contacted_on >= period.start,  # type: ignore[operator]
            CompanyContact.contacted_on <= period.end,
        )
        .exists()
    )  # type: ignore[operator]
    total, reached = _scalar(
        db,
        select(
            func.count(Company.id), func.coalesce(func.sum(case((contacted, 1), else_=0)), 0)
        ).where(Company.employees >= min_employees),
    )  # type: ignore[operator]
    return MeasureResult(round(100 * reached / total, 1) if total else None, int(total), "share")


def ledighedsydelse_share_of_flex(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    """Of the fleksjob-visiterede (fuldtidspersoner on ledighedsydelse + in fleksjob), the share on ledighedsydelse."""
    waiting = fte(db, period, groups=["ledighedsydelse"])
    working = fte(db, period, groups=["fleksjob"])
    total = (waiting.value or 0) + (working.value or 0)
    return MeasureResult(
        round(100 * (waiting.value or 0) / total, 1) if total else None,
        waiting.persons + working.persons,
        "share",
    )


def mean_days_on_support(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Mean length in days of the spells (in the groups) that ended in the period."""
    length = _days(db, BenefitSpell.start_date, BenefitSpell.end_date)
    conditions = [
        BenefitSpell.end_date >= period.start,
        BenefitSpell.end_date <= period.end,
        *_aged(BenefitSpell.citizen_id, period.end, min_age, max_age),
    ]  # type: ignore[operator]
    if groups:
        conditions.append(BenefitSpell.target_group.in_(groups))  # type: ignore[attr-defined]
    mean, count = _scalar(
        db, select(func.avg(length), func.count(BenefitSpell.id)).where(and_(*conditions))
    )
    return MeasureResult(round(float(mean), 1) if mean is not None else None, int(count), "days")


def _hours_at_least(db: Database, period: ReportPeriod, hours: float):  # type: ignore[no-untyped-def]
    """Citizens with at least ``hours`` unsubsidised paid hours in the period's last month and the
    two months before. Hours per week count per day (÷ 7); hours per month count as three months'
    worth over the whole window; an ordinary job without hours counts as 37 hours a week."""
    window_start = add_months(date(period.end.year, period.end.month, 1), -2)
    window_days = (period.end - window_start).days + 1
    first = _greatest(db, Employment.start_date, literal(window_start, Date))
    last = _least(
        db,
        func.coalesce(Employment.end_date, literal(period.end, Date)),
        literal(period.end, Date),
    )
    overlap = _days(db, first, last)
    worked = case(
        (Employment.hours_per_week.is_not(None), overlap * Employment.hours_per_week / 7.0),
        (
            Employment.hours_per_month.is_not(None),
            overlap * Employment.hours_per_month * 3.0 / window_days,
        ),
        else_=overlap * FULL_TIME_HOURS_PER_WEEK / 7.0,
    )  # type: ignore[union-attr]
    return (
        select(Employment.citizen_id)
        .where(
            Employment.kind.in_(("ordinary_job", "paid_hours")),  # type: ignore[attr-defined]
            Employment.start_date <= period.end,
            or_(Employment.end_date.is_(None), Employment.end_date >= window_start),
        )  # type: ignore[union-attr]
        .group_by(Employment.citizen_id)
        .having(func.sum(worked) >= hours)
        .subquery()
    )


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
    """Ministermål 3 (MM13): of the citizens flagged as refugee or family-reunified, aged 18–66 on
    the period's last day (or the band given), the share in unsubsidised work — any paid hours in
    the period ("helt eller delvist selvforsørgende"), or with ``min_hours=190`` at least 190 hours
    in the period's last month and the two before. ``groups`` keeps those with a day in them."""
    conditions = [
        Citizen.refugee_or_reunified,
        Citizen.deleted_at.is_(None),  # type: ignore[union-attr]
        *_aged(Citizen.id, period.end, min_age, max_age),
    ]
    if groups:
        _d, spell_conditions = _spell_overlap(db, period, groups)
        conditions.append(
            select(BenefitSpell.id)
            .where(BenefitSpell.citizen_id == Citizen.id, *spell_conditions)
            .exists()
        )
    flagged = select(Citizen.id).where(*conditions).subquery()
    if min_hours:
        working = _hours_at_least(db, period, min_hours)
    else:
        working = (
            select(Employment.citizen_id)
            .where(*_employment_in_period(period, ("ordinary_job", "paid_hours")))
            .subquery()
        )
    total, employed = _scalar(
        db,
        select(func.count(distinct(flagged.c.id)), func.count(distinct(working.c.citizen_id)))
        .select_from(flagged)
        .outerjoin(working, working.c.citizen_id == flagged.c.id),
    )
    return MeasureResult(round(100 * employed / total, 1) if total else None, int(total), "share")


def _kept_requirements(db: Database) -> Any:
    """The kept requirements table, brought up to date with the rules in force first."""
    from app.casework.deadline_rule_files import load_rule_sets
    from app.casework.deadline_store import ensure_current

    ensure_current(db, load_rule_sets().book)
    return StoredRequirement


def _met_in_time(r: Any) -> ColumnElement:
    """1 for a requirement met on or before its due date, else 0 (for sums in SQL)."""
    return case((and_(r.met_on.is_not(None), r.met_on <= r.due), 1), else_=0)


def _on_time(
    db: Database, period: ReportPeriod, kinds: set[str], groups: Sequence[str] | None
) -> MeasureResult:
    """Of the requirements due in the period (whose due date has passed), the share met in time.

    Read from the kept requirements (``app.casework.deadline_store``): a requirement due by the
    day asked about is met in time exactly when its kept ``met_on`` is on or before ``due``.
    """
    r = _kept_requirements(db)
    as_of = min(period.end, date.today())
    query = (
        select(func.count(), func.sum(_met_in_time(r)), func.count(distinct(r.citizen_id)))
        .join(Citizen, Citizen.id == r.citizen_id)
        .where(
            Citizen.deleted_at.is_(None),  # type: ignore[union-attr]
            r.kind.in_(sorted(kinds)),
            r.due >= period.start,
            r.due <= as_of,
        )
    )
    if groups:
        query = query.where(r.target_group.in_(list(groups)))
    due, met, people = _scalar(db, query)
    return MeasureResult(
        round(100 * (met or 0) / due, 1) if due else None,
        int(people or 0),
        "share",
        {"groups": list(groups or [])},
    )


def conversations_on_time_share(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """Rettidighed (ministermål 1): conversation requirements due in the period that were met in time."""
    return _on_time(
        db, period, {"first_by", "count_in_window", "agreed_contact", "assessment_after"}, groups
    )


def offers_on_time_share(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """Rettidighed for ret og pligt: offers due in the period that started in time."""
    return _on_time(db, period, {"offer_by"}, groups)


def flexjob_hours_increased_share(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    """Of the citizens in fleksjob in the period, the share whose hours went up in the period (a
    fleksjob row starting in the period with more hours than an earlier, ended one)."""
    from sqlalchemy.orm import aliased

    before = aliased(Employment)
    went_up = (
        select(func.count(distinct(Employment.citizen_id)))
        .join(
            before,
            and_(
                before.citizen_id == Employment.citizen_id,
                before.kind == "flexjob",
                before.end_date.is_not(None),
                before.end_date < Employment.start_date,  # type: ignore[union-attr, operator]
                before.hours_per_week < Employment.hours_per_week,
            ),
        )
        .where(  # type: ignore[operator]
            _live(Employment.citizen_id),
            Employment.kind == "flexjob",
            Employment.start_date >= period.start,
            Employment.start_date <= period.end,
        )
    )  # type: ignore[operator]
    (up,) = _scalar(db, went_up)
    (total,) = _scalar(
        db,
        select(func.count(distinct(Employment.citizen_id))).where(
            *_employment_in_period(period, ("flexjob",))
        ),
    )
    return MeasureResult(round(100 * up / total, 1) if total else None, int(total), "share")


def youth_education_dropout(
    db: Database,
    period: ReportPeriod,
    *,
    min_age: int | None = None,
    max_age: int = 29,
    **_: Any,
) -> MeasureResult:
    """Of the educations of young people (under 30 when they started, or the age band given) that
    ended in the period, the share dropped out within 12 months of the start."""
    from app.domain.identifiers import age_on

    rows = _scalar_all(
        db,
        select(Employment.start_date, Employment.end_date, Employment.completed, Citizen.birth_date)
        .join(Citizen, Citizen.id == Employment.citizen_id)
        .where(
            Citizen.deleted_at.is_(None),  # type: ignore[union-attr]
            Employment.kind == "education",
            Employment.end_date >= period.start,
            Employment.end_date <= period.end,
        ),
    )  # type: ignore[operator]
    young = [
        r
        for r in rows
        if (min_age or 0)
        <= age_on(r.birth_date, r.start_date)
        <= (120 if max_age is None else max_age)
    ]
    dropped = sum(
        1 for r in young if r.completed is False and r.end_date < add_months(r.start_date, 12)
    )
    return MeasureResult(
        round(100 * dropped / len(young), 1) if young else None, len(young), "share"
    )


def _scalar_all(db: Database, query) -> list:  # type: ignore[no-untyped-def]
    with translating_errors(db), db.engine.connect() as conn:
        return list(conn.execute(query).all())


#: The groups the 75 % rule covers from 1 July 2026 (lov nr. 1750/2025, STAR's guidance): for
#: conversations dagpenge, jobparat kontanthjælp and ledighedsydelse; for offers dagpenge, jobparat
#: and uddannelsesparat kontanthjælp.
RULE_75_GROUPS = ("dagpenge", "kontanthjaelp_jobparat", "ledighedsydelse")
RULE_75_OFFER_GROUPS = ("dagpenge", "kontanthjaelp_jobparat", "uddannelseshjaelp_uddannelsesparat")


def _rule_75(kinds: tuple[str, ...]) -> list[tuple[str, str, frozenset[str]]]:
    """(rule set, rule id, groups) of the rules that make up the kommune's 75 % shares: the rule
    files mark them (``rule_75``); requirements the a-kasse holds are the a-kasse's own share and
    are left out."""
    from app.casework.deadline_rule_files import load_rule_sets

    return [
        (rs.name, rule.id, rule.rule_75)
        for rs in load_rule_sets().rule_sets
        for rule in rs.rules
        if rule.rule_75 and rule.kind in kinds and rule.held_by != "a_kasse"
    ]


def _share_75(
    db: Database, period: ReportPeriod, kinds: tuple[str, ...], groups: Sequence[str]
) -> MeasureResult:
    r = _kept_requirements(db)
    marked = [
        and_(r.rule_set == rule_set, r.rule_id == rule_id, r.target_group.in_(sorted(g & set(groups))))
        for rule_set, rule_id, g in _rule_75(kinds)
        if g & set(groups)
    ]
    if not marked:
        return MeasureResult(None, 0, "share", {"groups": list(groups), "exempted": 0})
    as_of = min(period.end, date.today())
    per_citizen = (
        select(
            r.citizen_id,
            func.min(_met_in_time(r)).label("all_met"),
            func.max(case((r.exempt_75.is_(True), 1), else_=0)).label("exempted"),  # type: ignore[attr-defined]
        )
        .join(Citizen, Citizen.id == r.citizen_id)
        .where(
            Citizen.deleted_at.is_(None),  # type: ignore[union-attr]
            or_(*marked),
            r.due >= period.start,
            r.due <= as_of,
        )
        .group_by(r.citizen_id)
        .subquery()
    )
    people, met, exempted = _scalar(
        db,
        select(
            func.count(), func.sum(per_citizen.c.all_met), func.sum(per_citizen.c.exempted)
        ).select_from(per_citizen),
    )
    return MeasureResult(
        round(100 * (met or 0) / people, 1) if people else None,
        int(people or 0),
        "share",
        {"groups": list(groups), "exempted": int(exempted or 0)},
    )


def share_75_rule(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """The 75 % rule for conversations (from 1 Jul 2026): of the citizens in the groups whose
    conversation requirements under the rule fell due in the period, the share for whom every one
    was met in time.

    Reading (written down as the issue asks): the whole group is the denominator. The kommune may
    exempt up to 25 % after a concrete assessment; an exempted citizen whose conversations were not
    held counts as not served (the exemption is the kommune's use of its 25 %, not a smaller
    group), and one who got them anyway counts as served. The first conversation is held with
    everyone and is not part of the rule; the a-kasse's conversations in months 0–3 are the
    a-kasse's own 75 % and are left out. How many were exempted is given beside the share."""
    return _share_75(db, period, ("count_in_window",), groups or RULE_75_GROUPS)


def share_75_offers(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """The 75 % rule for offers (from 1 Jul 2026): of the citizens in the groups whose offer
    requirement fell due in the period, the share whose offer started in time (the same reading of
    exemptions as for conversations)."""
    return _share_75(db, period, ("offer_by",), groups or RULE_75_OFFER_GROUPS)


def _six_months(
    db: Database, period: ReportPeriod, groups: Sequence[str] | None, served: ColumnElement
) -> MeasureResult:
    from app.store.models import KeptPeriod

    _kept_requirements(db)  # the kept periods are brought up to date with the requirements
    p = KeptPeriod
    as_of = min(period.end, date.today())
    query = (
        select(func.count(), func.sum(case((served, 1), else_=0)))
        .join(Citizen, Citizen.id == p.citizen_id)
        .where(
            Citizen.deleted_at.is_(None),  # type: ignore[union-attr]
            p.six_months_on >= period.start,  # type: ignore[operator]
            p.six_months_on <= as_of,  # type: ignore[operator]
        )
    )
    if groups:
        query = query.where(p.target_group.in_(list(groups)))
    people, met = _scalar(db, query)
    return MeasureResult(
        round(100 * (met or 0) / people, 1) if people else None,
        int(people or 0),
        "share",
        {"groups": list(groups or [])},
    )


def conversations_by_six_months_share(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_conversations: int = 4,
    **_: Any,
) -> MeasureResult:
    """STAR's follow-up on conversations: of the citizens whose period on the benefit reached 6
    months' seniority in the report period, the share with at least 4 conversations held by then
    (jobsamtaler, opfølgning and afklaring, by the jobcenter or the a-kasse). Seniority is counted
    as the deadlines count it (LAB § 9: a dagpenge break moves the 6-month day)."""
    from app.store.models import KeptPeriod

    return _six_months(
        db, period, groups, KeptPeriod.conversations_by_six >= min_conversations  # type: ignore[arg-type]
    )


def offer_by_six_months_share(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """STAR's follow-up on active offers: of the citizens whose period reached 6 months'
    seniority in the report period, the share who had started an offer (any kind) by then."""
    from app.store.models import KeptPeriod

    return _six_months(db, period, groups, KeptPeriod.first_offer_on.is_not(None))  # type: ignore[union-attr]
