"""Benefit spells (ydelsesforløb): no overlaps per citizen, ending, and changing benefit.

A change of benefit ends the current spell the day before the new one starts and starts the next,
so the two never overlap and count requirements restart with the new spell (domain.md §4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.codes import TARGET_GROUPS, check_code
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
