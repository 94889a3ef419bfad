"""Benefit spells: start, end, change benefit in one step; overlaps refused with a clear message."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from app import i18n
from app.casework.benefits.spells import change_benefit, end_spell, start_spell, update_spell
from app.casework.citizens.citizens import create_citizen
from app.domain.errors import ValidationError
from app.domain.spells import SpellPeriod, check_no_overlap
from app.store.engine import Database, transaction
from app.store.models import BenefitSpell


@pytest.fixture
def citizen_id(any_db: Database, actor) -> int:
    return create_citizen(
        any_db,
        actor,
        {"cpr": "0101901234", "first_name": "Bo", "last_name": "Berg"},
        today=date(2026, 11, 23),
    ).id


def _spells(db: Database, citizen_id: int) -> list[tuple[str, date, date | None, str | None]]:
    with transaction(db) as s:
        rows = s.exec(
            select(BenefitSpell)
            .where(BenefitSpell.citizen_id == citizen_id)
            .order_by(BenefitSpell.start_date)
        ).all()
        return [(r.target_group, r.start_date, r.end_date, r.end_reason) for r in rows]


def test_change_of_benefit_ends_the_current_spell_the_day_before(
    any_db: Database, actor, citizen_id: int
) -> None:
    first = start_spell(
        any_db, actor, citizen_id, {"target_group": "sygedagpenge", "start_date": date(2026, 1, 5)}
    )
    change_benefit(any_db, actor, first.id, "jobafklaring", date(2026, 7, 1))
    assert _spells(any_db, citizen_id) == [
        ("sygedagpenge", date(2026, 1, 5), date(2026, 6, 30), "Overgået til anden ydelse"),
        ("jobafklaring", date(2026, 7, 1), None, None),
    ]


def test_overlapping_spells_are_refused_with_both_periods_named(
    any_db: Database, actor, citizen_id: int
) -> None:
    start_spell(
        any_db,
        actor,
        citizen_id,
        {"target_group": "dagpenge", "start_date": date(2026, 1, 1), "end_date": date(2026, 3, 31)},
    )
    with pytest.raises(ValidationError) as info:
        start_spell(
            any_db,
            actor,
            citizen_id,
            {"target_group": "kontanthjaelp_jobparat", "start_date": date(2026, 3, 31)},
        )
    i18n.set_language("en")
    assert (
        i18n.translate_error(info.value)
        == "The period 2026-03-31 – … overlaps the Dagpenge spell 2026-01-01 – 2026-03-31"
    )
    i18n.set_language("da")
    assert len(_spells(any_db, citizen_id)) == 1


def test_ending_needs_a_reason_and_an_end_not_before_the_start(
    any_db: Database, actor, citizen_id: int
) -> None:
    spell = start_spell(
        any_db, actor, citizen_id, {"target_group": "dagpenge", "start_date": date(2026, 2, 1)}
    )
    with pytest.raises(ValidationError):
        end_spell(any_db, actor, spell.id, date(2026, 3, 1), " ")
    with pytest.raises(ValidationError, match="before start"):
        end_spell(any_db, actor, spell.id, date(2026, 1, 31), "Ordinært job")
    end_spell(any_db, actor, spell.id, date(2026, 2, 1), "Ordinært job")  # a one-day spell
    with pytest.raises(ValidationError, match="already ended"):
        end_spell(any_db, actor, spell.id, date(2026, 3, 1), "Ordinært job")


def test_changing_to_the_same_benefit_or_back_in_time_is_refused(
    any_db: Database, actor, citizen_id: int
) -> None:
    spell = start_spell(
        any_db, actor, citizen_id, {"target_group": "dagpenge", "start_date": date(2026, 2, 1)}
    )
    with pytest.raises(ValidationError):
        change_benefit(any_db, actor, spell.id, "dagpenge", date(2026, 5, 1))
    with pytest.raises(ValidationError):
        change_benefit(any_db, actor, spell.id, "sygedagpenge", date(2026, 2, 1))
    assert _spells(any_db, citizen_id) == [("dagpenge", date(2026, 2, 1), None, None)]


def test_exemption_from_the_75_rule_needs_a_reason(
    any_db: Database, actor, citizen_id: int
) -> None:
    spell = start_spell(
        any_db, actor, citizen_id, {"target_group": "dagpenge", "start_date": date(2026, 8, 1)}
    )
    with pytest.raises(ValidationError):
        update_spell(any_db, actor, spell.id, spell.version, {"exempt_75": True})
    update_spell(
        any_db,
        actor,
        spell.id,
        spell.version,
        {"exempt_75": True, "exempt_75_reason": "Konkret vurdering: indlagt"},
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 120), st.booleans()), min_size=1, max_size=6
    )
)
def test_accepted_spells_never_share_a_day(raw) -> None:
    accepted: list[SpellPeriod] = []
    base = date(2024, 1, 1)
    for offset, length, ongoing in raw:
        start = date.fromordinal(base.toordinal() + offset)
        end = None if ongoing else date.fromordinal(start.toordinal() + length)
        candidate = SpellPeriod(len(accepted) + 1, "dagpenge", start, end)
        try:
            check_no_overlap(accepted, candidate)
        except ValidationError:
            continue
        accepted.append(candidate)
    days: set[int] = set()
    for spell in accepted:
        last = (spell.end or date(2025, 12, 31)).toordinal()
        span = set(range(spell.start.toordinal(), last + 1))
        assert not (days & span)
        days |= span


# --- the facts the deadline rules count from (LAB § 9) ----------------------------------------------
def test_the_facts_of_a_spell_are_saved_audited_and_counted_from(
    any_db: Database, actor, citizen_id: int
) -> None:
    from app.casework.deadlines.deadlines import deadlines_for_citizen
    from app.store.models import AuditEvent

    saved = start_spell(
        any_db,
        actor,
        citizen_id,
        {
            "target_group": "sygedagpenge",
            "start_date": date(2026, 9, 1),
            "absence_start_on": date(2026, 8, 3),
            "sick_category": "2",
        },
    )
    first = next(
        d
        for d in deadlines_for_citizen(any_db, actor, citizen_id, date(2026, 9, 2))
        if d.rule_id == "sygedagpenge_first_week_8"
    )
    assert first.period_start == date(2026, 8, 3)
    update_spell(any_db, actor, saved.id, saved.version, {"sick_category": "13f"})
    with transaction(any_db) as s:
        events = s.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "benefit_spell", AuditEvent.entity_id == saved.id
            )
        ).all()
    assert [e.action for e in events] == ["create", "update"]
    assert '"sick_category": "13f"' in events[1].details


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"target_group": "dagpenge", "absence_start_on": date(2026, 1, 1)}, "absence_start_on"),
        (
            {"target_group": "kontanthjaelp_jobparat", "first_request_on": date(2026, 3, 2)},
            "first_request_on",
        ),
        (
            {"target_group": "kontanthjaelp_jobparat", "first_request_on": date(2023, 1, 2)},
            "first_request_on",
        ),
        ({"target_group": "dagpenge", "ledighed_hours": 400.0}, "ledighed_on"),
        (
            {
                "target_group": "dagpenge",
                "ledighed_hours": 99999.0,
                "ledighed_on": date(2026, 3, 1),
            },
            "ledighed_hours",
        ),
        (
            {"target_group": "dagpenge", "new_dagpengeperiode_on": date(2026, 2, 1)},
            "new_dagpengeperiode_on",
        ),
        ({"target_group": "sygedagpenge", "sick_category": "4"}, "sick_category"),
        ({"target_group": "dagpenge", "offer_exempt_from": date(2026, 6, 1)}, "offer_exempt_to"),
        (
            {
                "target_group": "kontanthjaelp_jobparat",
                "work_duty": True,
                "exempt_75": True,
                "exempt_75_reason": "Konkret vurdering",
            },
            "exempt_75",
        ),
        ({"target_group": "sygedagpenge", "exempt_75": True, "exempt_75_reason": "x"}, "exempt_75"),
    ],
)
def test_facts_the_rules_would_misread_are_refused_at_their_field(
    any_db: Database, actor, citizen_id: int, values: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        start_spell(any_db, actor, citizen_id, {"start_date": date(2026, 3, 1), **values})
    assert error.value.field == field
    assert _spells(any_db, citizen_id) == []
