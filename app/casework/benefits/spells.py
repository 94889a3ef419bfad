"""Use cases for benefit spells: start, end with a reason, change benefit in one step, edit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.casework.core.editing import (
    apply_changes,
    flush_versioned,
    get_row,
    insert_audited,
    load_case_row_for_update,
    snapshot,
    update_audited,
)
from app.casework.core.result import Area, Saved
from app.domain import validation as v
from app.domain.codes import N_, check_code
from app.domain.errors import Term, ValidationError
from app.domain.spells import (
    SPELL_FACTS,
    SpellPeriod,
    check_end,
    check_no_overlap,
    check_spell_facts,
    plan_benefit_change,
)
from app.store.engine import Database, transaction
from app.store.models import BenefitSpell, Citizen
from app.store.row_values import saved_id

_AREAS = frozenset({Area.SPELLS, Area.CITIZEN, Area.CITIZEN_LIST, Area.HISTORY})
SPELL_FIELDS = ("target_group", "start_date", "end_date", "end_reason", *SPELL_FACTS)
#: Fields that default to False rather than None.
_FLAGS = ("visited_to_jobcenter", "exempt_75", "part_time_insured", "work_duty")


def _periods(session: Session, citizen_id: int) -> list[SpellPeriod]:
    rows = session.exec(
        select(BenefitSpell).where(col(BenefitSpell.citizen_id) == citizen_id)
    ).all()
    return [SpellPeriod(r.id, r.target_group, r.start_date, r.end_date) for r in rows]


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {k: val for k, val in values.items() if k in SPELL_FIELDS}
    if "target_group" in cleaned:
        check_code("target_group", cleaned["target_group"])
    for key in ("end_reason", "exempt_75_reason", "sick_category"):
        if key in cleaned:
            cleaned[key] = v.text(cleaned[key])
    for key in _FLAGS:
        if key in cleaned:
            cleaned[key] = bool(cleaned[key])
    return cleaned


def _checked(values: Mapping[str, Any]) -> None:
    """The domain's checks on the whole spell (after merging with what is stored)."""
    check_spell_facts({**{k: None for k in SPELL_FIELDS}, **dict(values)})


def start_spell(db: Database, actor: Actor, citizen_id: int, values: Mapping[str, Any]) -> Saved:
    """Start a benefit spell; one that overlaps another spell of the citizen is refused."""
    cleaned = _clean(values)
    if not cleaned.get("start_date"):
        raise ValidationError(
            "{label} is required", field="start_date", label=Term(N_("Start date"))
        )
    with transaction(db) as session:
        get_row(session, Citizen, citizen_id)
        access.require_case_write(session, actor, citizen_id)
        _checked(cleaned)
        candidate = SpellPeriod(
            None, cleaned["target_group"], cleaned["start_date"], cleaned.get("end_date")
        )
        check_no_overlap(_periods(session, citizen_id), candidate)
        row = BenefitSpell(citizen_id=citizen_id, **cleaned)
        return insert_audited(session, actor, row, cleaned, entity="benefit_spell", areas=_AREAS)


def end_spell(
    db: Database,
    actor: Actor,
    spell_id: int,
    end: date,
    reason: str,
    *,
    expected_version: int | None = None,
) -> Saved:
    """End an ongoing spell on its last day on the benefit, with a reason."""
    if not v.text(reason):
        raise ValidationError("Give a reason for ending the spell", field="end_reason")
    changes = {"end_date": end, "end_reason": v.text(reason)}
    with transaction(db) as session:
        row = load_case_row_for_update(
            session, actor, BenefitSpell, spell_id, expected_version, changes
        )
        check_end(SpellPeriod(row.id, row.target_group, row.start_date, row.end_date), end)
        return update_audited(
            session, actor, row, changes, action="end_spell", entity="benefit_spell", areas=_AREAS
        )


def change_benefit(
    db: Database,
    actor: Actor,
    spell_id: int,
    next_group: str,
    next_start: date,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Saved:
    """End the current spell the day before ``next_start`` and start the next, in one transaction."""
    with transaction(db) as session:
        current = load_case_row_for_update(
            session, actor, BenefitSpell, spell_id, expected_version, {"target_group": next_group}
        )
        change = plan_benefit_change(
            SpellPeriod(current.id, current.target_group, current.start_date, current.end_date),
            next_group,
            next_start,
        )
        end_reason = v.text(reason) or "Overgået til anden ydelse"
        old, new = apply_changes(
            current, {"end_date": change.end_current_on, "end_reason": end_reason}
        )
        flush_versioned(session, current, new)
        values = _clean(
            {**(extra or {}), "target_group": change.next_group, "start_date": change.next_start}
        )
        _checked(values)
        check_no_overlap(
            _periods(session, current.citizen_id), SpellPeriod(None, next_group, next_start, None)
        )
        row = BenefitSpell(citizen_id=current.citizen_id, **values)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "change_benefit",
            entity="benefit_spell",
            entity_id=current.id,
            citizen_id=current.citizen_id,
            old=old,
            new=new,
            details={"next_spell_id": row.id, "next": values},
        )
        return Saved(saved_id(row), row.version, current.citizen_id, _AREAS)


def update_spell(
    db: Database,
    actor: Actor,
    spell_id: int,
    expected_version: int | None,
    values: Mapping[str, Any],
) -> Saved:
    """Correct a spell's fields (dates included), still refusing overlaps."""
    cleaned = _clean(values)
    with transaction(db) as session:
        row = load_case_row_for_update(
            session, actor, BenefitSpell, spell_id, expected_version, cleaned
        )
        merged = {**snapshot(row, SPELL_FIELDS), **cleaned}
        check_no_overlap(
            _periods(session, row.citizen_id),
            SpellPeriod(row.id, merged["target_group"], merged["start_date"], merged["end_date"]),
        )
        _checked(merged)
        return update_audited(
            session,
            actor,
            row,
            cleaned,
            action="update",
            entity="benefit_spell",
            areas=_AREAS,
            skip_unchanged=True,
        )
