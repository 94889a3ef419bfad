"""Truncating the access log is found (issue 15, line 3): a hand-written purge permit, a changed
or switched-off guard, and the newest events cut with the local checkpoint deleted too — the
checkpoints in the folder IT set (written on exit and daily) still show what is missing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from app.casework.admin import org_settings
from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.privacy import audit_checkpoints
from app.store.audit_chain import checkpoint_path, current_head
from app.store.audit_verify import verify
from app.store.engine import Database, transaction
from tests.conftest import cli_args

KL = Actor(None, "KL", "Karen Lund", "caseworker", "karen")
ADMIN = Actor(None, "AD", "Anders Dal", "admin", "anders")


@pytest.fixture(autouse=True)
def forget_watched():  # type: ignore[no-untyped-def]
    yield
    audit_checkpoints.stop_watching()


def fill(db: Database, n: int = 10) -> None:
    for i in range(n):
        with transaction(db) as session:
            audit.record(session, KL, "view", entity="citizen", citizen_id=i + 1)


def sql(db: Database, *statements: str) -> None:
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def database_id(db: Database) -> str:
    with transaction(db) as s:
        return current_head(s).database_id


def cut_newest(db: Database, keep: int) -> None:
    """What the issue describes on SQLite: a purge permit written by hand lets the delete
    trigger through (no trigger dropped), the permit is closed, the head moved back."""
    now = "now()" if not db.is_sqlite else "CURRENT_TIMESTAMP"
    sql(
        db,
        "INSERT INTO audit_purge (purged_at, cutoff, through_seq, through_hmac, events, subjects, "
        f"active) VALUES ({now}, {now}, 1000, '', 0, 0, true)",
        f"DELETE FROM audit_subject WHERE event_seq > {keep}",
        f"DELETE FROM audit_event WHERE seq > {keep}",
        f"UPDATE audit_purge SET active = false, event_seq = {keep}",
        f"UPDATE audit_chain SET last_seq = {keep}, "
        f"last_hmac = (SELECT hmac FROM audit_event WHERE seq = {keep})",
    )


def test_reproduction_a_hand_written_purge_permit_cuts_the_newest_events_and_is_found(
    any_db: Database,
) -> None:
    fill(any_db)
    cut_newest(any_db, 7)
    checkpoint_path(database_id(any_db)).unlink()  # and the local checkpoint deleted
    result = verify(any_db)
    assert not result.ok and "Purge" in result.broken.message


def test_a_changed_or_switched_off_guard_is_found(any_db: Database) -> None:
    fill(any_db, 3)
    assert verify(any_db).ok
    if any_db.is_sqlite:
        sql(
            any_db,
            "DROP TRIGGER audit_event_no_delete",
            "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event WHEN 0 "
            "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        )
        broken = verify(any_db).broken
        assert broken.params == {"name": "audit_event_no_delete"} and "differs" in broken.message
        return
    sql(any_db, "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
    broken = verify(any_db).broken
    assert broken.params == {"name": "audit_event_append_only"} and "switched off" in broken.message
    sql(any_db, "ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    sql(
        any_db,
        "CREATE OR REPLACE FUNCTION minplan_audit_event_guard() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN COALESCE(NEW, OLD); END $$",
    )
    broken = verify(any_db).broken
    assert broken.params == {"name": "minplan_audit_event_guard"} and "differs" in broken.message
    sql(any_db, "DROP TRIGGER citizen_audit ON citizen")  # the server-side log of case writes
    assert verify(any_db).broken.params == {"name": "citizen_audit"}


def test_checkpoints_in_the_folder_it_set_reveal_a_cut_even_without_the_local_file(
    any_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.cli import main

    share = tmp_path / "share"
    monkeypatch.setenv(audit_checkpoints.ENV, str(share))
    fill(any_db, 3)
    assert audit_checkpoints.start(any_db) == share
    fill(any_db, 7)
    assert list(share.glob("*.json")) == []  # not on every commit …
    written = audit_checkpoints.write_all()  # … but when Min Plan closes
    assert len(written) == 1 and json.loads(written[0].read_text())["seq"] == 10
    assert verify(any_db, folder=share).ok
    assert main(["audit", "verify", *cli_args(any_db)]) == 0
    assert str(share) in capsys.readouterr().out  # "1 checkpoints in … match"

    # the newest events cut cleanly (triggers as they were) and the local checkpoint deleted
    cut_newest(any_db, 7)
    checkpoint_path(database_id(any_db)).unlink()
    result = verify(any_db, folder=share)
    assert not result.ok
    assert main(["audit", "verify", *cli_args(any_db)]) == 2
    out = capsys.readouterr().out
    assert "10" in out


def test_a_clean_cut_with_the_triggers_intact_is_found_by_the_folder_alone(
    any_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The strongest attacker here (the database owner, or a desk with the file and its key)
    removes the newest events and moves the head back, leaving every guard as it was: only a
    checkpoint outside the database can show it."""
    share = tmp_path / "share"
    monkeypatch.setenv(audit_checkpoints.ENV, str(share))
    fill(any_db, 5)
    audit_checkpoints.start(any_db)
    fill(any_db, 5)
    audit_checkpoints.write_all()
    if any_db.is_sqlite:
        sql(any_db, "DROP TRIGGER audit_event_no_delete", "DROP TRIGGER audit_subject_no_delete")
    else:
        sql(
            any_db,
            "ALTER TABLE audit_event DISABLE TRIGGER USER",
            "ALTER TABLE audit_subject DISABLE TRIGGER USER",
        )
    sql(
        any_db,
        "DELETE FROM audit_subject WHERE event_seq > 6",
        "DELETE FROM audit_event WHERE seq > 6",
        "UPDATE audit_chain SET last_seq = 6, "
        "last_hmac = (SELECT hmac FROM audit_event WHERE seq = 6)",
    )
    if any_db.is_sqlite:
        from app.store.audit_triggers import _migration

        with any_db.engine.begin() as conn:
            for statement in _migration("audit_chain").SQLITE_TRIGGERS:
                if statement.split()[2] in ("audit_event_no_delete", "audit_subject_no_delete"):
                    conn.exec_driver_sql(statement)
    else:
        sql(
            any_db,
            "ALTER TABLE audit_event ENABLE TRIGGER USER",
            "ALTER TABLE audit_subject ENABLE TRIGGER USER",
        )
    checkpoint_path(database_id(any_db)).unlink()
    assert verify(any_db).ok  # the log alone looks intact …
    broken = verify(any_db, folder=share).broken  # … the share does not
    assert broken is not None and broken.params["problem_params"] == {"seq": 10, "last": 6}


def test_a_checkpoint_is_left_daily_while_min_plan_runs(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = tmp_path / "share"
    monkeypatch.setenv(audit_checkpoints.ENV, str(share))
    audit_checkpoints.start(sqlite_db)
    monkeypatch.setattr(audit_checkpoints, "EVERY", 0)  # a day has passed
    fill(sqlite_db, 1)
    files = list(share.glob("minplan-audit-*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["seq"] == 1
    assert verify(sqlite_db, folder=share).ok


def test_the_folder_is_an_organisation_setting_and_the_environment_wins(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert audit_checkpoints.folder_for(sqlite_db) is None
    org_settings.set_value(sqlite_db, ADMIN, "checkpoint_folder", f"  {tmp_path / 'it'}  ")
    assert audit_checkpoints.folder_for(sqlite_db) == tmp_path / "it"
    monkeypatch.setenv(audit_checkpoints.ENV, str(tmp_path / "env"))
    assert audit_checkpoints.folder_for(sqlite_db) == tmp_path / "env"


def test_a_checkpoint_is_written_when_min_plan_exits(sqlite_db: Database, tmp_path: Path) -> None:
    share = tmp_path / "share"
    script = textwrap.dedent(
        f"""
        import os
        os.environ["{audit_checkpoints.ENV}"] = {str(share)!r}
        from app.casework.privacy import audit_checkpoints
        from app.casework.core import audit
        from app.casework.core.actor import Actor
        from app.store.engine import open_sqlite, transaction
        db = open_sqlite({str(sqlite_db.path)!r})
        audit_checkpoints.start(db)
        with transaction(db) as session:
            audit.record(session, Actor(None, "KL", None, "caseworker", "k"), "view", citizen_id=1)
        """
    )
    root = Path(__file__).resolve().parent.parent
    env = {**__import__("os").environ, "PYTHONPATH": f"{root}:{root / 'tests'}"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    files = list(share.glob("minplan-audit-*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["seq"] == 1
    assert verify(sqlite_db, folder=share).ok
