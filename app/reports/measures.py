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
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, and_, cast, distinct, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import Executable
from sqlalchemy.sql.selectable import Select, Subquery
from sqlmodel import col

from app.domain.codes import COMPANY_BASED_OFFER_KINDS, OFFER_KINDS, TARGET_GROUPS
from app.domain.dates import add_months
from app.domain.goalplan import born_by
from app.domain.periods import ReportPeriod
from app.store.engine import Database, translating_errors
from app.store.models import (
    BenefitSpell,
    Citizen,
    Employment,
    Offer,
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
#: Public support: every target group but "selvforsørgende ledig", who get no benefit and are
#: never counted as on support (Jobindsats MM14's scope, as far as case data holds it).
SUPPORT_GROUPS = tuple(g for g in TARGET_GROUPS if g != "selvforsoergende")
#: The unemployed (ledige): dagpenge and the jobparat/uddannelsesparat recipients of kontanthjælp
#: and uddannelseshjælp (STAR's "bruttoledige" as far as case data holds them).
_ONE_DAY = timedelta(days=1)
UNEMPLOYED_GROUPS = ("dagpenge", "kontanthjaelp_jobparat", "uddannelseshjaelp_uddannelsesparat")


@dataclass(frozen=True)
class MeasureResult:
    value: float | None
    persons: int  # how many persons (or companies/orders) the figure is built on
    unit: str  # "fte", "persons", "count", "share", "days"
    params: dict[str, Any] = field(default_factory=dict)
    #: For a share of persons: how many persons are in the numerator (the rest of ``persons``
    #: are its complement), so that neither can single out a few people. None for shares of
    #: companies, orders or requirements' units that are not people.
    numerator: int | None = None


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
    #: The period's share pools its months (person-months in the numerator and denominator), so
    #: a lone hidden month beside it could be worked back too: its series is suppressed like an
    #: additive one.
    pooled: bool = False
    #: The target groups it can be restricted to (None: all).
    group_choices: tuple[str, ...] | None = None


def _least(db: Database, a: Any, b: Any) -> ColumnElement[Any]:
    return func.min(a, b) if db.is_sqlite else func.least(a, b)


def _greatest(db: Database, a: Any, b: Any) -> ColumnElement[Any]:
    return func.max(a, b) if db.is_sqlite else func.greatest(a, b)


def _days(db: Database, first: Any, last: Any) -> ColumnElement[Any]:
    """Days from ``first`` to ``last`` inclusive."""
    if db.is_sqlite:
        return func.julianday(last) - func.julianday(first) + 1
    return cast(last, Date) - cast(first, Date) + 1


def _live(citizen_id: Any) -> ColumnElement[Any]:
    """Leaves out deleted citizens (registered by mistake, or waiting to be restored): they are
    not part of any figure. (NOT IN the few deleted ids: cheap even on a big database.)"""
    deleted = select(col(Citizen.id)).where(col(Citizen.deleted_at).is_not(None))
    condition: ColumnElement[Any] = ~citizen_id.in_(deleted)
    return condition


def _aged(
    citizen_id: Any, on: date, min_age: int | None, max_age: int | None
) -> list[ColumnElement[Any]]:
    """Conditions keeping living (not deleted) citizens whose age on ``on`` is within the band."""
    if min_age is None and max_age is None:
        return [_live(citizen_id)]
    query = select(col(Citizen.id)).where(col(Citizen.deleted_at).is_(None))
    if min_age is not None:
        query = query.where(col(Citizen.birth_date) <= born_by(on, min_age))
    if max_age is not None:
        query = query.where(col(Citizen.birth_date) > born_by(on, max_age + 1))
    return [citizen_id.in_(query)]


def _spell_overlap(
    db: Database,
    period: ReportPeriod,
    groups: Sequence[str] | None,
    min_age: int | None = None,
    max_age: int | None = None,
) -> tuple[ColumnElement[Any], list[Any]]:
    start = _greatest(db, col(BenefitSpell.start_date), literal(period.start, Date))
    end = _least(
        db,
        func.coalesce(col(BenefitSpell.end_date), literal(period.end, Date)),
        literal(period.end, Date),
    )
    conditions = [
        col(BenefitSpell.start_date) <= period.end,
        or_(col(BenefitSpell.end_date).is_(None), col(BenefitSpell.end_date) >= period.start),
        col(BenefitSpell.target_group).in_(groups or SUPPORT_GROUPS),
    ]
    conditions += _aged(col(BenefitSpell.citizen_id), period.end, min_age, max_age)
    return _days(db, start, end), conditions


def _day_before(db: Database, day: Any) -> ColumnElement[Any]:
    """The day before a date column, in SQL."""
    return func.date(day, "-1 day") if db.is_sqlite else cast(day, Date) - 1


def _in_groups_during(
    citizen_id: Any, first: Any, last: Any, period: ReportPeriod, groups: Sequence[str] | None
) -> ColumnElement[Any]:
    """EXISTS a spell of the citizen in the groups (public support when none are given) that
    shares a day with ``first`` … ``last`` and with the period. (Intervals that meet pairwise
    share a day, so three pairwise conditions suffice.) The caller keeps the row in the period."""
    return (
        select(col(BenefitSpell.id))
        .where(
            col(BenefitSpell.citizen_id) == citizen_id,
            col(BenefitSpell.target_group).in_(groups or SUPPORT_GROUPS),
            col(BenefitSpell.start_date) <= period.end,
            col(BenefitSpell.start_date) <= last,
            or_(
                col(BenefitSpell.end_date).is_(None),
                and_(
                    col(BenefitSpell.end_date) >= period.start, col(BenefitSpell.end_date) >= first
                ),
            ),
        )
        .exists()
    )


def _on_benefit_at_start(
    db: Database, citizen_id: Any, day: Any, groups: Sequence[str] | None
) -> ColumnElement[Any]:
    """EXISTS a spell in the groups that covers ``day`` or ended the day before it: someone who
    leaves the benefit for a job or an education the next day started it "from the benefit"."""
    return (
        select(col(BenefitSpell.id))
        .where(
            col(BenefitSpell.citizen_id) == citizen_id,
            col(BenefitSpell.target_group).in_(groups or SUPPORT_GROUPS),
            col(BenefitSpell.start_date) <= day,
            or_(
                col(BenefitSpell.end_date).is_(None),
                col(BenefitSpell.end_date) >= _day_before(db, day),
            ),
        )
        .exists()
    )


def share_of(
    numerator: int, persons: int, unit_params: dict[str, Any] | None = None
) -> MeasureResult:
    """A share of persons, with its numerator kept for suppression."""
    return MeasureResult(
        round(100 * numerator / persons, 1) if persons else None,
        int(persons),
        "share",
        unit_params or {},
        int(numerator),
    )


def _scalar(db: Database, query: Executable) -> Any:
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
            func.coalesce(func.sum(days), 0), func.count(distinct(col(BenefitSpell.citizen_id)))
        ).where(*conditions),
    )
    return float(total), int(persons)


def fte_day_sums_by_group(db: Database, period: ReportPeriod) -> dict[str, float]:
    """``fte_day_sum`` for every target group at once (one grouped query): days summed per group."""
    days, conditions = _spell_overlap(db, period, list(TARGET_GROUPS))
    with translating_errors(db), db.engine.connect() as conn:
        rows = conn.execute(
            select(col(BenefitSpell.target_group), func.sum(days))
            .where(*conditions)
            .group_by(col(BenefitSpell.target_group))
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
    (count,) = _scalar(
        db, select(func.count(distinct(col(BenefitSpell.citizen_id)))).where(*conditions)
    )
    return MeasureResult(float(count), int(count), "persons")


def _offers_started(
    db: Database,
    period: ReportPeriod,
    kinds: Sequence[str] | None,
    groups: Sequence[str] | None,
    min_age: int | None = None,
    max_age: int | None = None,
) -> Subquery:
    query = select(col(Offer.id), col(Offer.citizen_id)).where(
        col(Offer.deleted_at).is_(None),
        col(Offer.status) != "cancelled",
        col(Offer.start_date) >= period.start,
        col(Offer.start_date) <= period.end,
        *_aged(col(Offer.citizen_id), period.end, min_age, max_age),
    )
    if kinds:
        query = query.where(col(Offer.kind).in_(kinds))
    if groups:
        query = query.where(
            select(col(BenefitSpell.id))
            .where(
                col(BenefitSpell.citizen_id) == col(Offer.citizen_id),
                col(BenefitSpell.target_group).in_(groups),
                col(BenefitSpell.start_date) <= col(Offer.start_date),
                or_(
                    col(BenefitSpell.end_date).is_(None),
                    col(BenefitSpell.end_date) >= col(Offer.start_date),
                ),
            )
            .exists()
        )
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


#: What else counts beside the offers, by the ``counts_too`` parameter: 1 = paid hours (Gentofte
#: counts småjob as company-based), 2 = paid hours, ordinary jobs and fleksjob (Albertslund's
#: "in offers or in ordinary or supported work").
COUNTS_TOO: Mapping[int, tuple[str, ...]] = {
    0: (),
    1: ("paid_hours",),
    2: ("paid_hours", "ordinary_job", "flexjob"),
}


def _base_ids(
    db: Database,
    period: ReportPeriod,
    groups: Sequence[str] | None,
    min_age: int | None,
    max_age: int | None,
) -> Select[int]:
    """The citizens with a day in the groups (public support when none) in the period."""
    _d, conditions = _spell_overlap(db, period, groups, min_age, max_age)
    return select(col(BenefitSpell.citizen_id)).where(*conditions)


def _count_in(db: Database, base: Select[int], *parts: Select[int]) -> int:
    """How many of the ``base`` citizens appear in any of the ``parts`` (selects of citizen ids)."""
    from sqlalchemy import union

    found = union(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    column = list(found.c)[0]
    (count,) = _scalar(db, select(func.count(distinct(column))).where(column.in_(base)))
    return int(count)


def _share_in(
    db: Database,
    period: ReportPeriod,
    groups: Sequence[str] | None,
    min_age: int | None,
    max_age: int | None,
    *parts: Select[int],
) -> MeasureResult:
    """Of the group's citizens in the period (``_base_ids``), the share that appears in any of
    the ``parts`` (selects of citizen ids)."""
    base = _base_ids(db, period, groups, min_age, max_age)
    (total,) = _scalar(db, select(func.count(distinct(base.subquery().c.citizen_id))))
    return share_of(_count_in(db, base, *parts), total)


def _work_started(period: ReportPeriod, kinds: Sequence[str]) -> Select[int]:
    return select(col(Employment.citizen_id)).where(
        _live(col(Employment.citizen_id)),
        col(Employment.kind).in_(kinds),
        col(Employment.start_date) >= period.start,
        col(Employment.start_date) <= period.end,
    )


def _work_during(period: ReportPeriod, kinds: Sequence[str]) -> Select[int]:
    return select(col(Employment.citizen_id)).where(*_employment_in_period(period, kinds))


def virksomhedsrettede_share(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    counts_too: int = 0,
    **_: Any,
) -> MeasureResult:
    """Share of the group's persons in the period who started a virksomhedsrettet tilbud (with
    ``counts_too`` also those who started paid hours, or any work)."""
    started = select(
        _offers_started(db, period, VIRKSOMHEDSRETTEDE, groups, min_age, max_age).c.citizen_id
    )
    parts = [started]
    if COUNTS_TOO.get(counts_too):
        parts.append(_work_started(period, COUNTS_TOO[counts_too]))
    return _share_in(db, period, groups, min_age, max_age, *parts)


def _offer_end(period: ReportPeriod) -> ColumnElement[Any]:
    """An offer's last day: ended, else planned, else still running at the period's end."""
    return func.coalesce(col(Offer.actual_end), col(Offer.planned_end), literal(period.end, Date))


def _in_offer(
    period: ReportPeriod,
    kinds: Sequence[str] | None,
    groups: Sequence[str] | None,
    min_age: int | None,
    max_age: int | None,
) -> Select[int]:
    """Citizens in an offer of the kinds on some day of the period, on a day they were in the
    groups: the offer, the spell and the period share a day."""
    end = _offer_end(period)
    return select(col(Offer.citizen_id)).where(
        col(Offer.deleted_at).is_(None),
        col(Offer.status) != "cancelled",
        col(Offer.start_date).is_not(None),
        col(Offer.start_date) <= period.end,
        end >= period.start,
        col(Offer.kind).in_(kinds or VIRKSOMHEDSRETTEDE),
        _in_groups_during(col(Offer.citizen_id), col(Offer.start_date), end, period, groups),
        *_aged(col(Offer.citizen_id), period.end, min_age, max_age),
    )


def persons_in_offer(
    db: Database,
    period: ReportPeriod,
    *,
    kinds: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """People in an offer (a stock, not offers started): citizens in an offer of the kinds
    (company-based by default) on at least one day of the period, while in the groups. For a
    single day it is the number in an offer that day; for a month, those in one during it."""
    rows = _in_offer(period, kinds, groups, min_age, max_age).subquery()
    (count,) = _scalar(db, select(func.count(distinct(rows.c.citizen_id))))
    return MeasureResult(float(count), int(count), "persons")


def in_offer_share(
    db: Database,
    period: ReportPeriod,
    *,
    kinds: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    counts_too: int = 0,
    **_: Any,
) -> MeasureResult:
    """The activation rate in persons: of the group's citizens in the period, the share in an
    offer of the kinds (company-based by default) on a day they were in the group; with
    ``counts_too`` also those with paid hours (or any work) in the period."""
    parts = [_in_offer(period, kinds, groups, min_age, max_age)]
    if COUNTS_TOO.get(counts_too):
        parts.append(_work_during(period, COUNTS_TOO[counts_too]))
    return _share_in(db, period, groups, min_age, max_age, *parts)


def upskilling_started(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Ministermål 2 (Jobindsats MM17): persons on dagpenge, kontanthjælp, uddannelseshjælp or
    ledighedsydelse who started ordinær uddannelse, 6 ugers jobrettet uddannelse or a
    voksenlærling in the period — as an offer, or an ordinary education started from the
    benefit (on it that day or the day before)."""
    chosen = groups or UPSKILLING_GROUPS
    offers = select(_offers_started(db, period, UPSKILLING, chosen, min_age, max_age).c.citizen_id)
    count = _count_in_started(db, period, offers, ("education",), chosen, min_age, max_age)
    return MeasureResult(float(count), count, "persons")


def _count_in_started(
    db: Database,
    period: ReportPeriod,
    offers: Select[int] | None,
    kinds: Sequence[str],
    groups: Sequence[str] | None,
    min_age: int | None,
    max_age: int | None,
) -> int:
    """Distinct citizens in ``offers`` (or none) or with an employment of the kinds started in
    the period from a benefit in the groups."""
    from sqlalchemy import union

    started = _work_started(period, kinds).where(
        _on_benefit_at_start(db, col(Employment.citizen_id), col(Employment.start_date), groups),
        *_aged(col(Employment.citizen_id), period.end, min_age, max_age),
    )
    found = (union(offers, started) if offers is not None else started).subquery()
    (count,) = _scalar(db, select(func.count(distinct(list(found.c)[0]))))
    return int(count)


def education_started(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Ordinary education started by the unemployed: persons on a benefit in the groups
    (dagpenge, kontanthjælp, uddannelseshjælp, ledighedsydelse by default) who started an
    ordinary education in the period, as an education of their own or as an offer (on the
    benefit that day or the day before)."""
    chosen = groups or UPSKILLING_GROUPS
    offers = select(
        _offers_started(db, period, ("ordinaer_uddannelse",), chosen, min_age, max_age).c.citizen_id
    )
    count = _count_in_started(db, period, offers, ("education",), chosen, min_age, max_age)
    return MeasureResult(float(count), count, "persons")


#: Groups a "job or education" outcome is counted from: public support but fleksjob and
#: førtidspension (already placed on their lasting footing).
OUTCOME_GROUPS = tuple(g for g in SUPPORT_GROUPS if g not in ("fleksjob", "foertidspension"))


def job_or_education_started(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """More in job or education: persons who started an ordinary job or an education in the
    period from a benefit in the groups (on it that day or the day before)."""
    count = _count_in_started(
        db, period, None, ("ordinary_job", "education"), groups or OUTCOME_GROUPS, min_age, max_age
    )
    return MeasureResult(float(count), count, "persons")


def disability_employed(
    db: Database,
    period: ReportPeriod,
    *,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Ministermål 4: citizens flagged with a disability who were in work in the period — an
    ordinary job, paid hours or a fleksjob on at least one day."""
    query = select(func.count(distinct(col(Employment.citizen_id)))).where(
        *_employment_in_period(period, ("ordinary_job", "paid_hours", "flexjob")),
        col(Employment.citizen_id).in_(
            select(col(Citizen.id)).where(col(Citizen.disability).is_(True))
        ),
        *_aged(col(Employment.citizen_id), period.end, min_age, max_age),
    )
    (count,) = _scalar(db, query)
    return MeasureResult(float(count), int(count), "persons")


def _employment_in_period(period: ReportPeriod, kinds: Sequence[str]) -> list[Any]:
    return [
        _live(col(Employment.citizen_id)),
        col(Employment.kind).in_(kinds),
        col(Employment.start_date) <= period.end,
        or_(col(Employment.end_date).is_(None), col(Employment.end_date) >= period.start),
    ]


def _employed_persons(
    db: Database,
    period: ReportPeriod,
    conditions: list[Any],
    groups: Sequence[str] | None,
    min_age: int | None,
    max_age: int | None,
) -> int:
    query = select(func.count(distinct(col(Employment.citizen_id)))).where(
        *conditions, *_aged(col(Employment.citizen_id), period.end, min_age, max_age)
    )
    if groups:
        _d, spell_conditions = _spell_overlap(db, period, groups)
        query = query.where(
            select(col(BenefitSpell.id))
            .where(col(BenefitSpell.citizen_id) == col(Employment.citizen_id), *spell_conditions)
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


def ledighedsydelse_share_of_flex(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    """Of the fleksjob-visiterede (fuldtidspersoner on ledighedsydelse + in fleksjob), the share on ledighedsydelse."""
    waiting = fte(db, period, groups=["ledighedsydelse"])
    working = fte(db, period, groups=["fleksjob"])
    total = (waiting.value or 0) + (working.value or 0)
    return MeasureResult(
        round(100 * (waiting.value or 0) / total, 1) if total else None,
        waiting.persons + working.persons,
        "share",
        numerator=waiting.persons,
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
    length = _days(db, col(BenefitSpell.start_date), col(BenefitSpell.end_date))
    conditions = [
        col(BenefitSpell.end_date) >= period.start,
        col(BenefitSpell.end_date) <= period.end,
        *_aged(col(BenefitSpell.citizen_id), period.end, min_age, max_age),
    ]
    if groups:
        conditions.append(col(BenefitSpell.target_group).in_(groups))
    mean, count = _scalar(
        db, select(func.avg(length), func.count(col(BenefitSpell.id))).where(and_(*conditions))
    )
    return MeasureResult(round(float(mean), 1) if mean is not None else None, int(count), "days")


def flexjob_hours_increased_share(db: Database, period: ReportPeriod, **_: Any) -> MeasureResult:
    """Of the citizens in fleksjob in the period, the share whose weekly hours went up within the
    same job in the period: a fleksjob row starting in the period the day after the row before
    it ended, at the same employer, with more hours (``change_flexjob_hours`` records a change of
    hours that way). A new fleksjob at another employer is a new job, not more hours."""
    rows = _scalar_all(
        db,
        select(
            col(Employment.citizen_id),
            col(Employment.company_id),
            col(Employment.start_date),
            col(Employment.end_date),
            col(Employment.hours_per_week),
        ).where(
            _live(col(Employment.citizen_id)),
            col(Employment.kind) == "flexjob",
            col(Employment.start_date) <= period.end,
        ),
    )
    in_flexjob: set[int] = set()
    by_citizen: dict[int, list[Any]] = {}
    for row in rows:
        if row.end_date is None or row.end_date >= period.start:
            in_flexjob.add(row.citizen_id)
        by_citizen.setdefault(row.citizen_id, []).append(row)
    went_up = set()
    for citizen, jobs in by_citizen.items():
        ended = {(r.company_id, r.end_date + timedelta(days=1)): r for r in jobs if r.end_date}
        for row in jobs:
            before = ended.get((row.company_id, row.start_date))
            if (
                before is not None
                and period.start <= row.start_date <= period.end
                and (before.hours_per_week or 0) < (row.hours_per_week or 0)
            ):
                went_up.add(citizen)
    return share_of(len(went_up & in_flexjob), len(in_flexjob))


def youth_education_dropout(
    db: Database,
    period: ReportPeriod,
    *,
    min_age: int | None = None,
    max_age: int = 29,
    **_: Any,
) -> MeasureResult:
    """Youth drop-out as a start cohort: of the young people (under 30 when they started, or the
    age band given) who started an education in the same period one year earlier, the share who
    had dropped out within 12 months and had not returned — not in an education on the day 12
    months after the start, and none finished by then. Each person counts once, from the first
    education they started in the cohort's period."""
    from app.domain.identifiers import age_on

    cohort = ReportPeriod(
        add_months(period.start, -12),
        add_months(period.end + _ONE_DAY, -12) - _ONE_DAY,
        period.label,
    )
    rows = _scalar_all(
        db,
        select(
            col(Employment.citizen_id),
            col(Employment.start_date),
            col(Employment.end_date),
            col(Employment.completed),
            col(Citizen.birth_date),
        )
        .join(Citizen, col(Citizen.id) == col(Employment.citizen_id))
        .where(
            col(Citizen.deleted_at).is_(None),
            col(Employment.kind) == "education",
            col(Employment.start_date) <= cohort.end + timedelta(days=366),
        )
        .order_by(col(Employment.citizen_id), col(Employment.start_date)),
    )
    educations: dict[int, list[Any]] = {}
    for row in rows:
        educations.setdefault(row.citizen_id, []).append(row)
    starters = dropped = 0
    for items in educations.values():
        first = next((r for r in items if cohort.start <= r.start_date <= cohort.end), None)
        if first is None:
            continue
        age = age_on(first.birth_date, first.start_date)
        if not (min_age or 0) <= age <= (120 if max_age is None else max_age):
            continue
        starters += 1
        mark = add_months(first.start_date, 12)
        in_school_or_done = any(
            r.start_date <= mark
            and (r.end_date is None or r.end_date >= mark or r.completed is True)
            for r in items
            if r.start_date >= first.start_date
        )
        if first.completed is False and first.end_date is not None and first.end_date < mark:
            dropped += 0 if in_school_or_done else 1
    return share_of(
        dropped, starters, {"cohort": [cohort.start.isoformat(), cohort.end.isoformat()]}
    )


def _scalar_all(db: Database, query: Executable) -> list[Any]:
    with translating_errors(db), db.engine.connect() as conn:
        return list(conn.execute(query).all())
