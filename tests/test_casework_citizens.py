"""Citizen use cases: validation, duplicates, concurrent edits, hand-over, soft delete; all audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from app.casework.citizens.citizens import (
    create_citizen,
    delete_citizen,
    hand_over,
    restore_citizen,
    update_citizen,
)
from app.domain.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker, Citizen

TODAY = date(2026, 11, 23)
ANNA = {
    "cpr": "150390-1234",
    "first_name": " Anna ",
    "last_name": "Ærø",
    "postal_code": "2730",
    "language": "da",
}


def _count(db: Database, model) -> int:
    with transaction(db) as s:
        return len(s.exec(select(model)).all())


def _events(db: Database, action: str) -> list[AuditEvent]:
    with transaction(db) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_create_normalises_derives_and_audits(any_db: Database, actor) -> None:
    saved = create_citizen(any_db, actor, ANNA, today=TODAY)
    with transaction(any_db) as s:
        row = s.get(Citizen, saved.id)
        assert (row.cpr, row.first_name, row.birth_date) == (
            "1503901234",
            "Anna",
            date(1990, 3, 15),
        )
        assert "anna ærø" in row.search_text
    [event] = _events(any_db, "create")
    assert event.citizen_id == saved.id and json.loads(event.details)["new"]["last_name"] == "Ærø"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cpr": "3102901234"}, "cpr"),
        ({"first_name": "  "}, "first_name"),
        ({"postal_code": "27300"}, "postal_code"),
        ({"email": "anna.dk"}, "email"),
        ({"refugee_year": 2015}, "refugee_year"),
        ({"language": "sv"}, "language"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(db: Database, actor, change, field) -> None:
    with pytest.raises(ValidationError) as info:
        create_citizen(db, actor, {**ANNA, **change}, today=TODAY)
    assert info.value.field == field
    assert _count(db, Citizen) == 0 and _count(db, AuditEvent) == 0


def test_a_duplicate_cpr_is_refused_with_the_existing_citizen_offered(
    any_db: Database, actor
) -> None:
    first = create_citizen(any_db, actor, ANNA, today=TODAY)
    with pytest.raises(DuplicateError) as info:
        create_citizen(any_db, actor, {**ANNA, "first_name": "Anne"}, today=TODAY)
    assert info.value.existing_id == first.id and "Anna Ærø" in str(info.value)


def test_a_concurrent_edit_is_a_conflict_with_both_values(any_db: Database, actor) -> None:
    saved = create_citizen(any_db, actor, ANNA, today=TODAY)
    update_citizen(
        any_db, actor, saved.id, saved.version, {"phone": "20 30 40 50"}, today=TODAY
    )  # the colleague
    with pytest.raises(ConflictError) as info:
        update_citizen(
            any_db, actor, saved.id, saved.version, {"phone": "11 22 33 44"}, today=TODAY
        )  # me, stale
    assert info.value.current == {"phone": "20 30 40 50"} and info.value.attempted == {
        "phone": "11 22 33 44"
    }
    with transaction(any_db) as s:
        assert s.get(Citizen, saved.id).phone == "20 30 40 50"


def test_update_records_old_and_new_values_only_for_changed_fields(db: Database, actor) -> None:
    saved = create_citizen(db, actor, ANNA, today=TODAY)
    after = update_citizen(
        db, actor, saved.id, saved.version, {"city": "Herlev", "first_name": "Anna"}, today=TODAY
    )
    assert after.version == saved.version + 1
    [event] = _events(db, "update")
    assert json.loads(event.details) == {"old": {"city": None}, "new": {"city": "Herlev"}}


def test_hand_over_and_soft_delete_with_restore(db: Database, actor) -> None:
    with transaction(db) as s:
        worker = Caseworker(initials="KL", name="Karen Lund", role="caseworker")
        s.add(worker)
        s.flush()
        worker_id = worker.id
    saved = create_citizen(db, actor, ANNA, today=TODAY)
    hand_over(db, actor, saved.id, worker_id)
    with pytest.raises(ValidationError):
        delete_citizen(db, actor, saved.id, reason=" ")
    delete_citizen(db, actor, saved.id, reason="Oprettet ved en fejl")
    with pytest.raises(NotFoundError):
        update_citizen(db, actor, saved.id, None, {"city": "X"}, today=TODAY)
    with pytest.raises(DuplicateError, match="restore"):
        create_citizen(db, actor, ANNA, today=TODAY)
    restore_citizen(db, actor, saved.id)
    with transaction(db) as s:
        row = s.get(Citizen, saved.id)
        assert row.deleted_at is None and row.caseworker_id == worker_id
    assert [e.action for e in _events(db, "hand_over")] == ["hand_over"]


def test_the_list_is_in_danish_alphabetical_order_whatever_the_servers_collation(
    db: Database, actor
) -> None:
    """The order is the app's (æ, ø, å after z; last name before first name), also on a
    PostgreSQL server whose own Danish collation would ignore the key's punctuation."""
    from app.casework.citizens.citizen_list import find_citizen_ids
    from app.casework.plan.plan_printing import paper_citizens

    names = [
        ("Åge", "Åby"),
        ("Bo", "Hansen"),
        ("Anne", "Hansenberg"),
        ("Ib", "Ørsted"),
        ("Eva", "Ærø"),
        ("Kim", "Zahle"),
        ("Ulla", "Zy"),
        ("Finn", "Øster"),
    ]
    ids = {}
    for index, (first, last) in enumerate(names):
        cpr = f"{index + 10:02d}0190-{1000 + index}"
        ids[last] = create_citizen(
            db,
            actor,
            {"cpr": cpr, "first_name": first, "last_name": last, "digital_post_exempt": True},
            today=TODAY,
        ).id
    expected = [
        ids[last]
        for last in ("Hansen", "Hansenberg", "Zahle", "Zy", "Ærø", "Ørsted", "Øster", "Åby")
    ]
    assert find_citizen_ids(db, today=TODAY) == expected
    assert find_citizen_ids(db, today=TODAY, descending=True) == expected[::-1]
    assert find_citizen_ids(db, "0190", today=TODAY) == expected
    assert paper_citizens(db) == expected
