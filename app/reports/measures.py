"""Indicator measures, computed in the database (SQLite and PostgreSQL), per shared/domain.md §5.

Each measure takes a period and its parameters and returns a ``MeasureResult``: the value, the
number of persons (or units) behind it — so that small figures can be suppressed before anything
is shown — and a unit. Date arithmetic happens in SQL, one aggregate query per measure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, case, cast, distinct, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.domain.codes import N_
from app.domain.errors import ValidationError
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
)

VIRKSOMHEDSRETTEDE = (
    "virksomhedspraktik",
    "loentilskud_privat",
    "loentilskud_offentlig",
    "nytteindsats",
)
UPSKILLING = ("ordinaer_uddannelse", "jobrettet_uddannelse", "voksenlaerling")
UPSKILLING_GROUPS = (
    "dagpenge",
    "kontanthjaelp_jobparat",
    "kontanthjaelp_aktivitetsparat",
    "uddannelseshjaelp_uddannelsesparat",
    "uddannelseshjaelp_aktivitetsparat",
    "ledighedsydelse",
)
#: Paid hours per month that count as a småjob (a setting; 1–49 hours is the common band).
SMAJOB_BAND = (1.0, 49.0)


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
    definition: str  # an English msgid: what is counted
    compute: Callable[..., MeasureResult]


def _least(db: Database, a: Any, b: Any) -> ColumnElement:
    return func.min(a, b) if db.is_sqlite else func.least(a, b)


def _greatest(db: Database, a: Any, b: Any) -> ColumnElement:
    return func.max(a, b) if db.is_sqlite else func.greatest(a, b)


def _days(db: Database, first: Any, last: Any) -> ColumnElement:
    """Days from ``first`` to ``last`` inclusive."""
    if db.is_sqlite:
        return func.julianday(last) - func.julianday(first) + 1
    return cast(last, Date) - cast(first, Date) + 1


def _spell_overlap(
    db: Database, period: ReportPeriod, groups: Sequence[str] | None
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
    return _days(db, start, end), conditions


def _scalar(db: Database, query) -> Any:  # type: ignore[no-untyped-def]
    with translating_errors(db), db.engine.connect() as conn:
        return conn.execute(query).one()


def fte_day_sum(
    db: Database, period: ReportPeriod, groups: Sequence[str] | None = None
) -> tuple[float, int]:
    """Days on the benefits within the period, summed over spells, and the number of persons:
    ``fte`` unrounded is the first ÷ ``period.days`` (the benchmark compares it with DuckDB)."""
    days, conditions = _spell_overlap(db, period, groups)
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
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """Fuldtidspersoner: days on the benefit within the period ÷ days in the period, summed."""
    total, persons = fte_day_sum(db, period, groups)
    return MeasureResult(
        round(float(total) / period.days, 2), int(persons), "fte", {"groups": list(groups or [])}
    )


def persons(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """Distinct citizens with at least one day in the groups in the period."""
    _days_expr, conditions = _spell_overlap(db, period, groups)
    (count,) = _scalar(db, select(func.count(distinct(BenefitSpell.citizen_id))).where(*conditions))
    return MeasureResult(float(count), int(count), "persons", {"groups": list(groups or [])})


def _offers_started(
    db: Database, period: ReportPeriod, kinds: Sequence[str] | None, groups: Sequence[str] | None
):  # type: ignore[no-untyped-def]
    query = select(Offer.id, Offer.citizen_id).where(
        Offer.deleted_at.is_(None),
        Offer.status != "cancelled",
        Offer.start_date >= period.start,  # type: ignore[union-attr]
        Offer.start_date <= period.end,
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
    **_: Any,
) -> MeasureResult:
    """Offers that started in the period (not cancelled), by kind and by the citizen's group at the start."""
    started = _offers_started(db, period, kinds, groups)
    count, people = _scalar(
        db, select(func.count(started.c.id), func.count(distinct(started.c.citizen_id)))
    )
    return MeasureResult(
        float(count),
        int(people),
        "count",
        {"kinds": list(kinds or []), "groups": list(groups or [])},
    )


def virksomhedsrettede_share(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """Share of the group's persons in the period who started a virksomhedsrettet tilbud."""
    base = persons(db, period, groups=groups)
    started = _offers_started(db, period, VIRKSOMHEDSRETTEDE, groups)
    (people,) = _scalar(db, select(func.count(distinct(started.c.citizen_id))))
    share = round(100 * people / base.persons, 1) if base.persons else None
    return MeasureResult(share, base.persons, "share", {"groups": list(groups or [])})


def upskilling_started(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """Ministermål 2: ordinær uddannelse, jobrettet uddannelse or voksenlærling started (MM17)."""
    return offers_started(db, period, kinds=UPSKILLING, groups=groups or UPSKILLING_GROUPS)


def _employment_in_period(period: ReportPeriod, kinds: Sequence[str]) -> list:
    return [
        Employment.kind.in_(kinds),
        Employment.start_date <= period.end,  # type: ignore[attr-defined]
        or_(Employment.end_date.is_(None), Employment.end_date >= period.start),
    ]  # type: ignore[union-attr]


def persons_paid_hours(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """Persons with ordinary paid hours (småjob or ordinary job) at some point in the period."""
    query = select(func.count(distinct(Employment.citizen_id))).where(
        *_employment_in_period(period, ("paid_hours", "ordinary_job"))
    )
    if groups:
        _d, spell_conditions = _spell_overlap(db, period, groups)
        query = query.where(
            select(BenefitSpell.id)
            .where(BenefitSpell.citizen_id == Employment.citizen_id, *spell_conditions)
            .exists()
        )
    (count,) = _scalar(db, query)
    return MeasureResult(float(count), int(count), "persons", {"groups": list(groups or [])})


def smajob_persons(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    band: Sequence[float] = SMAJOB_BAND,
    **_: Any,
) -> MeasureResult:
    """Persons with paid hours per month inside the småjob band."""
    query = select(func.count(distinct(Employment.citizen_id))).where(
        *_employment_in_period(period, ("paid_hours",)),
        Employment.hours_per_month >= band[0],  # type: ignore[operator]
        Employment.hours_per_month <= band[1],
    )  # type: ignore[operator]
    if groups:
        _d, spell_conditions = _spell_overlap(db, period, groups)
        query = query.where(
            select(BenefitSpell.id)
            .where(BenefitSpell.citizen_id == Employment.citizen_id, *spell_conditions)
            .exists()
        )
    (count,) = _scalar(db, query)
    return MeasureResult(
        float(count), int(count), "persons", {"groups": list(groups or []), "band": list(band)}
    )


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
    return MeasureResult(
        round(100 * reached / total, 1) if total else None,
        int(total),
        "share",
        {"min_employees": min_employees},
    )


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
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """Mean length in days of the spells (in the groups) that ended in the period."""
    length = _days(db, BenefitSpell.start_date, BenefitSpell.end_date)
    conditions = [BenefitSpell.end_date >= period.start, BenefitSpell.end_date <= period.end]  # type: ignore[operator]
    if groups:
        conditions.append(BenefitSpell.target_group.in_(groups))  # type: ignore[attr-defined]
    mean, count = _scalar(
        db, select(func.avg(length), func.count(BenefitSpell.id)).where(and_(*conditions))
    )
    return MeasureResult(
        round(float(mean), 1) if mean is not None else None,
        int(count),
        "days",
        {"groups": list(groups or [])},
    )


def refugee_self_support_share(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    """Ministermål 3 (MM13): of the flagged 18–66-year-olds, the share with unsubsidised work (any hours)
    at some point in the period."""
    youngest, oldest = (
        date(period.end.year - 66, period.end.month, 1),
        date(period.end.year - 18, period.end.month, 28),
    )
    flagged = (
        select(Citizen.id)
        .where(
            Citizen.refugee_or_reunified,
            Citizen.deleted_at.is_(None),  # type: ignore[union-attr]
            Citizen.birth_date >= youngest,
            Citizen.birth_date <= oldest,
        )
        .subquery()
    )
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


def _on_time(
    db: Database, period: ReportPeriod, kinds: set[str], groups: Sequence[str] | None
) -> MeasureResult:
    """Of the requirements due in the period (whose due date has passed), the share met in time."""
    from app.casework.deadlines import deadlines_for

    as_of = min(period.end, date.today())
    due = [
        item
        for item in deadlines_for(db, as_of)
        if item.deadline.kind in kinds
        and period.start <= item.deadline.due <= as_of
        and (not groups or item.deadline.target_group in groups)
    ]
    met = sum(1 for item in due if item.deadline.status == "met")
    people = len({item.citizen_id for item in due})
    return MeasureResult(
        round(100 * met / len(due), 1) if due else None,
        people,
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


def youth_education_dropout(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    """Of the educations of young people (under 30 when they started) that ended in the period, the
    share dropped out within 12 months of the start."""
    rows = _scalar_all(
        db,
        select(Employment.start_date, Employment.end_date, Employment.completed, Citizen.birth_date)
        .join(Citizen, Citizen.id == Employment.citizen_id)
        .where(
            Employment.kind == "education",
            Employment.end_date >= period.start,
            Employment.end_date <= period.end,
        ),
    )  # type: ignore[operator]
    from app.domain.identifiers import age_on

    young = [r for r in rows if age_on(r.birth_date, r.start_date) < 30]
    dropped = sum(
        1 for r in young if r.completed is False and (r.end_date - r.start_date).days <= 366
    )
    return MeasureResult(
        round(100 * dropped / len(young), 1) if young else None, len(young), "share"
    )


def _scalar_all(db: Database, query) -> list:  # type: ignore[no-untyped-def]
    with translating_errors(db), db.engine.connect() as conn:
        return list(conn.execute(query).all())


#: The groups the 75 % rule covers (LAB 2026, from 1 July 2026).
RULE_75_GROUPS = ("dagpenge", "kontanthjaelp_jobparat", "ledighedsydelse")


def share_75_rule(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """The 75 % rule (from 1 Jul 2026): of the citizens in the groups with conversation requirements
    due in the period, the share for whom every such requirement was met in time. Citizens whose
    spell is exempted after a concrete assessment (up to 25 %) are left out of the count."""
    from app.casework.deadlines import deadlines_for

    wanted = set(groups or RULE_75_GROUPS)
    as_of = min(period.end, date.today())
    people: dict[int, bool] = {}
    for item in deadlines_for(db, as_of):
        d = item.deadline
        if (
            d.rule_set != "LAB 2026"
            or d.target_group not in wanted
            or d.exempt_75
            or d.kind not in ("first_by", "count_in_window")
            or not period.start <= d.due <= as_of
        ):
            continue
        people[item.citizen_id] = people.get(item.citizen_id, True) and d.status == "met"
    met = sum(1 for ok in people.values() if ok)
    return MeasureResult(
        round(100 * met / len(people), 1) if people else None,
        len(people),
        "share",
        {"groups": sorted(wanted)},
    )


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "fte",
            "fte",
            N_(
                "Full-time persons: days on the benefit in the period divided by the days in the period, summed over persons"
            ),
            fte,
        ),
        Measure(
            "persons",
            "persons",
            N_("Citizens with at least one day on the benefit in the period"),
            persons,
        ),
        Measure(
            "offers_started",
            "count",
            N_("Offers that started in the period (cancelled ones not counted)"),
            offers_started,
        ),
        Measure(
            "virksomhedsrettede_share",
            "share",
            N_("Share of the group's citizens who started a company-based offer in the period"),
            virksomhedsrettede_share,
        ),
        Measure(
            "upskilling_started",
            "count",
            N_(
                "Ordinary education, job-oriented education or adult apprenticeships started (ministermål 2)"
            ),
            upskilling_started,
        ),
        Measure(
            "persons_paid_hours",
            "persons",
            N_("Citizens with ordinary paid hours in the period"),
            persons_paid_hours,
        ),
        Measure(
            "smajob_persons",
            "persons",
            N_("Citizens with paid hours per month within the småjob band"),
            smajob_persons,
        ),
        Measure(
            "recruitment_orders_matched_share",
            "share",
            N_("Share of recruitment orders received in the period that were filled"),
            recruitment_orders_matched_share,
        ),
        Measure(
            "company_contacts_unique",
            "count",
            N_("Companies contacted in the period"),
            company_contacts_unique,
        ),
        Measure(
            "company_contacts_to_offer",
            "count",
            N_("Companies whose contact in the period led to an offer"),
            company_contacts_to_offer,
        ),
        Measure(
            "companies_contacted_share",
            "share",
            N_("Share of companies above a size contacted in the period"),
            companies_contacted_share,
        ),
        Measure(
            "ledighedsydelse_share_of_flex",
            "share",
            N_("Share of the fleksjob-visiterede on ledighedsydelse (full-time persons)"),
            ledighedsydelse_share_of_flex,
        ),
        Measure(
            "mean_days_on_support",
            "days",
            N_("Mean length in days of the spells that ended in the period"),
            mean_days_on_support,
        ),
        Measure(
            "conversations_on_time_share",
            "share",
            N_(
                "Share of the conversation requirements due in the period that were met in time (ministermål 1)"
            ),
            conversations_on_time_share,
        ),
        Measure(
            "offers_on_time_share",
            "share",
            N_("Share of the ret og pligt offers due in the period that started in time"),
            offers_on_time_share,
        ),
        Measure(
            "flexjob_hours_increased_share",
            "share",
            N_("Share of the citizens in fleksjob whose hours went up in the period"),
            flexjob_hours_increased_share,
        ),
        Measure(
            "youth_education_dropout",
            "share",
            N_(
                "Share of young people under 30 whose education ended in the period who dropped out within 12 months"
            ),
            youth_education_dropout,
        ),
        Measure(
            "share_75_rule",
            "share",
            N_(
                "The 75 % rule: share of the citizens whose conversation requirements due in the period were all met in time (exempted citizens left out)"
            ),
            share_75_rule,
        ),
        Measure(
            "refugee_self_support_share",
            "share",
            N_(
                "Share of refugees and family-reunified aged 18–66 in ordinary work (ministermål 3)"
            ),
            refugee_self_support_share,
        ),
    )
}


def run_measure(db: Database, name: str, period: ReportPeriod, **params: Any) -> MeasureResult:
    measure = MEASURES.get(name)
    if measure is None:
        raise ValidationError(
            "Unknown measure {name!r}; the measures are: {names}",
            name=name,
            names=", ".join(MEASURES),
        )
    result = measure.compute(db, period, **params)
    return MeasureResult(result.value, result.persons, measure.unit, {**result.params, **params})
