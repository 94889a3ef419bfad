"""Goal plans (the ministermål and a municipality's own goals) as TOML data, evaluated on the database.

Every figure is anonymised before it is returned: a count or a figure built on fewer persons than
the threshold is suppressed (value ``None``, status ``suppressed``), so nothing that leaves this
module can identify anyone.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import paths
from app.domain.anonymise import effective_threshold, suppress_value
from app.domain.errors import ValidationError
from app.domain.periods import ReportPeriod
from app.reports.measures import MEASURES, MeasureResult, run_measure
from app.store.engine import Database


@dataclass(frozen=True)
class Target:
    minimum: float | None = None
    maximum: float | None = None
    direction: str | None = None  # "up" / "down" compared with the comparison period
    compare: str | None = None  # "last-year" / "previous"


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    measure: str
    params: dict[str, Any] = field(default_factory=dict)
    target: Target | None = None


@dataclass(frozen=True)
class GoalPlan:
    id: str
    name: str
    municipality: str
    follow_up: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    value: float | None
    suppressed: bool
    unit: str
    comparison: float | None
    comparison_label: str | None
    status: str  # met / not_met / no_target / suppressed


def goalplan_dir() -> Path:
    return paths.resources_dir() / "goalplans"


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
        if item.get("measure") not in MEASURES:
            raise ValidationError(
                "The goal plan {file}: indicator {id} has an unknown measure {measure!r}",
                file=origin,
                id=item.get("id", "?"),
                measure=item.get("measure"),
            )
        raw = item.get("target")
        target = (
            Target(raw.get("min"), raw.get("max"), raw.get("direction"), raw.get("compare"))
            if raw
            else None
        )
        indicators.append(
            Indicator(
                item["id"],
                item.get("label", item["id"]),
                item["measure"],
                dict(item.get("params", {})),
                target,
            )
        )
    return GoalPlan(
        head.get("id", origin),
        head.get("name", origin),
        head.get("municipality", ""),
        head.get("follow_up", "monthly"),
        tuple(indicators),
    )


def available_goalplans() -> list[GoalPlan]:
    return [
        parse_goalplan(path.name, path.read_text(encoding="utf-8"))
        for path in sorted(goalplan_dir().glob("*.toml"))
    ]


def load_goalplan(plan: str) -> GoalPlan:
    """A shipped plan by id (``herlev-2024``) or a TOML file path."""
    path = Path(plan)
    if path.suffix == ".toml" and path.exists():
        return parse_goalplan(path.name, path.read_text(encoding="utf-8"))
    shipped = goalplan_dir() / f"{plan}.toml"
    if shipped.exists():
        return parse_goalplan(shipped.name, shipped.read_text(encoding="utf-8"))
    raise ValidationError(
        "Unknown goal plan {plan!r}; the plans are: {plans}",
        plan=plan,
        plans=", ".join(p.stem for p in sorted(goalplan_dir().glob("*.toml"))),
    )


def _hidden(result: MeasureResult, threshold: int) -> bool:
    if result.value is None:
        return False
    if suppress_value(result.persons, threshold):
        return True
    return result.unit in ("count", "persons") and 0 < result.value < threshold


def status_of(value: float | None, target: Target | None, comparison: float | None) -> str:
    if target is None:
        return "no_target"
    if value is None:
        return "suppressed"
    if target.minimum is not None and value < target.minimum:
        return "not_met"
    if target.maximum is not None and value > target.maximum:
        return "not_met"
    if target.direction:
        if comparison is None:
            return "no_target"
        better = value > comparison if target.direction == "up" else value < comparison
        return "met" if better else "not_met"
    return "met"


def evaluate(
    db: Database,
    plan: GoalPlan,
    period: ReportPeriod,
    *,
    compare: str | None = None,
    threshold: int | None = None,
) -> list[IndicatorResult]:
    """Every indicator of the plan for the period, anonymised, with its comparison and status."""
    limit = effective_threshold(threshold)
    results = []
    plan = with_user_targets(db, plan)
    for indicator in plan.indicators:
        current = run_measure(db, indicator.measure, period, **indicator.params)
        hidden = _hidden(current, limit)
        how = compare or (indicator.target.compare if indicator.target else None)
        comparison_value, comparison_label = None, None
        if how:
            other = period.last_year() if how == "last-year" else period.previous()
            earlier = run_measure(db, indicator.measure, other, **indicator.params)
            comparison_value = None if _hidden(earlier, limit) else earlier.value
            comparison_label = other.label
        value = None if hidden else current.value
        status = "suppressed" if hidden else status_of(value, indicator.target, comparison_value)
        results.append(
            IndicatorResult(
                indicator, value, hidden, current.unit, comparison_value, comparison_label, status
            )
        )
    return results


def monthly_series(
    db: Database, plan: GoalPlan, period: ReportPeriod, *, threshold: int | None = None
) -> dict[str, list[tuple[str, float | None]]]:
    """Each indicator month by month (anonymised: a suppressed month is ``None``), for trends."""
    limit = effective_threshold(threshold)
    series: dict[str, list[tuple[str, float | None]]] = {}
    for indicator in plan.indicators:
        points = []
        for month in period.months():
            result = run_measure(db, indicator.measure, month, **indicator.params)
            points.append((month.label, None if _hidden(result, limit) else result.value))
        series[indicator.id] = points
    return series


def with_user_targets(db: Database, plan: GoalPlan) -> GoalPlan:
    """The plan with the targets team leads set in the app in place of the file's."""
    from dataclasses import replace

    from app.casework.goal_targets import targets_for

    user = targets_for(db, plan.id)
    if not user:
        return plan
    indicators = []
    for indicator in plan.indicators:
        if indicator.id in user:
            minimum, maximum, direction, compare = user[indicator.id]
            target = (
                Target(minimum, maximum, direction, compare)
                if any((minimum is not None, maximum is not None, direction))
                else None
            )
            indicator = replace(indicator, target=target)
        indicators.append(indicator)
    return replace(plan, indicators=tuple(indicators))
