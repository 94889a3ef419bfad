"""Offers and the company side: inline company creation, duration warnings, end/extend/cancel."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from app import i18n
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen
from app.casework.offers import companies as co
from app.casework.offers import offers as of
from app.casework.offers.rule_files import offer_duration_limits
from app.domain.errors import DuplicateError, ValidationError
from app.domain.offers import limit_for, parse_limits
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Company, Offer

TODAY = date(2026, 11, 23)
BAKERY = {
    "cvr": "13585628",
    "name": "Bageriet Ærtebjerg ApS",
    "postal_code": "2730",
    "city": "Herlev",
    "employees": 12,
}


@pytest.fixture
def citizen_id(any_db: Database, actor) -> int:
    cid = create_citizen(
        any_db, actor, {"cpr": "0101901234", "first_name": "Bo", "last_name": "Berg"}, today=TODAY
    ).id
    start_spell(any_db, actor, cid, {"target_group": "dagpenge", "start_date": date(2026, 9, 1)})
    return cid


def test_register_offer_with_a_new_company_inline_and_warn_past_the_limit(
    any_db: Database, actor, citizen_id: int
) -> None:
    saved = of.register_offer(
        any_db,
        actor,
        citizen_id,
        {
            "kind": "virksomhedspraktik",
            "start_date": date(2026, 12, 1),
            "planned_end": date(2027, 1, 31),
            "hours_per_week": 25,
        },
        new_company=BAKERY,
        today=TODAY,
    )
    assert (
        len(saved.warnings) == 1
        and "LAB § 61" in saved.warnings[0]
        and "28. dec. 2026" in saved.warnings[0]
    )
    with transaction(any_db) as s:
        offer = s.get(Offer, saved.id)
        assert s.get(Company, offer.company_id).name == "Bageriet Ærtebjerg ApS"
        assert (offer.offered_on, offer.status) == (TODAY, "planned")
    hits = co.find_companies(any_db, "ærte")
    assert [h.name for h in hits] == ["Bageriet Ærtebjerg ApS"]
    assert co.find_companies(any_db, "1358")[0].cvr == "13585628"
    assert co.last_used_company(any_db, actor).cvr == "13585628"


def test_a_four_week_praktik_for_dagpenge_gives_no_warning(
    any_db: Database, actor, citizen_id: int
) -> None:
    saved = of.register_offer(
        any_db,
        actor,
        citizen_id,
        {
            "kind": "virksomhedspraktik",
            "start_date": date(2026, 12, 1),
            "planned_end": date(2026, 12, 28),
        },
        today=TODAY,
    )
    assert saved.warnings == ()


def test_bad_company_or_offer_input_changes_nothing(
    any_db: Database, actor, citizen_id: int
) -> None:
    with pytest.raises(ValidationError, match="check digit"):
        of.register_offer(
            any_db,
            actor,
            citizen_id,
            {"kind": "virksomhedspraktik"},
            new_company={**BAKERY, "cvr": "13585627"},
        )
    with pytest.raises(ValidationError, match="before it was offered"):
        of.register_offer(
            any_db,
            actor,
            citizen_id,
            {"kind": "mentor", "offered_on": date(2026, 12, 2), "start_date": date(2026, 12, 1)},
        )
    with pytest.raises(ValidationError):
        of.register_offer(any_db, actor, citizen_id, {"kind": "praktik"})
    with transaction(any_db) as s:
        assert s.exec(select(Offer)).all() == [] and s.exec(select(Company)).all() == []


def test_end_extend_cancel_and_audit(any_db: Database, actor, citizen_id: int) -> None:
    saved = of.register_offer(
        any_db,
        actor,
        citizen_id,
        {"kind": "mentor", "start_date": date(2026, 12, 1), "planned_end": date(2027, 2, 28)},
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="after the current planned end"):
        of.extend_offer(any_db, actor, saved.id, date(2027, 2, 1))
    of.extend_offer(any_db, actor, saved.id, date(2027, 3, 31))
    with pytest.raises(ValidationError):
        of.end_offer(any_db, actor, saved.id, date(2026, 11, 30))
    of.end_offer(any_db, actor, saved.id, date(2027, 3, 15))
    with pytest.raises(ValidationError):
        of.cancel_offer(any_db, actor, saved.id, "")
    with transaction(any_db) as s:
        offer = s.get(Offer, saved.id)
        assert (offer.planned_end, offer.actual_end, offer.status) == (
            date(2027, 3, 31),
            date(2027, 3, 15),
            "completed",
        )
        actions = [
            e.action for e in s.exec(select(AuditEvent).where(AuditEvent.entity == "offer")).all()
        ]
    assert actions == ["create", "extend_offer", "end_offer"]


def test_duplicate_cvr_offers_the_existing_company(any_db: Database, actor) -> None:
    first = co.create_company(any_db, actor, BAKERY)
    with pytest.raises(DuplicateError) as info:
        co.create_company(any_db, actor, {**BAKERY, "name": "Andet navn"})
    assert info.value.existing_id == first.id


def test_contacts_orders_and_placed_citizens(any_db: Database, actor, citizen_id: int) -> None:
    company = co.create_company(any_db, actor, BAKERY)
    co.log_contact(
        any_db,
        actor,
        company.id,
        {"kind": "visit", "contacted_on": TODAY, "led_to_offer": True, "contact_person": "Eva"},
    )
    with pytest.raises(ValidationError):
        co.log_contact(any_db, actor, company.id, {"kind": "fax", "contacted_on": TODAY})
    order = co.save_recruitment_order(
        any_db, actor, company.id, {"received_on": TODAY, "title": "Bagerlærling", "positions": 2}
    )
    with pytest.raises(ValidationError, match="closed"):
        co.save_recruitment_order(
            any_db,
            actor,
            company.id,
            {"received_on": TODAY, "title": "X", "status": "filled_ordinary"},
            order_id=order.id,
        )
    co.save_recruitment_order(
        any_db,
        actor,
        company.id,
        {
            "received_on": TODAY,
            "title": "Bagerlærling",
            "positions": 2,
            "status": "filled_flexjob",
            "closed_on": TODAY,
        },
        order_id=order.id,
    )
    of.register_offer(
        any_db,
        actor,
        citizen_id,
        {
            "kind": "loentilskud_privat",
            "company_id": company.id,
            "start_date": date(2026, 12, 1),
            "planned_end": date(2027, 5, 31),
        },
        today=TODAY,
    )
    [placed] = co.citizens_placed(any_db, actor, company.id)
    assert (placed.citizen_name, placed.offer_kind) == ("Bo Berg", "loentilskud_privat")


def test_the_shipped_duration_limits_match_the_law_notes() -> None:
    limits = offer_duration_limits()
    assert limit_for(limits, "virksomhedspraktik", "dagpenge").max_weeks == 4
    assert limit_for(limits, "virksomhedspraktik", "sygedagpenge").max_weeks == 13
    assert limit_for(limits, "loentilskud_offentlig", "kontanthjaelp_jobparat").max_months == 4
    assert limit_for(limits, "loentilskud_privat", "sygedagpenge") is None
    with pytest.raises(ValidationError, match="limit 1"):
        parse_limits({"limit": [{"kind": "praktik", "max_weeks": 4}]})
    i18n.set_language("da")
