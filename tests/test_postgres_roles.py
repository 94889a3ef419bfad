"""The PostgreSQL role script gives each role the least it needs: nobody but the owner can
rewrite the audit log, and team leads cannot read journal text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.casework import audit
from app.casework.actor import system_actor
from app.casework.citizens import create_citizen
from app.casework.journal import add_note
from app.store.engine import Database

SCRIPT = Path(__file__).resolve().parent.parent / "packaging" / "postgresql" / "roles.sql"
pytestmark = pytest.mark.postgres


def test_roles_cannot_rewrite_the_audit_log_and_team_leads_cannot_read_notes(
    pg_db: Database,
) -> None:
    citizen = create_citizen(
        pg_db,
        system_actor(),
        {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"},
        today=date(2026, 11, 23),
    ).id
    add_note(pg_db, system_actor(), citizen, "Syntetisk note", today=date(2026, 11, 23))
    with pg_db.engine.begin() as conn:
        conn.exec_driver_sql(SCRIPT.read_text(encoding="utf-8"))
    with pg_db.engine.connect() as conn:
        conn.exec_driver_sql("SET ROLE minplan_caseworker")
        conn.commit()  # SET ROLE lasts for the session
        with Session(bind=conn) as session:  # a caseworker seals events onto the chain
            audit.record(session, system_actor(), "view", entity="citizen", citizen_id=citizen)
            audit.record(session, system_actor(), "search", criterion="x", subjects=[citizen + 1])
            session.commit()
        with conn.begin():
            assert (
                conn.execute(text("SELECT text FROM journal_note")).scalar_one() == "Syntetisk note"
            )
        for statement in (
            "UPDATE audit_event SET action = 'forged'",
            "UPDATE audit_event SET hmac = 'forged'",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
            "DELETE FROM audit_subject",
            "INSERT INTO audit_purge (purged_at, cutoff, through_seq, through_hmac, events, "
            "subjects, active) VALUES (now(), now(), 99, '', 0, 0, true)",
            "DELETE FROM audit_chain",
        ):
            with pytest.raises(DBAPIError, match="permission denied|append-only"), conn.begin():
                conn.execute(text(statement))
        conn.exec_driver_sql("RESET ROLE")
        conn.exec_driver_sql("SET ROLE minplan_teamlead")
        conn.commit()
        with Session(bind=conn) as session:  # team leads' own actions are logged too
            audit.record(session, system_actor(), "search_access_log", criterion="cpr=no")
            session.commit()
        with conn.begin():
            assert conn.execute(text("SELECT count(*) FROM journal_note")).scalar_one() == 1
        with pytest.raises(DBAPIError, match="permission denied"), conn.begin():
            conn.execute(text("SELECT text FROM journal_note"))
        with pytest.raises(DBAPIError, match="permission denied"), conn.begin():
            conn.execute(text("UPDATE citizen SET first_name = 'x'"))
        conn.exec_driver_sql("RESET ROLE")
        conn.commit()
    from app.store.audit_verify import verify

    assert verify(pg_db).ok, "events written under both roles form one intact chain"
