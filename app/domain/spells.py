"""Benefit spells (ydelsesforløb): no overlaps per citizen, ending, and changing benefit.

A change of benefit ends the current spell the day before the new one starts and starts the next,
so the two never overlap and count requirements restart with the new spell (domain.md §4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.domain.codes import N_, TARGET_GROUPS, check_code
from app.domain.dates import Period, check_period
from app.domain.errors import Term, ValidationError


@dataclass(frozen=True, slots=True)
class SpellPeriod:
    """What overlap checks need to know about an existing spell."""

    spell_id: int | None
    target_group: str
    start: date
    end: date | None

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)


def check_no_overlap(existing: Iterable[SpellPeriod], candidate: SpellPeriod) -> None:
    """Refuse a spell that shares a day with another spell of the same citizen."""
    check_period(candidate.start, candidate.end)
    for other in existing:
        if other.spell_id is not None and other.spell_id == candidate.spell_id:
            continue
        if other.period.overlaps(candidate.period):
            raise ValidationError(
                "The period {new_start} – {new_end} overlaps the {group} spell {old_start} – {old_end}",
                field="start",
                new_start=candidate.start.isoformat(),
                new_end=candidate.end.isoformat() if candidate.end else "…",
                group=Term(TARGET_GROUPS[other.target_group]),
                old_start=other.start.isoformat(),
                old_end=other.end.isoformat() if other.end else "…",
            )


def check_end(spell: SpellPeriod, end: date) -> None:
    """An end date is the last day on the benefit: not before the start."""
    check_period(spell.start, end)
    if spell.end is not None:
        raise ValidationError(
            "This spell has already ended on {end}", field="end", end=spell.end.isoformat()
        )


@dataclass(frozen=True, slots=True)
class BenefitChange:
    end_current_on: date
    next_start: date
    next_group: str


def plan_benefit_change(current: SpellPeriod, next_group: str, next_start: date) -> BenefitChange:
    """The two steps of a change of benefit, validated: end current the day before, start next."""
    check_code("target_group", next_group)
    if current.end is not None:
        raise ValidationError(
            "Only an ongoing spell can be changed to another benefit", field="target_group"
        )
    if next_group == current.target_group:
        raise ValidationError(
            "The new benefit is the same as the current one", field="target_group"
        )
    if next_start <= current.start:
        raise ValidationError(
            "The new benefit must start after the current one started ({start})",
            field="start",
            start=current.start.isoformat(),
        )
    return BenefitChange(
        end_current_on=next_start - timedelta(days=1), next_start=next_start, next_group=next_group
    )


_KONTANTHJAELP = (
    "kontanthjaelp_jobparat",
    "kontanthjaelp_aktivitetsparat",
    "uddannelseshjaelp_uddannelsesparat",
    "uddannelseshjaelp_aktivitetsparat",
)
_RET_OG_PLIGT = (
    "dagpenge",
    "kontanthjaelp_jobparat",
    "kontanthjaelp_aktivitetsparat",
    "uddannelseshjaelp_uddannelsesparat",
)

#: Every fact of a spell the deadline rules count from, by field name (what the spell's form
#: edits besides its benefit and dates; ``SpellRow.facts`` carries them).
SPELL_FACTS = (
    "visited_to_jobcenter",
    "early_followup_requested_on",
    "exempt_75",
    "exempt_75_reason",
    "agreed_contact_days",
    "first_request_on",
    "absence_start_on",
    "sick_category",
    "new_dagpengeperiode_on",
    "ledighed_hours",
    "ledighed_on",
    "part_time_insured",
    "offer_exempt_from",
    "offer_exempt_to",
    "work_duty",
)
#: The facts a spell carries for the deadline rules, and the target groups each belongs to.
FACT_GROUPS: dict[str, frozenset[str]] = {
    "first_request_on": frozenset(
        {
            "kontanthjaelp_jobparat",
            "kontanthjaelp_aktivitetsparat",
            "uddannelseshjaelp_uddannelsesparat",
            "uddannelseshjaelp_aktivitetsparat",
        }
    ),
    "absence_start_on": frozenset({"sygedagpenge"}),
    "sick_category": frozenset({"sygedagpenge"}),
    "early_followup_requested_on": frozenset({"sygedagpenge"}),
    "visited_to_jobcenter": frozenset({"dagpenge"}),
    "new_dagpengeperiode_on": frozenset({"dagpenge"}),
    "ledighed_hours": frozenset({"dagpenge"}),
    "ledighed_on": frozenset({"dagpenge"}),
    "part_time_insured": frozenset({"dagpenge"}),
    # ret og pligt (LAB § 102: § 6 nr. 1–3; from 1 Jul 2026 also uddannelsesparate)
    "offer_exempt_from": frozenset(_RET_OG_PLIGT),
    "offer_exempt_to": frozenset(_RET_OG_PLIGT),
    # arbejdspligt (LAB kapitel 16 a) concerns recipients of kontanthjælp
    "work_duty": frozenset(_KONTANTHJAELP),
    # the 75 % rule (lov 1750/2025): conversations and offers
    "exempt_75": frozenset({*_RET_OG_PLIGT, "ledighedsydelse"} - {"kontanthjaelp_aktivitetsparat"}),
    "exempt_75_reason": frozenset(
        {*_RET_OG_PLIGT, "ledighedsydelse"} - {"kontanthjaelp_aktivitetsparat"}
    ),
}
#: The facts' names in messages (English msgids; the UI translates them).
FACT_LABELS: dict[str, str] = {
    "first_request_on": N_("The first request for help"),
    "absence_start_on": N_("The first day of absence"),
    "sick_category": N_("The sick-leave category"),
    "early_followup_requested_on": N_("Early follow-up"),
    "visited_to_jobcenter": N_("Visiteret til jobcenter"),
    "new_dagpengeperiode_on": N_("A new dagpengeperiode"),
    "ledighed_hours": N_("Accumulated unemployment"),
    "ledighed_on": N_("Accumulated unemployment"),
    "part_time_insured": N_("Part-time insurance"),
    "offer_exempt_from": N_("An exemption from offers"),
    "offer_exempt_to": N_("An exemption from offers"),
    "work_duty": N_("Arbejdspligt"),
    "exempt_75": N_("An exemption from the 75 % rule"),
    "exempt_75_reason": N_("An exemption from the 75 % rule"),
}
#: How far before the spell a first request or a first day of absence may lie (a typo guard).
MAX_DAYS_BEFORE = 730
MAX_LEDIGHED_HOURS = 20_000


def check_spell_facts(values: Mapping[str, Any]) -> None:
    """Refuse facts of a spell the deadline rules would misread: a date on the wrong side of the
    spell, a fact of another benefit, half of a pair (hours without their date, an exemption
    without its end), an exemption from the 75 % rule without a reason or under arbejdspligt.

    ``values`` holds the spell's fields by their database names (``start_date``, ``end_date`` …)."""
    group = str(values.get("target_group"))
    start: date | None = values.get("start_date")
    end: date | None = values.get("end_date")
    for name, groups in FACT_GROUPS.items():
        value = values.get(name)
        if value not in (None, False, "") and group not in groups:
            raise ValidationError(
                "{what} does not apply to {group}",
                field=name,
                what=Term(FACT_LABELS[name]),
                group=Term(TARGET_GROUPS.get(group, str(group))),
            )
    if values.get("exempt_75"):
        if values.get("work_duty"):
            raise ValidationError(
                "Citizens with arbejdspligt cannot be exempted from the 75 % rule",
                field="exempt_75",
            )
        if not (values.get("exempt_75_reason") or "").strip():
            raise ValidationError(
                "An exemption from the 75 % rule needs a reason", field="exempt_75_reason"
            )
    days = values.get("agreed_contact_days")
    if days is not None and not (1 <= int(days) <= 366):
        raise ValidationError(
            "The agreed contact interval must be between 1 and 366 days",
            field="agreed_contact_days",
        )
    category = values.get("sick_category")
    if category not in (None, ""):
        check_code("sick_category", category)
    if start is not None:
        for name in ("first_request_on", "absence_start_on"):
            day = values.get(name)
            if day is None:
                continue
            if day > start:
                raise ValidationError(
                    "The date must not be after the spell's first day ({start})",
                    field=name,
                    start=start.isoformat(),
                )
            if (start - day).days > MAX_DAYS_BEFORE:
                raise ValidationError(
                    "The date lies more than two years before the spell's first day",
                    field=name,
                )
        new_period = values.get("new_dagpengeperiode_on")
        if new_period is not None and (
            new_period < start or (end is not None and new_period > end)
        ):
            raise ValidationError(
                "A new dagpengeperiode must begin during the spell", field="new_dagpengeperiode_on"
            )
    hours, known_on = values.get("ledighed_hours"), values.get("ledighed_on")
    if (hours is None) != (known_on is None):
        raise ValidationError(
            "Give both the hours of accumulated unemployment and the day they were known",
            field="ledighed_hours" if hours is None else "ledighed_on",
        )
    if hours is not None and not (0 <= float(hours) <= MAX_LEDIGHED_HOURS):
        raise ValidationError(
            "The accumulated unemployment must be between 0 and {most} hours",
            field="ledighed_hours",
            most=MAX_LEDIGHED_HOURS,
        )
    if known_on is not None and start is not None and known_on < start - timedelta(days=1826):
        raise ValidationError(
            "The day the unemployment was known lies more than five years before the spell",
            field="ledighed_on",
        )
    exempt_from, exempt_to = values.get("offer_exempt_from"), values.get("offer_exempt_to")
    if (exempt_from is None) != (exempt_to is None):
        raise ValidationError(
            "An exemption from offers needs its first and its last day",
            field="offer_exempt_to" if exempt_to is None else "offer_exempt_from",
        )
    if exempt_from is not None and exempt_to < exempt_from:
        raise ValidationError("The exemption ends before it begins", field="offer_exempt_to")
