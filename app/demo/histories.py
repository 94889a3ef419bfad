"""Benefit histories for the synthetic demo jobcenter, shaped the way case histories really run.

A history is a short chain of benefit spells ending in the citizen's current benefit (or, for
some, in a job or an education two years of history back), with the facts the deadline rules
count from: the first request for kontanthjælp, the first day of absence and the category of a
sick-leave case, a dagpenge period broken by a short job or reported by the a-kasse, an exemption
from the 75 % rule after a concrete assessment. Everything is synthetic and random within the
bounds a jobcenter would recognise; nothing describes a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.domain.count_periods import SpellFacts
from app.domain.dates import add_months

#: How long the current spell has typically lasted, in days (min, max).
SPELL_AGE = {
    "sygedagpenge": (3, 330),
    "dagpenge": (3, 680),
    "fleksjob": (60, 2500),
    "jobafklaring": (20, 500),
    "ressourceforloeb": (30, 1400),
    "ledighedsydelse": (10, 400),
    "foertidspension": (100, 3000),
    "integration": (20, 1000),
}
#: Typical benefit that came before the current one (a change of benefit).
PREVIOUS_GROUP = {
    "kontanthjaelp_jobparat": "dagpenge",
    "kontanthjaelp_aktivitetsparat": "kontanthjaelp_jobparat",
    "jobafklaring": "sygedagpenge",
    "ressourceforloeb": "jobafklaring",
    "fleksjob": "ressourceforloeb",
    "ledighedsydelse": "fleksjob",
    "revalidering": "sygedagpenge",
    "foertidspension": "ressourceforloeb",
}
#: How a spell that ended did end, by group (the reason decides what follows it).
END_REASONS = {
    "dagpenge": ("Ordinært job", "Ordinært job", "Påbegyndt uddannelse", "Selvforsørgende"),
    "sygedagpenge": ("Raskmeldt", "Raskmeldt", "Raskmeldt", "Ordinært job"),
    "kontanthjaelp_jobparat": (
        "Ordinært job",
        "Ordinært job",
        "Påbegyndt uddannelse",
        "Selvforsørgende",
    ),
    "uddannelseshjaelp_uddannelsesparat": (
        "Påbegyndt uddannelse",
        "Påbegyndt uddannelse",
        "Ordinært job",
    ),
}
DEFAULT_END_REASONS = ("Ordinært job", "Selvforsørgende", "Påbegyndt uddannelse")
#: The 75 % rule (from 1 Jul 2026) may exempt up to 25 % after a concrete assessment.
EXEMPTABLE = {
    "dagpenge",
    "kontanthjaelp_jobparat",
    "uddannelseshjaelp_uddannelsesparat",
    "ledighedsydelse",
}
EXEMPT_REASONS = (
    "Konkret vurdering: har selv udsigt til job",
    "Konkret vurdering: ansættelse aftalt inden for kort tid",
    "Konkret vurdering: søger aktivt og tæt på arbejdsmarkedet",
)
REFORM = date(2026, 7, 1)
#: Groups whose contact after the first 6 months is individually agreed (LAB § 32, SDL § 13 b).
CONTACT_GROUPS = {
    "dagpenge",
    "kontanthjaelp_jobparat",
    "kontanthjaelp_aktivitetsparat",
    "uddannelseshjaelp_uddannelsesparat",
    "uddannelseshjaelp_aktivitetsparat",
    "sygedagpenge",
    "jobafklaring",
    "ressourceforloeb",
    "ledighedsydelse",
    "revalidering",
    "integration",
}
DAY = timedelta(days=1)


@dataclass
class History:
    """A citizen's spells (rows for the database and facts for the deadline engine) and what came
    after a spell that ended (a job, an education)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def facts(self) -> list[SpellFacts]:
        return [
            SpellFacts(
                r["target_group"],
                r["start_date"],
                r["end_date"],
                r["visited_to_jobcenter"],
                r["early_followup_requested_on"],
                r["agreed_contact_days"],
                r["exempt_75"],
                r["first_request_on"],
                r["absence_start_on"],
                r["sick_category"],
                r["new_dagpengeperiode_on"],
                r["ledighed_hours"],
                r["ledighed_on"],
                r["part_time_insured"],
                r["offer_exempt_from"],
                r["offer_exempt_to"],
                r["work_duty"],
            )
            for r in self.rows
        ]

    @property
    def current(self) -> dict[str, Any]:
        return self.rows[-1]


def _spell(group: str, start: date, end: date | None, reason: str | None) -> dict[str, Any]:
    return {
        "target_group": group,
        "start_date": start,
        "end_date": end,
        "end_reason": reason,
        "visited_to_jobcenter": False,
        "early_followup_requested_on": None,
        "exempt_75": False,
        "exempt_75_reason": None,
        "agreed_contact_days": None,
        "first_request_on": None,
        "absence_start_on": None,
        "sick_category": None,
        "new_dagpengeperiode_on": None,
        "ledighed_hours": None,
        "ledighed_on": None,
        "part_time_insured": False,
        "offer_exempt_from": None,
        "offer_exempt_to": None,
        "work_duty": False,
    }


def history(rng: random.Random, group: str, birth: date, as_of: date, *, refugee: bool) -> History:
    """A benefit history ending in ``group`` (ongoing for most; ended for some, two years back)."""
    low, high = SPELL_AGE.get(group, (7, 900))
    ongoing = rng.random() > 0.12
    start = as_of - timedelta(days=rng.randint(low, high))
    if group == "dagpenge":  # a dagpengeperiode lasts at most two years
        start = max(start, as_of - timedelta(days=700))
    end = None
    if not ongoing:
        end = min(as_of - DAY, start + timedelta(days=rng.randint(30, 300)))
        end = max(end, start)
    found = History()
    previous = PREVIOUS_GROUP.get(group)
    if previous and rng.random() < 0.35:
        before_start = start - timedelta(days=rng.randint(60, 420))
        found.rows.append(_spell(previous, before_start, start - DAY, "Skiftet ydelse"))
    if group == "dagpenge" and rng.random() < 0.2:
        # a dagpenge spell broken by a short job: the same dagpengeperiode goes on
        job_days = rng.randint(20, 110)
        first_end = start - timedelta(days=job_days)
        first_start = first_end - timedelta(days=rng.randint(40, 200))
        found.rows.append(_spell("dagpenge", first_start, first_end, "Ordinært job"))
        found.outcomes.append(_job(first_end + DAY, start - DAY))
    if group == "kontanthjaelp_aktivitetsparat" and not found.rows and rng.random() < 0.3:
        # visiteret from jobparat to aktivitetsparat: the same benefit, the same period
        change = start
        start = change - timedelta(days=rng.randint(40, 300))
        found.rows.append(
            _spell("kontanthjaelp_jobparat", start, change - DAY, "Visiteret aktivitetsparat")
        )
        start = change
    age_30 = add_months(birth, 12 * 30)
    if group == "kontanthjaelp_jobparat" and not found.rows and start <= age_30 <= as_of:
        # turned 30 on uddannelseshjælp: kontanthjælp from the birthday is a new period
        before = age_30 - timedelta(days=rng.randint(60, 400))
        found.rows.append(
            _spell("uddannelseshjaelp_uddannelsesparat", before, age_30 - DAY, "Fyldt 30 år")
        )
        start = age_30
        if end is not None and end < start:
            end = None
    current = _spell(group, start, end, None)
    found.rows.append(current)
    if end is not None:
        reason = rng.choice(END_REASONS.get(group, DEFAULT_END_REASONS))
        current["end_reason"] = reason
        if reason == "Ordinært job":
            found.outcomes.append(_job(end + DAY, None))
        elif reason == "Påbegyndt uddannelse":
            found.outcomes.append(_education(rng, end + DAY, as_of))
    for row in found.rows:
        _facts(rng, row, as_of, refugee=refugee)
    return found


def _facts(rng: random.Random, row: dict[str, Any], as_of: date, *, refugee: bool) -> None:
    """The facts the deadline rules count from, as a caseworker would have recorded them."""
    group, start = row["target_group"], row["start_date"]
    if group.startswith(("kontanthjaelp", "uddannelseshjaelp")):
        if rng.random() < 0.85:
            row["first_request_on"] = start - timedelta(days=rng.choice([0, 0, 2, 5, 7, 10, 14]))
        row["work_duty"] = refugee and rng.random() < 0.4
    elif group == "sygedagpenge":
        row["absence_start_on"] = start - timedelta(days=rng.randint(3, 50))
        row["sick_category"] = rng.choices(["2", "1", "13f", None], weights=[70, 10, 15, 5])[0]
        if rng.random() < 0.1:
            row["early_followup_requested_on"] = start + timedelta(days=rng.randint(0, 10))
    elif group == "dagpenge":
        row["visited_to_jobcenter"] = rng.random() < 0.08
        if rng.random() < 0.08:  # moved here: the a-kasse reports the unemployment so far
            row["ledighed_on"] = start
            row["ledighed_hours"] = float(37 * rng.randint(4, 40))
            row["part_time_insured"] = rng.random() < 0.15
    if (
        group in EXEMPTABLE
        and not row["work_duty"]
        and add_months(start, 6) >= REFORM
        and rng.random() < 0.12
    ):
        row["exempt_75"] = True
        row["exempt_75_reason"] = rng.choice(EXEMPT_REASONS)
    lasts = (row["end_date"] or as_of) - start
    if group in CONTACT_GROUPS and lasts > timedelta(days=200) and rng.random() < 0.5:
        # after the first 6 months the contact is agreed with the citizen (LAB § 32), typically
        # every one to four months
        row["agreed_contact_days"] = rng.choice([45, 60, 90, 90, 120])
    if (
        group in ("dagpenge", "kontanthjaelp_jobparat", "kontanthjaelp_aktivitetsparat")
        and rng.random() < 0.04
    ):
        # exempted from offers for a while (illness, barsel) around the 6-month mark
        exempt_from = add_months(start, 5)
        if exempt_from < as_of:
            row["offer_exempt_from"] = exempt_from
            row["offer_exempt_to"] = exempt_from + timedelta(days=rng.randint(30, 90))


def _job(start: date, end: date | None) -> dict[str, Any]:
    return {
        "kind": "ordinary_job",
        "start_date": start,
        "end_date": end,
        "hours_per_week": 37.0,
        "hours_per_month": None,
        "completed": None,
    }


def _education(rng: random.Random, start: date, as_of: date) -> dict[str, Any]:
    """An education started; some finish, some drop out within a year (the youth drop-out figure)."""
    outcome = rng.choices(["ongoing", "dropped", "finished"], weights=[6, 2, 1])[0]
    end = None
    completed = None
    if outcome == "dropped":
        end = min(as_of - DAY, start + timedelta(days=rng.randint(30, 330)))
        completed = False
    elif outcome == "finished":
        end = min(as_of - DAY, start + timedelta(days=rng.randint(200, 700)))
        completed = True
    if end is not None and end < start:
        end, completed = None, None
    return {
        "kind": "education",
        "start_date": start,
        "end_date": end,
        "hours_per_week": None,
        "hours_per_month": None,
        "completed": completed,
    }
