"""Offers (tilbud): the rules for their dates and hours, and their duration limits as data.

Duration limits come from ``app/resources/rules/offer_durations.toml`` (parsed here from plain data,
so the core does no I/O). Exceeding a limit is a warning, not a refusal: the caseworker may have
made a concrete assessment (e.g. a praktik extended to 26 weeks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.domain.codes import OFFER_KINDS, TARGET_GROUPS, check_code
from app.domain.dates import add_months, check_period
from app.domain.errors import ValidationError

MAX_HOURS_PER_WEEK = 60


@dataclass(frozen=True)
class DurationLimit:
    kind: str
    groups: frozenset[str]
    max_weeks: int | None = None
    max_months: int | None = None
    extended_max_weeks: int | None = None
    source: str = ""

    def latest_end(self, start: date, *, extended: bool = False) -> date:
        """The last allowed day (inclusive) of an offer starting on ``start``."""
        if extended and self.extended_max_weeks:
            return start + timedelta(days=7 * self.extended_max_weeks - 1)
        if self.max_weeks is not None:
            return start + timedelta(days=7 * self.max_weeks - 1)
        assert self.max_months is not None
        return add_months(start, self.max_months) - timedelta(days=1)


def parse_limits(
    data: Mapping[str, Any], *, origin: str = "offer_durations.toml"
) -> list[DurationLimit]:
    """Limits from the TOML structure; a malformed entry names its position and field."""
    limits = []
    for index, raw in enumerate(data.get("limit", []), start=1):
        where = f"{origin}: limit {index}"
        kind = raw.get("kind")
        if kind not in OFFER_KINDS:
            raise ValidationError(
                "{where}: unknown offer kind {kind!r}", field="kind", where=where, kind=kind
            )
        groups = frozenset(raw.get("groups", ["*"]))
        unknown = sorted(g for g in groups if g != "*" and g not in TARGET_GROUPS)
        if unknown:
            raise ValidationError(
                "{where}: unknown target group {group!r}",
                field="groups",
                where=where,
                group=unknown[0],
            )
        weeks, months = raw.get("max_weeks"), raw.get("max_months")
        if (weeks is None) == (months is None):
            raise ValidationError(
                "{where}: give either max_weeks or max_months", field="max_weeks", where=where
            )
        limits.append(
            DurationLimit(
                kind, groups, weeks, months, raw.get("extended_max_weeks"), raw.get("source", "")
            )
        )
    return limits


def limit_for(
    limits: Iterable[DurationLimit], kind: str, group: str | None
) -> DurationLimit | None:
    """The limit for a kind and target group: a named group wins over ``*``."""
    candidates = [lim for lim in limits if lim.kind == kind]
    for lim in candidates:
        if group in lim.groups:
            return lim
    for lim in candidates:
        if "*" in lim.groups:
            return lim
    return None


@dataclass(frozen=True)
class DurationWarning:
    limit: DurationLimit
    latest_end: date
    planned_end: date


def duration_warning(
    limits: Iterable[DurationLimit],
    kind: str,
    group: str | None,
    start: date | None,
    end: date | None,
) -> DurationWarning | None:
    """A warning when the offer runs past the limit for the citizen's target group."""
    if start is None or end is None:
        return None
    limit = limit_for(limits, kind, group)
    if limit is None:
        return None
    latest = limit.latest_end(start)
    return DurationWarning(limit, latest, end) if end > latest else None


def check_offer(values: Mapping[str, Any]) -> None:
    """Kind and status known; offered ≤ start ≤ planned end ≤ ...; hours within reason."""
    check_code("offer_kind", str(values.get("kind")))
    if values.get("status") is not None:
        check_code("offer_status", values["status"])
    offered, start = values.get("offered_on"), values.get("start_date")
    if offered and start and start < offered:
        raise ValidationError(
            "The offer cannot start ({start}) before it was offered ({offered})",
            field="start_date",
            start=start.isoformat(),
            offered=offered.isoformat(),
        )
    check_period(start, values.get("planned_end"), field="planned_end")
    check_period(start, values.get("actual_end"), field="actual_end")
    hours = values.get("hours_per_week")
    if hours is not None and not (0 < float(hours) <= MAX_HOURS_PER_WEEK):
        raise ValidationError(
            "Hours per week must be more than 0 and at most {max}",
            field="hours_per_week",
            max=MAX_HOURS_PER_WEEK,
        )
