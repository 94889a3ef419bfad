"""Indicator measures read from the kept legal requirements (``deadlines.deadline_store``):
conversations, offers and assessments on time, the 75 % offer rule, and STAR's follow-up at six
months' seniority. The other measures are in ``app.reports.measures``.

They read the kept requirements as they are: the caller brings them up to date with the rules in
force first and gives those rules to the 75 % measures
(``app.casework.goals.goal_evaluation.measure_rules``), so a report renders what it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from app.domain.dates import local_today
from app.domain.deadlines import RuleBook
from app.domain.periods import ReportPeriod
from app.reports.measures import MeasureResult, _live, _scalar
from app.store.engine import Database
from app.store.models import (
    Citizen,
    StoredRequirement,
    table_of,
)


def _met_in_time(r: Any) -> ColumnElement[Any]:
    """1 for a requirement met on or before its due date, else 0 (for sums in SQL)."""
    return case((and_(r.met_on.is_not(None), r.met_on <= r.due), 1), else_=0)


def _on_time(
    db: Database, period: ReportPeriod, kinds: set[str], groups: Sequence[str] | None
) -> MeasureResult:
    """Of the requirements due in the period (whose due date has passed), the share met in time.

    Read from the kept requirements (``app.casework.deadlines.deadline_store``): a requirement due by the
    day asked about is met in time exactly when its kept ``met_on`` is on or before ``due``.
    The numerator kept for suppression is the citizens all of whose requirements were met (the
    complement: those with one missed), so neither group can be a handful of people.
    """
    r: Any = StoredRequirement
    as_of = min(period.end, local_today())
    conditions = [
        _live(r.citizen_id),
        r.kind.in_(sorted(kinds)),
        r.due >= period.start,
        r.due <= as_of,
    ]
    if groups:
        conditions.append(r.target_group.in_(list(groups)))
    per_citizen = (
        select(
            r.citizen_id,
            func.count().label("due"),
            func.sum(_met_in_time(r)).label("met"),
            func.min(_met_in_time(r)).label("all_met"),
        )
        .where(*conditions)
        .group_by(r.citizen_id)
        .subquery()
    )
    due, met, people, served = _scalar(
        db,
        select(
            func.sum(per_citizen.c.due),
            func.sum(per_citizen.c.met),
            func.count(),
            func.sum(per_citizen.c.all_met),
        ),
    )
    return MeasureResult(
        round(100 * (met or 0) / due, 1) if due else None,
        int(people or 0),
        "share",
        {"groups": list(groups or [])},
        int(served or 0),
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


def assessments_on_time_share(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """The 2-year afklaring of aktivitetsparate on kontanthjælp (LAB § 36 a, from 1 July 2025):
    of those due in the period, the share held in time."""
    return _on_time(db, period, {"assessment_after"}, groups)


#: The groups the 75 % rule covers from 1 July 2026 (lov nr. 1750/2025, STAR's guidance): for
#: conversations dagpenge, jobparat kontanthjælp and ledighedsydelse; for offers dagpenge, jobparat
#: and uddannelsesparat kontanthjælp.
RULE_75_GROUPS = ("dagpenge", "kontanthjaelp_jobparat", "ledighedsydelse")
RULE_75_OFFER_GROUPS = ("dagpenge", "kontanthjaelp_jobparat", "uddannelseshjaelp_uddannelsesparat")


def _rule_75(
    rules: RuleBook | None, kinds: tuple[str, ...]
) -> list[tuple[str, str, frozenset[str]]]:
    """(rule set, rule id, groups) of the rules that make up the kommune's 75 % shares: the rule
    files mark them (``rule_75``); requirements the a-kasse holds are the a-kasse's own share and
    are left out."""
    if rules is None:
        raise ValueError("The 75 % measures count by the rules in force: pass rules=")
    return [
        (rs.name, rule.id, rule.rule_75)
        for rs in rules.sets
        for rule in rs.rules
        if rule.rule_75 and rule.kind in kinds and rule.held_by != "a_kasse"
    ]


def _share_75(
    db: Database,
    period: ReportPeriod,
    rules: RuleBook | None,
    kinds: tuple[str, ...],
    groups: Sequence[str],
) -> MeasureResult:
    r: Any = StoredRequirement
    marked = [
        and_(
            r.rule_set == rule_set,
            r.rule_id == rule_id,
            r.target_group.in_(sorted(g & set(groups))),
        )
        for rule_set, rule_id, g in _rule_75(rules, kinds)
        if g & set(groups)
    ]
    if not marked:
        return MeasureResult(None, 0, "share", {"groups": list(groups), "exempted": 0})
    as_of = min(period.end, local_today())
    per_citizen = (
        select(
            r.citizen_id,
            func.min(_met_in_time(r)).label("all_met"),
            func.max(case((r.exempt_75.is_(True), 1), else_=0)).label("exempted"),
        )
        .join(Citizen, col(Citizen.id) == r.citizen_id)
        .where(
            col(Citizen.deleted_at).is_(None),
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
        int(met or 0),
    )


def share_75_rule(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    rules: RuleBook | None = None,
    **_: Any,
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
    return _share_75(db, period, rules, ("count_in_window",), groups or RULE_75_GROUPS)


def share_75_offers(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    rules: RuleBook | None = None,
    **_: Any,
) -> MeasureResult:
    """The 75 % rule for offers (from 1 Jul 2026): of the citizens in the groups whose offer
    requirement fell due in the period, the share whose offer started in time (the same reading of
    exemptions as for conversations)."""
    return _share_75(db, period, rules, ("offer_by",), groups or RULE_75_OFFER_GROUPS)


def _six_months(
    db: Database, period: ReportPeriod, groups: Sequence[str] | None, served: ColumnElement[Any]
) -> MeasureResult:
    from app.store.models import KeptPeriod

    p = table_of(KeptPeriod).c
    as_of = min(period.end, local_today())
    query = (
        select(func.count(), func.sum(case((served, 1), else_=0)))
        .join(Citizen, col(Citizen.id) == p.citizen_id)
        .where(
            col(Citizen.deleted_at).is_(None),
            p.six_months_on >= period.start,
            p.six_months_on <= as_of,
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
        int(met or 0),
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
        db,
        period,
        groups,
        col(KeptPeriod.conversations_by_six) >= min_conversations,
    )


def offer_by_six_months_share(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """STAR's follow-up on active offers: of the citizens whose period reached 6 months'
    seniority in the report period, the share who had started an offer (any kind) by then."""
    from app.store.models import KeptPeriod

    return _six_months(db, period, groups, col(KeptPeriod.first_offer_on).is_not(None))
