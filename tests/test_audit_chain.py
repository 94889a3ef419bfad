"""The access log's HMAC chain: sealed in the action's transaction, append-only in the database,
one chain however many desks write at once, a key kept apart, a checkpoint outside the database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from app.casework.citizens.citizens import create_citizen, update_citizen
from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.privacy.access_log import record_search, record_view
from app.domain.errors import ValidationError
from app.store import audit_key
from app.store.audit_chain import checkpoint_path, current_head
from app.store.audit_verify import verify
from app.store.engine import Database, open_sqlite, transaction
from app.store.models import AuditChain, AuditEvent, AuditSubject, Citizen
from tests.conftest import cli_args

TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parent.parent
ÅSE = {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}


def events(db: Database) -> list[AuditEvent]:
    with transaction(db) as s:
        return list(s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all())


def desk_only(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("a team server seals with its own key; no desk holds one (test_postgres_roles)")


def head(db: Database):  # type: ignore[no-untyped-def]
    with transaction(db) as s:
        return current_head(s)


def test_each_event_is_sealed_in_order_in_the_actions_transaction(
    any_db: Database, actor: Actor
) -> None:
    citizen = create_citizen(any_db, actor, ÅSE, today=TODAY).id
    record_view(any_db, actor, citizen)
    record_search(any_db, actor, "ørsted", hits=1, shown=[citizen])
    with pytest.raises(ValidationError):  # a refused change writes no event either
        update_citizen(any_db, actor, citizen, None, {"cpr": "nonsense"}, today=TODAY)
    found = events(any_db)
    assert [e.seq for e in found] == [1, 2, 3]
    assert all(e.hmac and len(e.hmac) == 64 for e in found)
    assert len({e.hmac for e in found}) == 3
    assert [e.action for e in found] == ["create", "view", "search"]
    assert head(any_db).seq == 3 and head(any_db).hmac == found[-1].hmac
    assert verify(any_db).ok


def test_an_action_that_fails_after_its_event_leaves_neither(db: Database, actor: Actor) -> None:
    with pytest.raises(RuntimeError), transaction(db) as session:
        audit.record(session, actor, "view", citizen_id=1)
        raise RuntimeError("the action failed")
    assert events(db) == [] and head(db).seq == 0


def _statements(db: Database) -> list[str]:
    statements = [
        "UPDATE audit_event SET action = 'forged'",
        "UPDATE audit_event SET hmac = 'forged'",
        "DELETE FROM audit_event",
        "DELETE FROM audit_subject",
        "UPDATE audit_subject SET citizen_id = 999",
        "INSERT INTO audit_event (occurred_at, action) VALUES (CURRENT_TIMESTAMP, 'unsealed')",
    ]
    if not db.is_sqlite:
        statements += ["TRUNCATE audit_event", "TRUNCATE audit_subject"]
    return statements


def test_the_database_refuses_to_change_or_delete_events(any_db: Database, actor: Actor) -> None:
    citizen = create_citizen(any_db, actor, ÅSE, today=TODAY).id
    record_search(any_db, actor, "åse", hits=1, shown=[citizen, citizen + 1])
    for statement in _statements(any_db):
        with pytest.raises(DBAPIError, match="append-only|only sealed"):
            with any_db.engine.begin() as conn:
                conn.execute(text(statement))
    assert len(events(any_db)) == 2 and verify(any_db).ok


def test_the_triggers_are_there_at_head(any_db: Database) -> None:
    """A later migration that rebuilds audit_event on SQLite (batch mode) must recreate them."""
    with any_db.engine.connect() as conn:
        if any_db.is_sqlite:
            names = set(
                conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).scalars()
            )
            wanted = {
                "audit_event_sealed_insert",
                "audit_event_no_update",
                "audit_event_no_delete",
                "audit_subject_no_update",
                "audit_subject_no_delete",
                "audit_purge_no_update",
                "audit_purge_no_delete",
            }
        else:
            names = set(
                conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
            )
            wanted = {
                "audit_event_append_only",
                "audit_event_no_truncate",
                "audit_subject_append_only",
                "audit_purge_append_only",
            }
    assert wanted <= names


def test_events_from_before_the_chain_are_sealed_by_the_first_writer(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from app.store.migrations import alembic_config, upgrade

    path = tmp_path / "older.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    engine.dispose()
    with sqlite3.connect(path) as conn:  # three events written by Min Plan before schema 0008
        for action in ("view", "search", "update"):
            conn.execute(
                "INSERT INTO audit_event (occurred_at, user_initials, os_user, action) "
                "VALUES ('2026-11-01 09:00:00.000000', 'KL', 'kl', ?)",
                (action,),
            )
    db = open_sqlite(path, encryption=False)  # an unencrypted file of an older Min Plan
    upgrade(db, backup=False)
    before = verify(db)
    assert before.ok and before.checked == 0 and "not sealed yet" in before.notes[0][0]
    assert [e.seq for e in events(db)] == [1, 2, 3] and all(e.hmac is None for e in events(db))
    with transaction(db) as session:
        audit.record(session, Actor(None, "KL", None, "caseworker", "kl"), "view", citizen_id=1)
    after = events(db)
    assert [e.seq for e in after] == [1, 2, 3, 4] and all(e.hmac for e in after)
    result = verify(db)
    assert result.ok and result.checked == 4
    db.dispose()


# --- the key -----------------------------------------------------------------------------------
def test_without_a_key_store_min_plan_fails_closed_and_writes_nothing(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk_only(db)
    from app import i18n

    monkeypatch.delenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", raising=False)
    keyring.set_keyring(fail.Keyring())
    audit_key.forget_cached_keys()
    with pytest.raises(audit_key.AuditKeyError) as refused:
        create_citizen(db, actor, ÅSE, today=TODAY)
    message = i18n.translate_error(refused.value)
    assert "nøglelager" in message and "MINPLAN_ALLOW_PLAINTEXT_KEYRING=1" in message
    with transaction(db) as s:
        assert s.exec(select(Citizen)).all() == []


def test_plaintext_is_allowed_only_when_asked_and_then_kept_in_a_private_file(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    desk_only(db)
    monkeypatch.setenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", "1")
    keyring.set_keyring(fail.Keyring())
    audit_key.forget_cached_keys()
    create_citizen(db, actor, ÅSE, today=TODAY)
    files = list((isolated_home / "data" / "keys").glob("audit-*.key"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o077 == 0
    assert verify(db).ok


def test_the_key_is_a_separate_keyring_entry_and_a_wrong_or_missing_key_is_refused(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    desk_only(db)
    from app.cli import main

    create_citizen(db, actor, ÅSE, today=TODAY)
    database_id = head(db).database_id
    stored = keyring.get_password(audit_key.SERVICE, database_id)
    assert stored and len(audit_key._decode(stored)) == 32
    assert main(["audit", "key", "export", "--out", str(tmp_path / "key"), *cli_args(db)]) == 0
    keyring.set_password(audit_key.SERVICE, database_id, "A" * 43 + "=")  # another 32-byte key
    audit_key.forget_cached_keys()
    with pytest.raises(audit_key.AuditKeyError, match="another database"):
        record_view(db, actor, 1)
    keyring.get_keyring().delete_password(audit_key.SERVICE, database_id)
    audit_key.forget_cached_keys()
    with pytest.raises(audit_key.AuditKeyError, match="does not have the access-log key"):
        record_view(db, actor, 1)
    assert main(["audit", "key", "import", str(tmp_path / "key"), *cli_args(db)]) == 0
    record_view(db, actor, 1)
    assert verify(db).ok
    # the export made the login the first administrator and is itself logged (issue 15, line 6)
    assert [e.action for e in events(db)] == ["create", "create_user", "export_audit_key", "view"]


def test_a_key_handed_over_by_the_starts_helper_is_used_only_where_it_matches(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper that read the first screen hands over the access-log key it checked
    (``app.store.first_screen_ahead``): used without the key store, but never another key."""
    desk_only(db)
    create_citizen(db, actor, ÅSE, today=TODAY)
    database_id = head(db).database_id
    stored = keyring.get_password(audit_key.SERVICE, database_id)
    assert stored is not None
    right = audit_key._decode(stored)
    keyring.set_keyring(fail.Keyring())  # no key store: only the handed key can seal
    monkeypatch.delenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", raising=False)
    audit_key.forget_cached_keys()
    audit_key.hand_over(database_id, right)
    record_view(db, actor, 1)
    assert verify(db).ok
    audit_key.forget_cached_keys()
    audit_key.hand_over(database_id, bytes(32))  # not this chain's key
    with pytest.raises(audit_key.AuditKeyError):
        record_view(db, actor, 1)  # the key store decides, and there is none
    assert audit_key._handed == {}, "the wrong key is dropped"
    assert [e.action for e in events(db)] == ["create", "view"]


# --- the checkpoint outside the database -------------------------------------------------------
def test_each_commit_leaves_the_new_head_in_a_checkpoint_file(db: Database, actor: Actor) -> None:
    citizen = create_citizen(db, actor, ÅSE, today=TODAY).id
    record_view(db, actor, citizen)
    path = checkpoint_path(head(db).database_id)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["seq"] == 2 and data["hmac"] == events(db)[-1].hmac and data["mac"]
    with pytest.raises(RuntimeError), transaction(db) as session:
        audit.record(session, actor, "view", citizen_id=citizen)
        raise RuntimeError("rolled back")
    assert json.loads(path.read_text(encoding="utf-8"))["seq"] == 2
    assert "150390" not in path.read_text(encoding="utf-8")


def test_the_checkpoint_is_written_after_the_commit_where_it_was_named_then(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The file is written on a thread of its own just after the commit: whoever asks for the
    file gets it with the newest head, the newest of several commits wins, and a commit's
    checkpoint goes to the data folder of the moment it committed (not one named later)."""
    import threading

    from app.store import audit_chain

    citizen = create_citizen(db, actor, ÅSE, today=TODAY).id
    gate = threading.Event()
    written = audit_chain._write

    def held_up(*args: object, **kwargs: object) -> Path:
        gate.wait(10)
        return written(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(audit_chain, "_write", held_up)
    folder = audit_chain._checkpoint_file(head(db).database_id)
    for _ in range(3):
        record_view(db, actor, citizen, purpose=None)
    monkeypatch.setenv("MINPLAN_HOME", str(tmp_path / "another"))  # named after the commits
    assert not (tmp_path / "another").exists()
    gate.set()
    audit_chain.flush_checkpoints()
    data = json.loads(folder.read_text(encoding="utf-8"))
    assert data["seq"] == head(db).seq == 4 and data["hmac"] == events(db)[-1].hmac
    assert not (tmp_path / "another").exists()


def test_the_checkpoint_command_exports_the_head_for_it(
    db: Database, actor: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    create_citizen(db, actor, ÅSE, today=TODAY)
    out = tmp_path / "for-it.json"
    assert main(["audit", "checkpoint", "--out", str(out), *cli_args(db)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["seq"] == 1
    assert "Kontrolpunkt skrevet" in capsys.readouterr().out


# --- many writers, one chain -------------------------------------------------------------------
def _writers_in_threads(db: Database, threads: int, each: int) -> None:
    problems: list[BaseException] = []

    def work(number: int) -> None:
        me = Actor(None, f"T{number}", None, "caseworker", f"t{number}")
        try:
            for i in range(each):
                with transaction(db) as session:
                    audit.record(session, me, "view", citizen_id=number * 1000 + i)
        except BaseException as exc:  # reported below
            problems.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert problems == []


def _check_one_chain(db: Database, total: int) -> None:
    found = events(db)
    assert [e.seq for e in found] == list(range(1, total + 1))
    result = verify(db)
    assert result.ok, result.broken
    assert result.checked == total and head(db).seq == total


def test_concurrent_threads_never_fork_the_chain(any_db: Database) -> None:
    _writers_in_threads(any_db, threads=6, each=15)
    _check_one_chain(any_db, 90)


WRITER = textwrap.dedent("""
    import sys
    from app.casework.core import audit
    from app.casework.core.actor import Actor
    from app.store.engine import open_sqlite, open_url, transaction
    target, number = sys.argv[1], int(sys.argv[2])
    db = open_url(target) if "://" in target else open_sqlite(target, create=False)
    me = Actor(None, f"P{number}", None, "caseworker", f"p{number}")
    for i in range(int(sys.argv[3])):
        with transaction(db) as session:
            audit.record(session, me, "view", citizen_id=number * 1000 + i)
""")


def test_concurrent_processes_never_fork_the_chain(any_db: Database, actor: Actor) -> None:
    """Several desks at once (separate processes, as on a team's PostgreSQL server)."""
    with transaction(any_db) as session:  # the key exists before the desks start
        audit.record(session, actor, "view", citizen_id=1)
    target = (
        str(any_db.path)
        if any_db.is_sqlite
        else any_db.engine.url.render_as_string(hide_password=False)
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, target, str(n), "15"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    _check_one_chain(any_db, 46)
    with transaction(any_db) as s:
        assert s.exec(select(AuditChain)).one().last_seq == 46
        assert s.exec(select(AuditSubject)).all() == []


def test_on_postgresql_the_servers_clock_dates_events_not_the_desks(
    any_db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.domain.dates as dates

    wrong = datetime(2031, 1, 1, tzinfo=UTC)
    monkeypatch.setattr(dates, "utc_now", lambda: wrong)  # a desk whose clock is years ahead
    with transaction(any_db) as session:
        audit.record(session, actor, "view", citizen_id=1)
    when = events(any_db)[0].occurred_at.replace(tzinfo=UTC)
    if any_db.is_sqlite:
        assert when == wrong  # one computer, its own clock
    else:
        assert when.year < 2031
    assert verify(any_db).ok


@pytest.mark.postgres
def test_events_from_before_the_chain_are_sealed_on_postgresql_too(
    pg_db: Database, actor: Actor
) -> None:
    from alembic import command

    from app.store.migrations import alembic_config, upgrade

    with pg_db.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
        for action in ("view", "search"):
            conn.execute(
                text(
                    "INSERT INTO audit_event (occurred_at, user_initials, os_user, action) "
                    "VALUES (now(), 'KL', 'kl', :action)"
                ),
                {"action": action},
            )
    upgrade(pg_db, backup=False)
    with transaction(pg_db) as session:
        audit.record(session, actor, "view", citizen_id=1)
    assert [e.seq for e in events(pg_db)] == [1, 2, 3] and all(e.hmac for e in events(pg_db))
    assert verify(pg_db).ok and verify(pg_db).checked == 3


def test_the_app_does_not_start_without_a_key_store(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    desk_only(db)
    from app.cli import main

    create_citizen(db, actor, ÅSE, today=TODAY)
    monkeypatch.delenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", raising=False)
    keyring.set_keyring(fail.Keyring())
    audit_key.forget_cached_keys()
    started = []
    monkeypatch.setattr("app.ui.application.run_gui", lambda *a, **k: started.append(1) or 0)
    assert main([*cli_args(db)]) == 2
    assert started == [] and "nøglelager" in capsys.readouterr().err


# --- nobody at a desk forges or silently breaks the log (issue 15, line 2) -----------------------
def test_removing_the_key_check_makes_verify_fail_and_writes_stop(
    any_db: Database, actor: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    create_citizen(any_db, actor, ÅSE, today=TODAY)
    with transaction(any_db) as s:  # the database owner (on a desk: whoever holds the file key)
        s.execute(text("UPDATE audit_chain SET key_check = NULL"))
    result = verify(any_db)
    assert not result.ok and "key_check" in result.broken.message
    assert main(["audit", "verify", *cli_args(any_db)]) == 2
    assert "key_check" in capsys.readouterr().out
    if any_db.is_sqlite:  # the desk's chain is not "re-sealed" on top of the tampering
        with pytest.raises(Exception, match="key check was removed"):
            record_view(any_db, actor, 1)


def test_a_forged_event_makes_verify_fail(any_db: Database, actor: Actor) -> None:
    from app.store.audit_chain import seal

    create_citizen(any_db, actor, ÅSE, today=TODAY)
    last = head(any_db)
    moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    forged = {
        "seq": last.seq + 1,
        "occurred_at": moment,
        "user_initials": "ML",
        "os_user": "mads",
        "action": "view",
        "entity": "citizen",
        "entity_id": 1,
        "citizen_id": 1,
        "criterion": None,
        "purpose": "Forged",
        "details": None,
    }
    seal_of = seal(b"\x01" * 32, last.hmac, forged)  # without the chain's key
    with transaction(any_db) as s:  # as the owner, who may write the table directly
        s.add(AuditEvent(**forged, hmac=seal_of))
        s.execute(
            text("UPDATE audit_chain SET last_seq = :q, last_hmac = :h, last_at = :t"),
            {"q": last.seq + 1, "h": seal_of, "t": moment},
        )
    result = verify(any_db)
    assert not result.ok and result.broken.seq == last.seq + 1
    assert "does not match its seal" in result.broken.message


def test_audit_key_export_is_for_administrators_on_a_desk_and_absent_on_a_server(
    any_db: Database,
    actor: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import app.cli.audit as cli_audit
    from app.cli import main

    create_citizen(any_db, actor, ÅSE, today=TODAY)
    out = tmp_path / "key"
    if not any_db.is_sqlite:
        assert main(["audit", "key", "export", "--out", str(out), *cli_args(any_db)]) == 2
        assert "server" in capsys.readouterr().err and not out.exists()
        assert main(["audit", "key", "import", str(out), *cli_args(any_db)]) == 2
        assert not out.exists()
        return
    caseworker = Actor(None, "KL", "Karen Lund", "caseworker", "karen")
    monkeypatch.setattr(cli_audit, "acting_user", lambda db, args: caseworker)
    assert main(["audit", "key", "export", "--out", str(out), *cli_args(any_db)]) == 2
    assert not out.exists() and "administrator" in capsys.readouterr().err
    monkeypatch.setattr(cli_audit, "acting_user", lambda db, args: actor)  # an administrator
    assert main(["audit", "key", "export", "--out", str(out), *cli_args(any_db)]) == 0
    assert out.stat().st_mode & 0o077 == 0
    logged = events(any_db)[-1]
    assert (logged.action, logged.user_initials) == ("export_audit_key", actor.initials)
    assert verify(any_db).ok


@pytest.mark.postgres
def test_a_chain_sealed_at_the_desks_continues_when_the_server_takes_over_the_seal(
    pg_db: Database, actor: Actor
) -> None:
    """Schema 0016 keeps the chain's key (from the upgrader's key store) and seals the same bytes
    as the desks did: events sealed by Python before verify on the server, and go on."""
    from alembic import command

    from app.store.audit_chain import server_sealed
    from app.store.migrations import alembic_config, upgrade

    with pg_db.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
        command.upgrade(cfg, "0015")
    import base64
    import secrets

    from app.store.audit_chain import seal

    key = secrets.token_bytes(32)  # the desks' key, in the upgrader's key store
    tricky = 'Åse "Ø" \\ \t\n\x01 ☃ 𝄞 <>&'
    rows = [
        {"action": "view", "citizen_id": 1, "purpose": tricky, "details": None},
        {
            "action": "update",
            "entity": "citizen",
            "entity_id": 1,
            "citizen_id": 1,
            "details": json.dumps(
                {"old": {"note": tricky}, "new": {"x": 1.5, "y": None}, "subjects": [2, 3]},
                ensure_ascii=False,
                sort_keys=True,
            ),
        },
        {"action": "search", "criterion": tricky, "details": None},
    ]
    previous = ""
    with pg_db.engine.begin() as conn:  # sealed at the desk (schema 0015), as audit_chain did
        database_id = conn.execute(text("SELECT database_id FROM audit_chain")).scalar_one()
        keyring.set_password(audit_key.SERVICE, database_id, base64.b64encode(key).decode())
        for seq, row in enumerate(rows, start=1):
            values = {
                "seq": seq,
                "occurred_at": datetime(2026, 11, 20, 9, seq, 7, 123456 + seq, tzinfo=UTC),
                "user_initials": "KL",
                "os_user": "karen",
                "entity": None,
                "entity_id": None,
                "citizen_id": None,
                "criterion": None,
                "purpose": None,
                **row,
            }
            previous = seal(key, previous, values)
            conn.execute(
                text(
                    "INSERT INTO audit_event (seq, occurred_at, user_initials, os_user, action, "
                    "entity, entity_id, citizen_id, criterion, purpose, details, hmac) VALUES "
                    "(:seq, :occurred_at, :user_initials, :os_user, :action, :entity, "
                    ":entity_id, :citizen_id, :criterion, :purpose, :details, :hmac)"
                ),
                {**values, "hmac": previous},
            )
        conn.execute(text("INSERT INTO audit_subject VALUES (2, 2), (2, 3)"))
        conn.execute(
            text(
                "UPDATE audit_chain SET last_seq = 3, last_hmac = :h, last_at = now(), "
                "key_check = :c"
            ),
            {"h": previous, "c": audit_key.key_check(key)},
        )
    audit_key.forget_cached_keys()
    upgrade(pg_db, backup=False)
    with transaction(pg_db) as session:
        assert server_sealed(session)
    result = verify(pg_db)  # the server recomputes the desks' seals
    assert result.ok and result.checked == 3
    from app.casework.citizens.citizens import create_citizen

    åse = create_citizen(  # a citizen to look at (a view is of a citizen that exists)
        pg_db, actor, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}
    ).id
    created = verify(pg_db).checked
    record_view(pg_db, actor, åse)
    assert verify(pg_db).ok and verify(pg_db).checked == created + 1
    assert events(pg_db)[-1].db_login  # the server names the login
    with pg_db.engine.connect() as conn:  # and seals with the very key the desks had
        inner = conn.execute(text("SELECT inner_pad FROM audit_seal_key")).scalar_one()
    assert bytes(b ^ 0x36 for b in inner)[:32] == key


@pytest.mark.postgres
def test_the_reason_needed_state_goes_down_and_up_with_schema_0019(pg_db: Database) -> None:
    """Schema 0019 changes one statement of ``minplan_open_citizen``: the refusal's SQLSTATE. Down
    and up again, the function's text is each time what the guard check expects of it."""
    from alembic import command

    from app.store import audit_triggers
    from app.store.migrations import alembic_config

    def raised_state() -> str:
        with pg_db.engine.connect() as conn:
            body = conn.exec_driver_sql(
                "SELECT prosrc FROM pg_proc WHERE proname = 'minplan_open_citizen'"
            ).scalar_one()
        return body.split("reason is needed to open this citizen' USING ERRCODE = '")[1][:5]

    assert raised_state() == "MPR01"
    with pg_db.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0018")
    assert raised_state() == "42501"
    with pg_db.engine.connect() as conn:
        assert audit_triggers.check(conn) is not None, "0019's text is expected at head"
    with pg_db.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert raised_state() == "MPR01"
    assert verify(pg_db).ok


@pytest.mark.postgres
def test_the_row_trigger_finds_the_apps_own_event_by_index_and_goes_down_and_up_with_0020(
    pg_db: Database,
) -> None:
    """Schema 0020: the row trigger asks "did the app log this row itself?" with two index seeks
    on ``audit_txn (txid, citizen_id)`` instead of walking every citizen the transaction's events
    named (an import names all of them: its commit ran for hours on a server). Down and up again,
    the text is each time what the guard check expects."""
    from alembic import command

    from app.store import audit_triggers
    from app.store.migrations import alembic_config

    def state() -> tuple[bool, set[str]]:
        with pg_db.engine.connect() as conn:
            body = conn.exec_driver_sql(
                "SELECT prosrc FROM pg_proc WHERE proname = 'minplan_audit_row'"
            ).scalar_one()
            names = conn.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'audit_txn'"
            ).scalars()
            return "OR EXISTS (SELECT 1 FROM audit_txn" in body, set(names)

    def migrate(to: str) -> None:
        with pg_db.engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            (command.upgrade if to == "head" else command.downgrade)(cfg, to)

    assert state() == (True, {"ix_audit_txn_txid_citizen"})
    with pg_db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # the table is empty: ask for the index
        plan = " ".join(
            conn.exec_driver_sql(
                "EXPLAIN SELECT 1 FROM audit_txn t WHERE t.txid = 7 AND t.citizen_id = 9"
            ).scalars()
        )
    assert "Index Cond: ((txid = 7) AND (citizen_id = 9))" in plan, plan
    migrate("0019")
    assert state() == (False, {"ix_audit_txn_txid"})
    with pg_db.engine.connect() as conn:
        assert audit_triggers.check(conn) is not None, "0020's text is expected at head"
    migrate("head")
    assert state() == (True, {"ix_audit_txn_txid_citizen"})
    assert verify(pg_db).ok
