"""Retention of the access log: whole months past ``audit_retention_months`` are purged through
the one guarded path, leaving a sealed checkpoint so that verification still works."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

import app.domain.dates as dates
from app.casework.admin import org_settings
from app.casework.core import audit
from app.casework.core.actor import Actor, system_actor
from app.casework.privacy.audit_retention import cutoff_for, purge_at_start, purge_expired
from app.domain.errors import MinPlanError
from app.store import audit_chain
from app.store.audit_chain import checkpoint_path, current_head
from app.store.audit_verify import verify
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, AuditPurge, AuditSubject
from tests.conftest import cli_args

KL = Actor(None, "KL", "Karen Lund", "caseworker", "karen")
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
REAL_NOW = dates.utc_now
REAL_CLOCK = audit_chain._now


def at(moment: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Events written "at" ``moment`` (the clock of this computer or of the PostgreSQL server)."""
    monkeypatch.setattr(dates, "utc_now", lambda: moment)
    monkeypatch.setattr(audit_chain, "_now", lambda session: moment)


def write_months(db: Database, monkeypatch: pytest.MonkeyPatch, months: list[int]) -> None:
    """Two events (one a search with hits) on the 10th of each month of 2026 given."""
    for month in months:
        at(datetime(2026, month, 10, 12, 0, tzinfo=UTC), monkeypatch)
        with transaction(db) as session:
            audit.record(session, KL, "view", citizen_id=month)
            audit.record(session, KL, "search", criterion="x", subjects=[month, 100 + month])
    monkeypatch.setattr(dates, "utc_now", REAL_NOW)
    monkeypatch.setattr(audit_chain, "_now", REAL_CLOCK)


def seqs(db: Database) -> list[int]:
    with transaction(db) as s:
        return list(s.exec(select(AuditEvent.seq).order_by(AuditEvent.seq)).all())


def test_the_cutoff_is_the_start_of_a_whole_month() -> None:
    assert cutoff_for(NOW, 6) == datetime(2026, 5, 31, 22, 0, tzinfo=UTC)  # 1 June, Danish time
    assert cutoff_for(datetime(2026, 1, 31, 23, 30, tzinfo=UTC), 6) == datetime(
        2025, 7, 31, 22, 0, tzinfo=UTC
    )  # already 1 February in Copenhagen: from August 2025 on is kept
    assert cutoff_for(datetime(2026, 3, 15, tzinfo=UTC), 1) == datetime(
        2026, 1, 31, 23, 0, tzinfo=UTC
    )  # winter time: 1 February 00:00 is 23:00 UTC


def test_months_past_the_limit_are_purged_with_a_checkpoint_and_the_log_still_verifies(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_months(any_db, monkeypatch, [1, 2, 3, 4, 5, 6, 7])
    assert len(seqs(any_db)) == 14
    result = purge_expired(any_db, system_actor(), now=NOW)
    assert result.events == 10 and result.subjects == 10 and result.through_seq == 10
    assert seqs(any_db) == [11, 12, 13, 14, 15]  # June, July, and the purge's own event
    with transaction(any_db) as s:
        purge_event = s.exec(select(AuditEvent).where(AuditEvent.seq == 15)).one()
        permit = s.exec(select(AuditPurge)).one()
        ten_hmac = permit.through_hmac
        assert s.exec(select(AuditSubject.event_seq).order_by(AuditSubject.event_seq)).all() == [
            12,
            12,
            14,
            14,
        ]
        head = current_head(s)
    details = json.loads(purge_event.details)
    assert purge_event.action == "purge_audit" and purge_event.os_user
    assert details["through_seq"] == 10 and details["through_hmac"] == ten_hmac
    assert details["events"] == 10 and details["months"] == 6
    assert not permit.active and permit.event_seq == 15 and permit.events == 10
    checked = verify(any_db, checkpoint=checkpoint_path(head.database_id))
    assert checked.ok and checked.first_seq == 11 and checked.last_seq == 15
    assert ("The checkpoint (event {seq}) matches", {"seq": 15}) in checked.notes


def test_a_later_purge_starts_from_the_last_checkpoint(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_months(db, monkeypatch, [1, 2, 6, 7])
    assert purge_expired(db, system_actor(), now=NOW).events == 4
    at(datetime(2027, 1, 15, tzinfo=UTC), monkeypatch)  # the purge event itself is from "now"
    with transaction(db) as session:
        audit.record(session, KL, "view", citizen_id=1)
    monkeypatch.setattr(dates, "utc_now", REAL_NOW)
    monkeypatch.setattr(audit_chain, "_now", REAL_CLOCK)
    again = purge_expired(db, system_actor(), now=datetime(2027, 2, 3, tzinfo=UTC))
    assert again.events == 4 and again.through_seq == 8  # June and July 2026 (not the purge event)
    assert verify(db).ok
    assert purge_expired(db, system_actor(), now=datetime(2027, 2, 3, tzinfo=UTC)).events == 0


@pytest.mark.sqlite_only  # tampers with SQLite's triggers and tables directly
def test_nothing_is_deleted_outside_a_purge_and_a_forged_purge_is_found(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_months(db, monkeypatch, [1, 2, 3])
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq <= 2"))
    # Someone with the database opens a permit of their own, deletes, and closes it again.
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_purge (purged_at, cutoff, through_seq, through_hmac, events, "
                "subjects, active) VALUES (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 2, '', 2, 0, 1)"
            )
        )
        conn.execute(text("DELETE FROM audit_subject WHERE event_seq <= 2"))
        conn.execute(text("DELETE FROM audit_event WHERE seq <= 2"))
        conn.execute(text("UPDATE audit_purge SET active = 0, event_seq = 99"))
    broken = verify(db).broken
    assert broken is not None and broken.seq == 3 and "no purge checkpoint" in broken.message


@pytest.mark.sqlite_only  # tampers with SQLite's triggers and tables directly
def test_a_broken_log_is_kept_as_evidence_not_purged(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_months(db, monkeypatch, [1, 2, 7])
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("UPDATE audit_event SET purpose = 'x' WHERE seq = 2"))
    with pytest.raises(MinPlanError, match="not purged"):
        purge_expired(db, system_actor(), now=NOW)
    assert len(seqs(db)) == 6
    assert purge_at_start(db) is None  # the start of the app goes on; the log stays as it is


def test_dry_run_and_the_setting(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    write_months(db, monkeypatch, [1, 8, 9, 10])
    preview = purge_expired(db, system_actor(), now=NOW, dry_run=True)
    assert preview.dry_run and preview.events == 2 and seqs(db) == list(range(1, 9))
    org_settings.set_value(db, system_actor(), "audit_retention_months", 3)
    result = purge_expired(db, system_actor(), now=NOW)  # September 1 is the cutoff now
    assert result.events == 4 and result.cutoff.date() == date(2026, 8, 31)
    assert verify(db).ok


def test_the_purge_command(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    write_months(db, monkeypatch, [1, 2])
    assert main(["audit", "purge", "--dry-run", *cli_args(db)]) == 0
    # the command signs the login in as the first administrator (a fifth event): only an
    # administrator may purge (issue 15, line 6)
    assert "4 hændelser fra før" in capsys.readouterr().out and len(seqs(db)) == 5
    assert main(["audit", "purge", *cli_args(db)]) == 0
    out = capsys.readouterr().out
    assert "Slettede 4 hændelser" in out and "kontrolpunktet er hændelse 4" in out
    assert main(["audit", "verify", *cli_args(db)]) == 0


def test_the_app_purges_at_start(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from app import cli

    write_months(db, monkeypatch, [1, 2])
    called = []
    monkeypatch.setattr("app.ui.application.run_gui", lambda db, **kw: called.append(db) or 0)
    assert cli.main([*cli_args(db)]) == 0 and called
    assert seqs(db) == [5] and verify(db).ok


@pytest.mark.postgres
def test_on_postgresql_a_desk_without_the_owners_rights_cannot_purge(
    pg_db: Database, pg_login, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.domain.errors import PermissionDeniedError
    from app.store import server_password
    from app.store.engine import open_url
    from tests.test_postgres_roles import run_script

    write_months(pg_db, monkeypatch, [1, 2])
    run_script(pg_db)
    url, password = pg_login("minplan_caseworker")  # a desk's login, its password in the key store
    server_password.store_password(url, password)
    desk = open_url(url)
    try:
        with pytest.raises(PermissionDeniedError, match="owner"):
            purge_expired(desk, system_actor(), now=NOW)
        assert purge_at_start(desk) is None
        with transaction(desk) as session:  # the desk still writes its own events
            audit.record(session, KL, "view", citizen_id=1)
    finally:
        desk.dispose()
    assert len(seqs(pg_db)) == 5 and verify(pg_db).ok
    assert purge_expired(pg_db, system_actor(), now=NOW).events == 4  # the owner can
