"""``minplan audit verify`` finds every way of tampering with the log and names the first broken
event. The tests tamper with the tables directly, dropping the append-only triggers first (as
someone holding the database file and its key could)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.store.audit_chain import CONTENT_FIELDS, checkpoint_path, current_head, seal
from app.store.audit_verify import verify
from app.store.engine import Database, open_sqlite, transaction
from tests.conftest import cli_args

EVENTS = 10
KL = Actor(None, "KL", "Karen Lund", "caseworker", "karen")


def fill(db: Database, n: int = EVENTS) -> None:
    """``n`` events of different kinds, some with subjects (search hits)."""
    for i in range(n):
        with transaction(db) as session:
            if i % 3 == 1:
                audit.record(
                    session,
                    KL,
                    "search",
                    criterion=f"søg {i}",
                    details={"hits": 2},
                    subjects=[i, i + 100],
                )
            else:
                audit.record(
                    session,
                    KL,
                    "update" if i % 3 else "view",
                    entity="citizen",
                    citizen_id=i,
                    old={"phone": f"1{i}"},
                    new={"phone": f"2{i}"},
                )


def drop_triggers(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.is_sqlite:
            for name in (
                conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
                .scalars()
                .all()
            ):
                conn.execute(text(f"DROP TRIGGER {name}"))
        else:
            for table in ("audit_event", "audit_subject", "audit_purge"):
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


def restore_triggers(db: Database) -> None:
    from app.store.audit_triggers import _migration

    with db.engine.begin() as conn:
        if db.is_sqlite:
            for statement in _migration("audit_chain").SQLITE_TRIGGERS:
                conn.exec_driver_sql(statement)
        else:
            for table in ("audit_event", "audit_subject", "audit_purge"):
                conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def sql(db: Database, *statements: str, **params: object) -> None:
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)


def first_break(db: Database, **options: object):  # type: ignore[no-untyped-def]
    result = verify(db, **options)  # type: ignore[arg-type]
    assert not result.ok, "the tampering was not noticed"
    return result.broken


@pytest.fixture
def chain(db: Database) -> Database:
    fill(db)
    assert verify(db).ok
    drop_triggers(db)
    return db


@pytest.mark.parametrize(
    ("statement", "column"),
    [
        ("UPDATE audit_event SET purpose = 'nysgerrig' WHERE seq = 4", "purpose"),
        ("UPDATE audit_event SET user_initials = 'XX' WHERE seq = 4", "user_initials"),
        ("UPDATE audit_event SET os_user = 'someone' WHERE seq = 4", "os_user"),
        ("UPDATE audit_event SET action = 'delete' WHERE seq = 4", "action"),
        ("UPDATE audit_event SET citizen_id = 77 WHERE seq = 4", "citizen_id"),
        ("UPDATE audit_event SET criterion = 'x' WHERE seq = 4", "criterion"),
        ("UPDATE audit_event SET details = replace(details, '23', '99') WHERE seq = 4", "details"),
        (
            "UPDATE audit_event SET occurred_at = (SELECT occurred_at FROM audit_event WHERE seq = 1) "
            "WHERE seq = 4",
            "occurred_at",
        ),
    ],
)
def test_a_changed_field_is_named_at_its_event(
    chain: Database, statement: str, column: str
) -> None:
    sql(chain, statement)
    broken = first_break(chain)
    assert broken.seq == 4 and "does not match its seal" in broken.message, column
    assert broken.when is not None


def test_a_changed_event_is_found_on_postgresql_too(any_db: Database) -> None:
    fill(any_db, 5)
    drop_triggers(any_db)
    sql(any_db, "UPDATE audit_event SET purpose = 'x' WHERE seq = 3")
    assert first_break(any_db).seq == 3


def test_a_removed_event_in_the_middle(chain: Database) -> None:
    sql(chain, "DELETE FROM audit_event WHERE seq = 5")
    broken = first_break(chain)
    assert broken.seq == 6 and broken.params == {"first": 5, "last": 5}


def test_the_oldest_events_removed_without_a_purge(chain: Database) -> None:
    sql(
        chain,
        "DELETE FROM audit_subject WHERE event_seq <= 2",
        "DELETE FROM audit_event WHERE seq <= 2",
    )
    broken = first_break(chain)
    assert broken.seq == 3 and "no purge checkpoint" in broken.message


def test_the_newest_event_removed_is_found_by_the_head(chain: Database) -> None:
    sql(chain, f"DELETE FROM audit_event WHERE seq = {EVENTS}")
    broken = first_break(chain)
    assert broken.seq == EVENTS and broken.params == {"last": EVENTS - 1, "seq": EVENTS}


def test_the_newest_events_removed_and_the_head_rewound_is_found_by_the_checkpoint(
    chain: Database,
) -> None:
    with transaction(chain) as s:
        database_id = current_head(s).database_id
    outside = checkpoint_path(database_id)
    assert json.loads(outside.read_text())["seq"] == EVENTS
    sql(
        chain,
        "DELETE FROM audit_subject WHERE event_seq > 7",
        "DELETE FROM audit_event WHERE seq > 7",
        "UPDATE audit_chain SET last_seq = 7, last_hmac = (SELECT hmac FROM audit_event WHERE seq = 7)",
    )
    assert "guard" in first_break(chain).message  # the dropped triggers give the cut away
    restore_triggers(chain)  # … unless they are put back exactly as they were
    assert verify(chain).ok, "without the checkpoint a clean cut cannot be seen: hence the file"
    broken = first_break(chain, checkpoint=outside)
    assert broken.seq == EVENTS and broken.params == {"seq": EVENTS, "last": 7}


def test_a_forged_checkpoint_file_is_refused(chain: Database, tmp_path: Path) -> None:
    with transaction(chain) as s:
        database_id = current_head(s).database_id
    data = json.loads(checkpoint_path(database_id).read_text())
    data["seq"] = 3
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data))
    assert "was changed" in first_break(chain, checkpoint=forged).message


def test_swapped_events_are_named_at_the_first(chain: Database) -> None:
    sql(
        chain,
        "UPDATE audit_event SET seq = -1 WHERE seq = 6",
        "UPDATE audit_event SET seq = 6 WHERE seq = 7",
        "UPDATE audit_event SET seq = 7 WHERE seq = -1",
    )
    assert first_break(chain).seq == 6


def test_an_event_inserted_in_the_middle(chain: Database) -> None:
    sql(
        chain,
        "UPDATE audit_event SET seq = seq + 1000 WHERE seq >= 5",
        "UPDATE audit_event SET seq = seq - 999 WHERE seq >= 1000",
        "UPDATE audit_chain SET last_seq = last_seq + 1",
        "INSERT INTO audit_event (seq, occurred_at, action, hmac, user_initials) "
        "SELECT 5, occurred_at, 'view', hmac, 'KL' FROM audit_event WHERE seq = 4",
    )
    assert first_break(chain).seq == 5


def test_a_replayed_event_at_the_end(chain: Database) -> None:
    sql(
        chain,
        "INSERT INTO audit_event (seq, occurred_at, user_initials, os_user, action, entity, "
        "entity_id, citizen_id, criterion, purpose, details, hmac) "
        f"SELECT {EVENTS + 1}, occurred_at, user_initials, os_user, action, entity, entity_id, "
        "citizen_id, criterion, purpose, details, hmac FROM audit_event WHERE seq = 3",
        f"UPDATE audit_chain SET last_seq = {EVENTS + 1}, "
        f"last_hmac = (SELECT hmac FROM audit_event WHERE seq = {EVENTS + 1})",
    )
    assert first_break(chain).seq == EVENTS + 1


def test_an_event_added_without_a_seal_or_number(chain: Database) -> None:
    sql(
        chain,
        "INSERT INTO audit_event (seq, occurred_at, action) VALUES (99, CURRENT_TIMESTAMP, 'x')",
    )
    broken = first_break(chain)
    assert broken.seq == 99 and "no seal" in broken.message
    sql(chain, "DELETE FROM audit_event WHERE seq = 99")
    sql(chain, "INSERT INTO audit_event (occurred_at, action) VALUES (CURRENT_TIMESTAMP, 'x')")
    assert "without a sequence number" in first_break(chain).message


def test_a_resealed_chain_without_the_key_is_found(chain: Database) -> None:
    """Someone with the database key but not the access-log key rewrites event 4 and re-seals
    every event after it with a key of their own: the first re-sealed event is named."""
    wrong = b"\x00" * 32
    with chain.engine.begin() as conn:
        rows = [
            dict(r) for r in conn.execute(text("SELECT * FROM audit_event ORDER BY seq")).mappings()
        ]
        previous = rows[2]["hmac"]
        for row in rows[3:]:
            if row["seq"] == 4:
                row["purpose"] = "skjult"
            from app.store.models import AuditEvent

            with transaction(chain) as s:
                values = {
                    name: getattr(s.get(AuditEvent, row["id"]), name) for name in CONTENT_FIELDS
                }
            values["purpose"] = row["purpose"]
            previous = seal(wrong, previous, values)
            conn.execute(
                text("UPDATE audit_event SET purpose = :p, hmac = :h WHERE id = :id"),
                {"p": row["purpose"], "h": previous, "id": row["id"]},
            )
        conn.execute(text("UPDATE audit_chain SET last_hmac = :h"), {"h": previous})
    assert first_break(chain).seq == 4


def test_the_citizen_index_cannot_be_changed_unnoticed(chain: Database) -> None:
    sql(chain, "DELETE FROM audit_subject WHERE event_seq = 5 AND citizen_id = 104")
    broken = first_break(chain)
    assert broken.seq == 5 and "audit_subject" in broken.message


def test_an_emptied_log_is_found(chain: Database) -> None:
    sql(chain, "DELETE FROM audit_subject", "DELETE FROM audit_event")
    assert first_break(chain).seq == EVENTS


@pytest.mark.sqlite_only  # tampers with SQLite's triggers and tables directly
def test_a_purge_permit_left_open_is_found(chain: Database) -> None:
    sql(
        chain,
        "INSERT INTO audit_purge (purged_at, cutoff, through_seq, through_hmac, events, subjects, "
        "active) VALUES (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 3, '', 0, 0, 1)",
    )
    assert "left open" in first_break(chain).message


_PREPARED: set[str] = set()
TAMPERING = st.sampled_from(["change", "delete", "swap", "replay", "unseal"])


@pytest.mark.sqlite_only  # tampers with a copy of the SQLite file
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(how=TAMPERING, where=st.integers(min_value=1, max_value=EVENTS), data=st.data())
def test_any_tampering_is_named_at_the_first_broken_event(
    db: Database, tmp_path_factory: pytest.TempPathFactory, how: str, where: int, data
) -> None:  # type: ignore[no-untyped-def]
    """Property: whatever is done to event ``where`` (and only there), verification fails and
    names ``where`` — or, for a removal, the event after the gap (the head, at the end)."""
    if str(db.path) not in _PREPARED:  # one filled chain per test run; each example on a copy
        fill(db)
        drop_triggers(db)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        _PREPARED.add(str(db.path))
    copy = tmp_path_factory.mktemp("tamper") / "copy.db"
    shutil.copyfile(db.path, copy)  # type: ignore[arg-type]
    target = open_sqlite(copy)
    try:
        expected = where
        if how == "change":
            column = data.draw(
                st.sampled_from(["purpose", "os_user", "action", "details", "citizen_id"])
            )
            value = "'x'" if column != "citizen_id" else "424242"
            sql(target, f"UPDATE audit_event SET {column} = {value} WHERE seq = {where}")
        elif how == "delete":
            sql(target, f"DELETE FROM audit_subject WHERE event_seq = {where}")
            sql(target, f"DELETE FROM audit_event WHERE seq = {where}")
            expected = where + 1 if where < EVENTS else EVENTS
        elif how == "swap":
            other = where + 1 if where < EVENTS else where - 1
            low, high = sorted((where, other))
            sql(
                target,
                f"UPDATE audit_event SET seq = -1 WHERE seq = {low}",
                f"UPDATE audit_event SET seq = {low} WHERE seq = {high}",
                f"UPDATE audit_event SET seq = {high} WHERE seq = -1",
            )
            expected = low
        elif how == "replay":
            sql(
                target,
                f"UPDATE audit_event SET details = (SELECT details FROM audit_event WHERE seq = "
                f"{where % EVENTS + 1}), hmac = (SELECT hmac FROM audit_event WHERE seq = "
                f"{where % EVENTS + 1}) WHERE seq = {where}",
            )
        else:
            sql(target, f"UPDATE audit_event SET hmac = NULL WHERE seq = {where}")
        broken = first_break(target)
        assert broken.seq == expected, (how, where, broken)
    finally:
        target.dispose()


# --- the command -------------------------------------------------------------------------------
def test_the_command_says_intact_with_exit_0_and_names_the_break_with_exit_2(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    fill(db, 4)
    assert main(["audit", "verify", *cli_args(db)]) == 0
    out = capsys.readouterr().out
    assert "Adgangsloggen er intakt: 4 hændelser (nr. 1–4" in out
    assert "Kontrolpunktet (hændelse 4) passer" in out
    drop_triggers(db)
    sql(db, "UPDATE audit_event SET purpose = 'x' WHERE seq = 3")
    assert main(["audit", "verify", *cli_args(db)]) == 2
    out = capsys.readouterr().out
    assert "Adgangsloggen er brudt ved hændelse 3" in out
    assert "passer ikke med sit segl" in out and "Traceback" not in out
    assert main(["--lang", "en", "audit", "verify", *cli_args(db)]) == 2
    assert "The access log is broken at event 3" in capsys.readouterr().out
