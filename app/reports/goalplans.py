"""Goal plans (the ministermål and a municipality's own goals) evaluated on the database.

Plans come from two places: the four shipped reference plans, read-only TOML files in
``app/resources/goalplans/``, and the plans team leads make in the app (``app.casework.goals.goal_plans``,
stored in the database). Both are ``GoalPlan`` values and are evaluated alike. Finding a plan by
id among both, the targets team leads set and the organisation's threshold are the use cases'
(``app.casework.goals.goal_plans``, ``goal_targets``, ``goal_evaluation``); this module evaluates the
plan it is given.

Every figure is anonymised before it is returned: a count or a figure built on fewer persons than
the threshold (the organisation setting ``suppression_threshold``, never below 3) is suppressed
(value ``None``, status ``suppressed``); where a period's figure is shown beside its months (the
trend of an additive measure), a second month is suppressed whenever only one is, so nothing that
leaves this module can identify anyone. A period that has not ended yet is counted up to the day
it is evaluated (``as_of``): the current month is flagged incomplete, later months are empty.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from app import paths
from app.domain.anonymise import (
    suppress_series,
    suppress_share,
    suppress_value,
)
from app.domain.dates import local_today
from app.domain.deadlines import RuleBook
from app.domain.errors import ValidationError
from app.domain.goalplan import (
    GoalPlan,
    Indicator,
    Target,
    check_fidelity,
    check_indicator_label,
    check_plan_head,
    check_target,
    status_of,
    target_from,
)
from app.domain.periods import ReportPeriod
from app.reports.measure_catalog import MEASURES, clean_params, measure, run_measure
from app.reports.measures import MeasureResult
from app.store.engine import Database

__all__ = [
    "Evaluation",
    "GoalPlan",
    "Indicator",
    "IndicatorResult",
    "SeriesPoint",
    "Target",
    "checked_plan",
    "evaluate_as_given",
    "status_of",
]


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    value: float | None
    suppressed: bool
    unit: str
    comparison: float | None
    comparison_label: str | None
    status: str  # met / not_met / no_target / suppressed / no_data / not_computable
    comparison_suppressed: bool = False


@dataclass(frozen=True)
class SeriesPoint:
    """One month of an indicator's trend."""

    label: str  # "2026-03"
    value: float | None
    suppressed: bool
    state: str  # "complete", "incomplete" (the month of ``as_of``) or "future" (not counted)


@dataclass(frozen=True)
class Evaluation:
    """A plan evaluated for a period: what every view and export of it shows."""

    plan: GoalPlan
    period: ReportPeriod  # as asked for
    counted: ReportPeriod | None  # the part counted (up to ``as_of``); None: not begun yet
    as_of: date
    threshold: int
    results: tuple[IndicatorResult, ...]
    series: dict[str, tuple[SeriesPoint, ...]]


# --- loading ---------------------------------------------------------------------------------------
def goalplan_dir() -> Path:
    return paths.resources_dir() / "goalplans"


def shipped_ids() -> set[str]:
    return {path.stem for path in goalplan_dir().glob("*.toml")}


def checked_plan(plan: GoalPlan) -> GoalPlan:
    """The plan with every indicator checked: a known measure, parameters it takes (cleaned),
    a sensible target and unique ids. Raises ``ValidationError`` for the first problem."""
    check_plan_head(plan.name, plan.valid_from, plan.valid_to)
    if plan.follow_up not in ("monthly", "quarterly"):
        raise ValidationError("Follow up monthly or quarterly", field="follow_up")
    indicators, seen = [], set()
    for indicator in plan.indicators:
        check_indicator_label(indicator.label)
        check_fidelity(indicator.fidelity, indicator.note or indicator.note_en)
        if indicator.id in seen:
            raise ValidationError(
                "Two indicators have the id {id}", field="indicators", id=indicator.id
            )
        seen.add(indicator.id)
        if indicator.fidelity == "not_computable":
            indicators.append(
                replace(indicator, measure="", params={}, target=None, more_targets=())
            )
            continue
        found = measure(indicator.measure)
        for target in indicator.targets:
            check_target(target, found.unit)
        indicators.append(
            replace(indicator, params=clean_params(indicator.measure, indicator.params))
        )
    return replace(plan, indicators=tuple(indicators))


def parse_goalplan(origin: str, text: str) -> GoalPlan:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(
            "The goal plan {file} is malformed: {reason}", file=origin, reason=str(error)
        ) from None
    head = data.get("plan") or {}
    indicators = []
    for item in data.get("indicator", []):
        fidelity = item.get("fidelity", "faithful")
        if fidelity != "not_computable" and item.get("measure") not in MEASURES:
            raise ValidationError(
                "The goal plan {file}: indicator {id} has an unknown measure {measure!r}",
                file=origin,
                id=item.get("id", "?"),
                measure=item.get("measure"),
            )
        raw = item.get("target")
        try:
            targets = [
                t
                for t in (target_from(v) for v in (raw if isinstance(raw, list) else [raw]))
                if t is not None
            ]
        except ValidationError as error:
            raise _unusable(origin, error) from None
        indicators.append(
            Indicator(
                item["id"],
                item.get("label", item["id"]),
                item.get("measure", ""),
                dict(item.get("params", {})),
                targets[0] if targets else None,
                fidelity=fidelity,
                note=" ".join(str(item.get("note", "")).split()),
                note_en=" ".join(str(item.get("note_en", "")).split()),
                more_targets=tuple(targets[1:]),
            )
        )
    plan = GoalPlan(
        head.get("id", origin),
        head.get("name", origin),
        head.get("municipality", ""),
        head.get("follow_up", "monthly"),
        tuple(indicators),
        valid_from=head.get("valid_from"),
        valid_to=head.get("valid_to"),
    )
    try:
        return checked_plan(plan)
    except ValidationError as error:
        raise _unusable(origin, error) from None


def _unusable(origin: str, error: ValidationError) -> ValidationError:
    """The goal plan ``origin`` refused, with the reason ``error`` gives (in the user's words)."""
    from app import i18n

    return ValidationError(
        "The goal plan {file} cannot be used: {reason}",
        file=origin,
        reason=i18n.translate_error(error),
    )


def shipped_goalplans() -> list[GoalPlan]:
    return [
        parse_goalplan(path.name, path.read_text(encoding="utf-8"))
        for path in sorted(goalplan_dir().glob("*.toml"))
    ]


# --- evaluating ------------------------------------------------------------------------------------
def is_hidden(result: MeasureResult, threshold: int) -> bool:
    """Whether a figure must not be shown (``app.domain.anonymise``): a count below the
    threshold, a figure built on fewer persons, and a share of persons whose numerator or
    complement is a handful of people or that is 0 % or 100 % of fewer than twice the threshold."""
    if result.value is None:
        return False
    if suppress_value(result.persons, threshold):
        return True
    if result.unit == "share" and result.numerator is not None:
        return suppress_share(result.numerator, result.persons, threshold)
    return result.unit in ("count", "persons") and 0 < result.value < threshold


def _figure(
    db: Database,
    indicator: Indicator,
    period: ReportPeriod,
    threshold: int,
    rules: RuleBook | None,
) -> tuple[float | None, bool]:
    """(value, hidden) of one indicator for one period, anonymised."""
    result = run_measure(db, indicator.measure, period, rules=rules, **indicator.params)
    hidden = is_hidden(result, threshold)
    return (None if hidden else result.value), hidden


def _other(period: ReportPeriod, how: str) -> ReportPeriod:
    return period.last_year() if how == "last-year" else period.previous()


def _evaluate_one(
    db: Database,
    indicator: Indicator,
    counted: ReportPeriod | None,
    compare: str | None,
    threshold: int,
    rules: RuleBook | None,
) -> IndicatorResult:
    if not indicator.computable:
        return IndicatorResult(indicator, None, False, "", None, None, "not_computable")
    unit = measure(indicator.measure).unit
    target = indicator.target
    if counted is None:  # the period has not begun: nothing to count yet
        return IndicatorResult(indicator, None, False, unit, None, None, "no_data")
    value, hidden = _figure(db, indicator, counted, threshold, rules)
    shown_how = compare or (target.compare if target and target.direction else None)
    comparison, comparison_hidden, comparison_label = None, False, None
    if shown_how:
        other = _other(counted, shown_how)
        comparison, comparison_hidden = _figure(db, indicator, other, threshold, rules)
        comparison_label = other.label
    basis, basis_hidden = comparison, comparison_hidden
    if target and target.direction and (target.compare or "last-year") != shown_how:
        basis, basis_hidden = _figure(
            db, indicator, _other(counted, target.compare or "last-year"), threshold, rules
        )
    if hidden:
        status = "suppressed"
    elif target is None:
        status = "no_target"
    elif value is None or (target.direction and basis is None and not basis_hidden):
        status = "no_data"
    else:
        status = status_of(value, target, basis)
    return IndicatorResult(
        indicator,
        value,
        hidden,
        unit,
        comparison,
        comparison_label,
        status,
        comparison_hidden,
    )


def _series(
    db: Database,
    indicator: Indicator,
    period: ReportPeriod,
    as_of: date,
    threshold: int,
    total_shown: bool,
    rules: RuleBook | None,
) -> tuple[SeriesPoint, ...]:
    points: list[tuple[str, float | None, bool, str]] = []
    raw: list[float] = []
    for month in period.months():
        counted = month.up_to(as_of)
        if not indicator.computable:
            points.append((month.label, None, False, "complete" if counted else "future"))
            raw.append(0.0)
            continue
        if counted is None:
            points.append((month.label, None, False, "future"))
            raw.append(0.0)
            continue
        result = run_measure(db, indicator.measure, counted, rules=rules, **indicator.params)
        hidden = is_hidden(result, threshold)
        state = "complete" if month.end < as_of else "incomplete"
        points.append((month.label, result.value, hidden, state))
        # the period's figure is the sum of the months' (by the day for full-time persons)
        raw.append(float(result.value or 0) * (counted.days if result.unit == "fte" else 1))
    hide = {i for i, (_l, _v, hidden, _s) in enumerate(points) if hidden}
    found = measure(indicator.measure) if indicator.computable else None
    if total_shown and found is not None and (found.additive or found.pooled):
        hide = suppress_series(raw, hide)
    return tuple(
        SeriesPoint(label, None if i in hide else value, i in hide, state)
        for i, (label, value, _hidden_flag, state) in enumerate(points)
    )


def evaluate_as_given(
    db: Database,
    plan: GoalPlan,
    period: ReportPeriod,
    *,
    limit: int,
    compare: str | None = None,
    as_of: date | None = None,
    series: bool = True,
    rules: RuleBook | None = None,
) -> Evaluation:
    """Every indicator of the plan, with its targets as given, for the period (counted up to
    ``as_of``, default today), anonymised with the threshold ``limit``, with its comparison,
    status and (``series``) monthly trend. ``app.casework.goals.goal_evaluation.evaluate_plan`` gives
    it the organisation's threshold, the targets team leads set in the app and the deadline
    ``rules`` in force (the kept requirements brought up to date with them)."""
    as_of = as_of or local_today()
    plan = for_period(plan, period)
    counted = period.up_to(as_of)
    results = tuple(
        _evaluate_one(db, indicator, counted, compare, limit, rules)
        for indicator in plan.indicators
    )
    trends = (
        {
            r.indicator.id: _series(db, r.indicator, period, as_of, limit, not r.suppressed, rules)
            for r in results
        }
        if series
        else {}
    )
    return Evaluation(plan, period, counted, as_of, limit, results, trends)


def for_period(plan: GoalPlan, period: ReportPeriod) -> GoalPlan:
    """The plan with each indicator's target for the period's years: a target belongs to the
    years the plan names, so another year shows the goal without one."""
    return replace(
        plan,
        indicators=tuple(
            replace(i, target=i.target_for(period.start, period.end), more_targets=())
            for i in plan.indicators
        ),
    )


def plan_summary(plan: GoalPlan) -> dict[str, Any]:
    """The plan as plain data (for the audit log's old and new values)."""
    return {
        "id": plan.id,
        "name": plan.name,
        "municipality": plan.municipality,
        "follow_up": plan.follow_up,
        "valid_from": plan.valid_from,
        "valid_to": plan.valid_to,
        "based_on": plan.based_on,
        "indicators": [
            {
                "id": i.id,
                "label": i.label,
                "measure": i.measure,
                "params": i.params,
                "target": i.target.as_dict() if i.target else None,
                "more_targets": [t.as_dict() for t in i.more_targets],
                "fidelity": i.fidelity,
                "note": i.note,
            }
            for i in plan.indicators
        ],
    }
