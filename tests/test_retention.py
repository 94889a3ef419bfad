"""Retention: who is due for deletion (the preview with counts per kind), and complete, audited,
irreversible deletion — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import DateTime, func, select, update
from sqlmodel import col

from app.casework.admin import org_settings
from app.casework.benefits.employment import register_employment
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen, delete_citizen
from app.casework.citizens.journal import add_note, correct_note
from app.casework.conversations.conversations import book_conversation, record_outcome
from app.casework.core.actor import Actor
from app.casework.deadlines.snooze import snooze_deadline
from app.casework.offers.offers import delete_offer, register_offer
from app.casework.plan.plan import add_milestone, mark_printed, save_plan
from app.casework.privacy import retention
from app.casework.privacy.access_log import record_view
from app.cli import main
from app.domain.errors import PermissionDeniedError, ValidationError
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker, Citizen, metadata
from tests.conftest import cli_args

TODAY = date(2026, 11, 23)
LONG_AGO = datetime(2016, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(any_db: Database) -> Actor:
    with transaction(any_db) as s:
        row = Caseworker(initials="AA", name="Anna Admin", role="admin")
        colleague = Caseworker(initials="OP", name="Ole Pedersen", role="caseworker")
        s.add_all([row, colleague])
        s.flush()
        return Actor(row.id, "AA", "Anna Admin", "admin", "anna")


def _colleague(db: Database) -> Actor:
    with transaction(db) as s:
        row = s.exec(select(Caseworker).where(Caseworker.initials == "OP")).scalar_one()
        return Actor(row.id, "OP", "Ole Pedersen", "caseworker", "op")


def age(db: Database, citizen_id: int) -> None:
    """Make every time stamp of the citizen's rows ten years old (the use cases write "now")."""
    with transaction(db) as s:
        for table in [metadata.tables["citizen"], *retention.citizen_tables()]:
            key = table.c.id if table.name == "citizen" else table.c.citizen_id
            for column in table.columns:
                if isinstance(column.type, DateTime) or "DateTime" in type(column.type).__name__:
                    s.execute(
                        update(table)
                        .where(key == citizen_id, column.is_not(None))
                        .values({column.name: LONG_AGO})
                    )


def full_case(db: Database, admin: Actor, cpr: str, first: str) -> int:
    """A citizen with a row of every kind, all ended in 2016."""
    c = create_citizen(
        db,
        admin,
        {"cpr": cpr, "first_name": first, "last_name": "Gammel"},
        caseworker_id=admin.caseworker_id,  # in Anna's caseload, so Ole must give a reason
    ).id
    start_spell(
        db,
        admin,
        c,
        {"target_group": "dagpenge", "start_date": date(2015, 3, 2), "end_date": date(2016, 5, 31)},
    )
    save_plan(db, admin, c, None, {"job_goal": "Lagerarbejde"}, today=date(2015, 3, 10))
    add_milestone(db, admin, c, "Truckcertifikat", due=date(2015, 9, 1))
    mark_printed(db, admin, c)
    offer = register_offer(
        db,
        admin,
        c,
        {
            "kind": "virksomhedspraktik",
            "offered_on": date(2015, 4, 1),
            "start_date": date(2015, 4, 7),
            "planned_end": date(2015, 5, 4),
        },
        new_company={"cvr": "10150817", "name": "Lageret ApS"} if first == "Åse" else None,
    ).id
    register_offer(db, admin, c, {"kind": "mentor", "offered_on": date(2015, 6, 1)})
    delete_offer(db, admin, offer)  # soft-deleted rows go too
    talk = book_conversation(db, admin, c, datetime(2015, 3, 10, 10, 0)).id
    record_outcome(db, admin, talk, "held", held_on=date(2015, 3, 10), today=date(2015, 3, 10))
    register_employment(
        db,
        admin,
        c,
        {"kind": "ordinary_job", "start_date": date(2016, 6, 1), "end_date": date(2016, 8, 31)},
    )
    note = add_note(db, admin, c, "Første samtale", today=date(2015, 3, 10)).id
    correct_note(db, admin, note, "Rettelse: anden samtale", today=date(2015, 3, 11))
    snooze_deadline(
        db, admin, c, "rule", date(2015, 9, 1), date(2015, 10, 1), "Syg", today=date(2015, 9, 1)
    )
    record_view(db, _colleague(db), c, purpose="Vikar for Ole i dag")  # a break-the-glass grant
    age(db, c)
    return c


def rows_referring_to(db: Database, citizen_id: int) -> dict[str, int]:
    """Rows in any table (but the audit log) whose citizen_id or foreign key names the citizen."""
    found = {}
    with transaction(db) as s:
        for table in metadata.sorted_tables:
            if table.name == "audit_event":
                continue
            keys = [c for c in table.columns if c.name == "citizen_id"]
            keys += [
                fk.parent
                for fk in table.foreign_keys
                if fk.column.table.name == "citizen" and fk.parent not in keys
            ]
            if table.name == "citizen":
                keys.append(table.c.id)
            for key in keys:
                n = s.execute(
                    select(func.count()).select_from(table).where(key == citizen_id)
                ).scalar_one()
                if n:
                    found[f"{table.name}.{key.name}"] = n
    return found


def test_the_preview_lists_only_the_long_inactive_with_what_goes(any_db: Database, admin) -> None:
    old = full_case(any_db, admin, "150390-1234", "Åse")
    open_spell = full_case(any_db, admin, "010185-4321", "Bo")
    start_spell(
        any_db, admin, open_spell, {"target_group": "sygedagpenge", "start_date": date(2017, 1, 2)}
    )
    age(any_db, open_spell)
    recent_note = full_case(any_db, admin, "241299-2222", "Carla")
    add_note(any_db, admin, recent_note, "Ringede", today=date(2024, 1, 5))
    age(any_db, recent_note)
    create_citizen(any_db, admin, {"cpr": "010203-4445", "first_name": "Ny", "last_name": "Borger"})

    found = retention.preview(any_db, admin, today=TODAY)
    assert (found.years, found.cutoff) == (5, date(2021, 11, 23))
    assert [c.citizen_id for c in found.candidates] == [old]
    åse = found.candidates[0]
    assert åse.name == "Åse Gammel" and åse.last_activity == date(2016, 8, 31)
    assert åse.rows == {
        "citizen": 1,
        "benefit_spell": 1,
        "plan": 1,
        "plan_version": 2,
        "milestone": 1,
        "offer": 2,
        "employment": 1,
        "conversation": 1,
        "journal_note": 2,
        "deadline_snooze": 1,
        "access_grant": 1,
    }
    assert "ydelsesforløb: 1" in retention.describe_rows(åse.rows)
    with transaction(any_db) as s:
        listed = s.execute(
            select(AuditEvent).where(AuditEvent.action == "retention_list")
        ).scalar_one()
    assert "Gammel" not in (listed.details or "") and json.loads(listed.details)["due"] == 1

    org_settings.set_value(any_db, admin, "retention_years", 11)  # cut-off 23 Nov 2015
    assert retention.preview(any_db, admin, today=TODAY).candidates == ()


def test_deletion_removes_every_row_of_the_citizen_and_keeps_no_personal_data(
    any_db: Database, admin
) -> None:
    åse = full_case(any_db, admin, "150390-1234", "Åse")
    bo = full_case(any_db, admin, "010185-4321", "Bo")
    delete_citizen(any_db, admin, bo, reason="Oprettet ved en fejl")  # soft-deleted: due as well
    age(any_db, bo)
    kept = create_citizen(
        any_db, admin, {"cpr": "241299-2222", "first_name": "Carla", "last_name": "Ny"}
    ).id
    add_note(any_db, admin, kept, "Bliver")
    assert rows_referring_to(any_db, åse)["journal_note.citizen_id"] == 2
    found = retention.preview(any_db, admin, today=TODAY)
    assert sorted(c.citizen_id for c in found.candidates) == sorted([åse, bo])
    assert next(c for c in found.candidates if c.citizen_id == bo).soft_deleted

    erased = retention.erase(any_db, admin, [åse, bo], today=TODAY)

    assert rows_referring_to(any_db, åse) == {} and rows_referring_to(any_db, bo) == {}
    assert rows_referring_to(any_db, kept) == {"citizen.id": 1, "journal_note.citizen_id": 1}
    assert [e.rows["journal_note"] for e in erased] == [2, 2]
    with transaction(any_db) as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action == "erase")).scalars().all()
        older = s.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.citizen_id == åse)
        ).scalar_one()
        company = s.execute(
            select(func.count()).select_from(metadata.tables["company"])
        ).scalar_one()
    assert len(events) == 2
    for event in events:
        text = json.dumps([event.details, event.purpose, event.criterion], ensure_ascii=False)
        for personal in ("150390", "1234", "010185", "Åse", "Bo ", "Gammel", "Lageret"):
            assert personal not in text, personal
        assert event.citizen_id is None and event.entity_id is None
        details = json.loads(event.details)
        assert len(details["reference"]) == 8 and details["rows"]["citizen"] == 1
    assert {e.reference for e in erased} == {json.loads(e.details)["reference"] for e in events}
    assert older > 0, "older audit events stay until the access log's own retention purges them"
    assert company == 1, "companies are not the citizen's data"
    assert retention.preview(any_db, admin, today=TODAY).candidates == ()


def test_deletion_is_explicit_all_or_nothing_and_for_admins(any_db: Database, admin) -> None:
    åse = full_case(any_db, admin, "150390-1234", "Åse")
    bo = full_case(any_db, admin, "010185-4321", "Bo")
    with pytest.raises(PermissionDeniedError):
        retention.erase(any_db, _colleague(any_db), [åse], today=TODAY)
    with pytest.raises(PermissionDeniedError):
        retention.preview(any_db, _colleague(any_db), today=TODAY)
    add_note(any_db, admin, bo, "Borgeren har henvendt sig igen", today=date(2026, 11, 1))
    with pytest.raises(ValidationError, match="no longer due"):
        retention.erase(any_db, admin, [åse, bo], today=TODAY)
    assert rows_referring_to(any_db, åse)["citizen.id"] == 1, "nothing was deleted"
    with pytest.raises(ValidationError):
        retention.erase(any_db, admin, [], today=TODAY)


def test_cli_retention_list_then_delete_with_confirm(db: Database, monkeypatch, capsys) -> None:
    with transaction(db) as s:
        s.add(Caseworker(initials="AA", name="Anna Admin", role="admin", login="anna"))
        s.add(Caseworker(initials="OP", name="Ole Pedersen", role="caseworker"))
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "anna")
    with transaction(db) as s:
        anna = s.execute(select(Caseworker).where(Caseworker.initials == "AA")).scalar_one()
        admin = Actor(anna.id, "AA", "Anna Admin", "admin", "anna")
    åse = full_case(db, admin, "150390-1234", "Åse")
    assert main(["retention", "list", *cli_args(db)]) == 0
    out = capsys.readouterr().out
    assert "Åse Gammel" in out and "1 borger skal slettes" in out and "journalnotater: 2" in out
    assert main(["retention", "delete", *cli_args(db)]) == 2
    assert "Tilføj --confirm" in capsys.readouterr().err
    assert rows_referring_to(db, åse)
    assert main(["retention", "delete", "--confirm", *cli_args(db)]) == 0
    assert "Slettede 1 borger endeligt" in capsys.readouterr().out
    assert rows_referring_to(db, åse) == {}
    with transaction(db) as s:
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == 0
        assert (
            not s.execute(select(col(AuditEvent.details)).where(AuditEvent.action == "erase"))
            .scalar_one()
            .count("Åse")
        )
