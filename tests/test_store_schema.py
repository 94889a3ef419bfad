"""The schema history: migrations agree with the models, upgrades are safe and verified."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from app.domain.errors import SchemaTooNewError
from app.store import cipher
from app.store.cipher import DatabaseKey, FileKind
from app.store.engine import Database, create_encrypted, open_sqlite
from app.store.keystore import open_store
from app.store.migrations import current_revision, head_revision, upgrade
from app.store.models import include_object, metadata


def test_models_and_migrations_agree(any_db: Database) -> None:
    with any_db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(context, metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_the_postgresql_only_index_options_are_given_when_asked_for_and_only_once() -> None:
    """The models leave out the options only PostgreSQL reads, so that a start on a SQLite file
    does not load the PostgreSQL dialect; a PostgreSQL database gets them when it is opened."""
    from app.store.models import POSTGRESQL_INDEX_OPTIONS, add_postgresql_index_options

    indexes = {str(i.name): i for table in metadata.tables.values() for i in table.indexes}
    assert set(POSTGRESQL_INDEX_OPTIONS) <= set(indexes)
    add_postgresql_index_options()
    add_postgresql_index_options()
    assert indexes["ix_citizen_search"].dialect_options["postgresql"]["include"] == ["id"]
    where = indexes["ix_conversation_planned"].dialect_options["postgresql"]["where"]
    assert str(where) == "status = 'planned'"
    assert str(indexes["ix_conversation_planned"].dialect_options["sqlite"]["where"]) == (
        "status = 'planned'"
    )


@pytest.mark.postgres  # SQLite compares bytes and keeps the rowid in every index already
def test_the_list_order_is_byte_order_on_postgresql_so_its_index_serves_it(pg_db: Database) -> None:
    """The sort key's byte order is Danish order: PostgreSQL keeps it in the "C" collation, so
    the list index needs no sort after it, and holds the id (schema 0012)."""
    with pg_db.engine.connect() as conn:
        collation = conn.execute(
            text(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_name = 'citizen' AND column_name = 'sort_key'"
            )
        ).scalar_one()
        conn.exec_driver_sql("SET enable_sort = off")  # a sort only if no index gives the order
        conn.exec_driver_sql("SET enable_seqscan = off")  # ... and not the table itself
        plan = "\n".join(
            row[0]
            for row in conn.exec_driver_sql(
                'EXPLAIN SELECT id FROM citizen WHERE deleted_at IS NULL ORDER BY sort_key COLLATE "C"'
            )
        )
    assert collation == "C"
    assert "Index Only Scan using ix_citizen_search" in plan and "Sort" not in plan, plan


def test_upgrade_of_an_empty_database_reaches_head(new_db: Database) -> None:
    result = upgrade(new_db)
    assert result.before is None
    assert result.after == head_revision() == current_revision(new_db)
    assert result.backup is None, "an empty database needs no backup"
    assert {"citizen", "benefit_spell", "audit_event"} <= set(
        inspect(new_db.engine).get_table_names()
    )


def test_upgrade_is_idempotent(db: Database) -> None:
    result = upgrade(db)
    assert not result.changed


def _legacy_file(path: Path, key: DatabaseKey | None) -> None:
    """A file from before the schema history, with data in it."""
    conn = cipher.connect(path, key)
    with conn:
        conn.execute("CREATE TABLE legacy_note (text TEXT)")
        conn.execute("INSERT INTO legacy_note VALUES ('kept safe')")
    conn.close()


@pytest.mark.sqlite_only
def test_upgrade_backs_up_a_database_holding_data_first_encrypted_like_the_source(
    tmp_path: Path,
) -> None:
    path = tmp_path / "older.db"
    key = create_encrypted(path, open_store())
    _legacy_file(path, key)
    db = open_sqlite(path)
    result = upgrade(db, backup_dir=tmp_path / "backups")
    assert result.backup is not None and result.backup.exists()
    assert cipher.file_kind(result.backup) is FileKind.ENCRYPTED
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(result.backup).execute("SELECT * FROM legacy_note").fetchall()
    conn = cipher.connect(result.backup, key)
    assert conn.execute("SELECT text FROM legacy_note").fetchall() == [("kept safe",)]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert current_revision(db) == head_revision()


@pytest.mark.sqlite_only
def test_an_unencrypted_database_chosen_explicitly_gets_a_plain_backup(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    _legacy_file(path, None)
    db = open_sqlite(path, encryption=False)
    assert not db.encrypted
    result = upgrade(db, backup_dir=tmp_path / "backups")
    assert result.backup is not None
    with sqlite3.connect(result.backup) as conn:
        assert conn.execute("SELECT text FROM legacy_note").fetchall() == [("kept safe",)]


def test_a_database_from_a_newer_min_plan_is_refused(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    with pytest.raises(SchemaTooNewError):
        upgrade(db)


@pytest.mark.sqlite_only
def test_sqlite_connections_are_configured_for_crash_safety(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_an_older_database_with_data_is_upgraded_to_head_keeping_its_rows(
    new_db: Database, tmp_path: Path
) -> None:
    from alembic import command

    from app.store.migrations import alembic_config

    with new_db.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(
            text(
                "INSERT INTO citizen (id, version, created_at, updated_at, cpr, birth_date, first_name, last_name, "
                "search_text, language, refugee_or_reunified, disability, digital_post_exempt) VALUES "
                "(1, 1, '2026-01-01', '2026-01-01', '0101901234', '1990-01-01', 'Åse', 'Øby', 'åse øby', 'da', FALSE, FALSE, FALSE)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO plan (id, version, created_at, updated_at, citizen_id, job_goal) "
                "VALUES (1, 1, '2026-01-01', '2026-01-01', 1, 'Job som lagermedarbejder')"
            )
        )
    new_db.engine.dispose()
    db = new_db
    result = upgrade(db, backup_dir=tmp_path / "backups")
    assert (result.before, result.after) == ("0001", head_revision())
    assert (result.backup is not None) == db.is_sqlite, "SQLite files are copied first"
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT first_name, last_name FROM citizen")).all() == [
            ("Åse", "Øby")
        ]
        assert conn.execute(text("SELECT job_goal, status_followup FROM plan")).all() == [
            ("Job som lagermedarbejder", None)
        ]
        if db.is_sqlite:
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
