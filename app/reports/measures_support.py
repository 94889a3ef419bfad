"""Measures of time on public support: the long-term unemployed and long-term supported, the
total time on support across spells, and full-time persons on support as a share of the
population aged 16–66 (the population per year is an organisation setting).

"Public support" is every target group but ``selvforsoergende`` (``measures.SUPPORT_GROUPS``):
a selvforsørgende ledig gets no benefit and is never counted as on support.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import distinct, func, or_, select
from sqlmodel import col

from app.domain.periods import ReportPeriod
from app.reports.measures import (
    SUPPORT_GROUPS,
    UNEMPLOYED_GROUPS,
    MeasureResult,
    _aged,
    _scalar,
    _scalar_all,
    _spell_overlap,
    fte_day_sum,
)
from app.store.engine import Database
from app.store.models import BenefitSpell

#: A break of at most this many days between two spells does not end a run on support (the
#: tolerance Danmarks Statistik uses for long-term unemployment).
RUN_GAP_DAYS = 28
#: The rehabilitating effort (Gentofte): jobafklaringsforløb and ressourceforløb.
REHAB_GROUPS = ("jobafklaring", "ressourceforloeb")
#: The population the share of MM14 is taken of.
POPULATION_AGES = (16, 66)


def long_term_on_support(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    window_weeks: int = 52,
    min_share: int = 80,
    **_: Any,
) -> MeasureResult:
    """Long-term: citizens in the groups on the period's last day who were in them at least
    ``min_share`` % of the ``window_weeks`` weeks up to and including that day (a stock). With the
    unemployed groups (the default) this is STAR's long-term unemployed: ledig at least 80 % of
    the last 52 weeks; with every benefit, the long-term supported."""
    chosen = list(groups or UNEMPLOYED_GROUPS)
    day = period.end
    window = ReportPeriod(day - timedelta(days=7 * window_weeks - 1), day, "window")
    needed = math.ceil(window.days * min_share / 100)
    days, conditions = _spell_overlap(db, window, chosen, min_age, max_age)
    on_the_day = select(col(BenefitSpell.citizen_id)).where(
        col(BenefitSpell.target_group).in_(chosen),
        col(BenefitSpell.start_date) <= day,
        or_(col(BenefitSpell.end_date).is_(None), col(BenefitSpell.end_date) >= day),
    )
    long_term = (
        select(col(BenefitSpell.citizen_id))
        .where(*conditions, col(BenefitSpell.citizen_id).in_(on_the_day))
        .group_by(col(BenefitSpell.citizen_id))
        .having(func.sum(days) >= needed)
        .subquery()
    )
    (count,) = _scalar(db, select(func.count(distinct(long_term.c.citizen_id))))
    return MeasureResult(
        float(count), int(count), "persons", {"on": day.isoformat(), "days_needed": needed}
    )


def _merged(spans: list[tuple[date, date]], gap: int) -> list[list[tuple[date, date]]]:
    """Spells (first, last day) grouped into runs: a run goes on across a break of at most
    ``gap`` days; overlapping spells join the same run."""
    runs: list[list[tuple[date, date]]] = []
    reach: date | None = None
    for first, last in sorted(spans):
        if runs and reach is not None and (first - reach).days - 1 <= gap:
            runs[-1].append((first, last))
            reach = max(reach, last)
        else:
            runs.append([(first, last)])
            reach = last
    return runs


def _days_on(spans: list[tuple[date, date]], until: date) -> int:
    """Days covered by the spans up to ``until``, overlaps counted once."""
    covered, reach = 0, None  # reach: the last day already counted
    for first, last in sorted(spans):
        if first > until:
            break
        last = min(last, until)
        if reach is not None:
            first = max(first, reach + timedelta(days=1))
        if first <= last:
            covered += (last - first).days + 1
        reach = last if reach is None else max(reach, last)
    return covered


def support_duration(
    db: Database,
    period: ReportPeriod,
    *,
    groups: Sequence[str] | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    **_: Any,
) -> MeasureResult:
    """Total time on public support across spells: for the citizens whose spell in the groups
    (the rehabilitating effort, jobafklaring and ressourceforløb, by default) ended in the
    period, the mean number of days on public support — any benefit — in the unbroken run that
    spell belongs to, up to its last day. A change of benefit does not restart the count; a
    break of up to 28 days does not end the run (and is not counted)."""
    chosen = list(groups or REHAB_GROUPS)
    ended = _scalar_all(
        db,
        select(col(BenefitSpell.citizen_id), func.max(col(BenefitSpell.end_date)).label("last"))
        .where(
            col(BenefitSpell.target_group).in_(chosen),
            col(BenefitSpell.end_date) >= period.start,
            col(BenefitSpell.end_date) <= period.end,
            *_aged(col(BenefitSpell.citizen_id), period.end, min_age, max_age),
        )
        .group_by(col(BenefitSpell.citizen_id)),
    )
    if not ended:
        return MeasureResult(None, 0, "days")
    last_of = {row.citizen_id: row.last for row in ended}
    spells: dict[int, list[tuple[date, date]]] = {}
    for citizen, first, last in _scalar_all(
        db,
        select(
            col(BenefitSpell.citizen_id), col(BenefitSpell.start_date), col(BenefitSpell.end_date)
        ).where(
            col(BenefitSpell.citizen_id).in_(list(last_of)),
            col(BenefitSpell.target_group).in_(SUPPORT_GROUPS),
            col(BenefitSpell.start_date) <= period.end,
        ),
    ):
        spells.setdefault(citizen, []).append((first, last or date.max))
    totals = []
    for citizen, until in last_of.items():
        for run in _merged(spells.get(citizen, []), RUN_GAP_DAYS):
            if run[0][0] <= until <= max(last for _first, last in run):
                totals.append(_days_on(run, until))
                break
    if not totals:
        return MeasureResult(None, 0, "days")
    return MeasureResult(round(sum(totals) / len(totals), 1), len(totals), "days")


def _population(db: Database, period: ReportPeriod) -> float | None:
    """The 16–66 population over the period (the setting's figure for each year, weighted by
    the period's days in it); None when a year of the period has no figure."""
    from app.store import settings as org_settings

    by_year = org_settings.get(db, "population_16_66")
    weighted = 0.0
    for year in range(period.start.year, period.end.year + 1):
        if not by_year.get(year):
            return None
        first, last = max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31))
        weighted += by_year[year] * ((last - first).days + 1)
    return weighted / period.days


def fte_population_share(
    db: Database, period: ReportPeriod, *, groups: Sequence[str] | None = None, **_: Any
) -> MeasureResult:
    """Full-time persons aged 16–66 on public support as a share of the population aged 16–66
    (Jobindsats MM14): the population per year is the organisation setting
    ``population_16_66``, entered from Danmarks Statistik. Unknown (None) for a year without one."""
    low, high = POPULATION_AGES
    population = _population(db, period)
    total, persons = fte_day_sum(db, period, list(groups or SUPPORT_GROUPS), low, high)
    params = {"population": round(population) if population else None}
    if not population:
        return MeasureResult(None, 0, "share", params)
    full_time = total / period.days
    return MeasureResult(
        round(100 * full_time / population, 2),
        round(population),
        "share",
        params,
        int(persons),
    )
