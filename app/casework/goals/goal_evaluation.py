"""A goal plan evaluated for the indicator pages, ``minplan indicators`` and the bench.

``app.reports.goalplans`` evaluates the plan it is given with the threshold it is given; here the
use cases supply both: the organisation's suppression threshold (``suppression_threshold``,
raised, never lowered, by a request) and, for a shipped plan, the targets team leads set in the
app in place of the file's.
"""

from __future__ import annotations

from datetime import date

from app.casework.admin import org_settings
from app.casework.deadlines.deadline_rule_files import load_rule_sets
from app.casework.deadlines.deadline_store import ensure_current
from app.casework.goals.goal_targets import with_user_targets
from app.domain.anonymise import effective_threshold
from app.domain.deadlines import RuleBook
from app.domain.goalplan import GoalPlan
from app.domain.periods import ReportPeriod
from app.reports.goalplans import Evaluation, IndicatorResult, evaluate_as_given
from app.store.engine import Database


def measure_rules(db: Database) -> RuleBook:
    """The deadline rules in force, with the kept requirements brought up to date with them: what
    the deadline measures read (``app.reports.measures_deadlines``)."""
    rules = load_rule_sets().book
    ensure_current(db, rules)
    return rules


def threshold_for(db: Database, requested: int | None = None) -> int:
    """The suppression threshold: the organisation setting, raised (never lowered) by a request."""
    setting = org_settings.get(db, "suppression_threshold")
    return effective_threshold(max(setting, requested or 0))


def evaluate_plan(
    db: Database,
    plan: GoalPlan,
    period: ReportPeriod,
    *,
    compare: str | None = None,
    threshold: int | None = None,
    as_of: date | None = None,
    series: bool = True,
) -> Evaluation:
    """Every indicator of the plan for the period (counted up to ``as_of``, default today),
    anonymised, with its comparison, status and (``series``) monthly trend."""
    limit = threshold_for(db, threshold)
    return evaluate_as_given(
        db,
        with_user_targets(db, plan),
        period,
        limit=limit,
        compare=compare,
        as_of=as_of,
        series=series,
        rules=measure_rules(db),
    )


def evaluate(
    db: Database,
    plan: GoalPlan,
    period: ReportPeriod,
    *,
    compare: str | None = None,
    threshold: int | None = None,
    as_of: date | None = None,
) -> list[IndicatorResult]:
    """The indicator results only (no trend)."""
    return list(
        evaluate_plan(
            db, plan, period, compare=compare, threshold=threshold, as_of=as_of, series=False
        ).results
    )


def monthly_series(
    db: Database,
    plan: GoalPlan,
    period: ReportPeriod,
    *,
    threshold: int | None = None,
    as_of: date | None = None,
) -> dict[str, list[tuple[str, float | None]]]:
    """Each indicator month by month as (month, value) pairs, anonymised as on the dashboard (a
    suppressed or not yet counted month is ``None``)."""
    series = evaluate_plan(db, plan, period, threshold=threshold, as_of=as_of).series
    return {key: [(p.label, p.value) for p in points] for key, points in series.items()}
