"""An import into empty SQLite tables builds their indexes after the rows: whatever happens, the
schema ends as migrated, every index (the search index too) holds exactly the table's rows, and
a refused or failed import leaves no index missing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from app.casework.bundle.importer import import_bundle
from app.casework.core.actor import Actor
from app.store.bulk_load import indexes_built_after
from app.store.engine import Database, transaction

SAMPLE = Path(__file__).resolve().parent.parent / "app" / "resources" / "sample-bundle"
TODAY = date(2026, 11, 23)


def schema(db: Database) -> list[tuple[str, str, str]]:
    with db.engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master "
            "WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name"
        )
        return [tuple(row) for row in found]


def names_in(conn: object, table: str) -> set[str]:
    found = conn.exec_driver_sql(  # type: ignore[attr-defined]
        "SELECT name FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL", (table,)
    )
    return set(found.scalars())


def assert_indexes_whole(db: Database, citizens: int) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        # FTS5 raises when its index and the citizen rows it is built from differ.
        conn.exec_driver_sql("INSERT INTO citizen_fts (citizen_fts) VALUES ('integrity-check')")
        match = "SELECT count(*) FROM citizen_fts WHERE citizen_fts MATCH :phrase"
        assert conn.execute(text(match), {"phrase": '"ørsted"'}).scalar() == 1
        assert conn.execute(text(match), {"phrase": '"0101901234"'}).scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM citizen").scalar() == citizens
        # The rows are found through the index that was built after them.
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM citizen WHERE cpr = '0101901234'"
        ).all()
        assert "ix_citizen_cpr" in str(plan)
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM citizen INDEXED BY ix_citizen_cpr WHERE cpr = '0101901234'"
            ).scalar()
            == 1
        )


def test_an_import_into_an_empty_database_ends_with_the_migrated_schema_and_whole_indexes(
    sqlite_db: Database, actor: Actor
) -> None:
    migrated = schema(sqlite_db)
    assert import_bundle(sqlite_db, actor, SAMPLE, today=TODAY).ok
    assert schema(sqlite_db) == migrated
    assert_indexes_whole(sqlite_db, citizens=4)
    with sqlite_db.engine.connect() as conn:  # the kept deadlines too
        assert conn.exec_driver_sql("SELECT count(*) FROM requirement").scalar() > 0


def test_a_refused_import_leaves_every_index_and_trigger_in_place(
    sqlite_db: Database, actor: Actor, tmp_path: Path
) -> None:
    """The bad row is in the last file: every other file's rows went in (without their indexes)
    before the verdict rolled them back."""
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("README.txt"))
    with (folder / "journal.csv").open("a", encoding="utf-8") as handle:
        handle.write("0101901234,2026-13-05,KL,Syntetisk.\n")
    migrated = schema(sqlite_db)
    report = import_bundle(sqlite_db, actor, folder, today=TODAY)
    assert not report.ok and not report.written
    assert schema(sqlite_db) == migrated
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM citizen").scalar() == 0
    # And the next import is whole.
    assert import_bundle(sqlite_db, actor, SAMPLE, today=TODAY).ok
    assert_indexes_whole(sqlite_db, citizens=4)


def test_indexes_are_dropped_for_empty_tables_only_and_come_back_with_a_rollback(
    sqlite_db: Database, actor: Actor
) -> None:
    migrated = schema(sqlite_db)
    with pytest.raises(RuntimeError), transaction(sqlite_db) as session:
        conn = session.connection()
        with indexes_built_after(conn, ("citizen", "company")):
            # The table itself and the triggers that keep the search index on change remain.
            assert names_in(conn, "citizen") == {
                "citizen",
                "citizen_fts_delete",
                "citizen_fts_update",
            }
            assert "ix_company_cvr" not in names_in(conn, "company")
            raise RuntimeError("the import failed half way")
    assert schema(sqlite_db) == migrated

    assert import_bundle(sqlite_db, actor, SAMPLE, today=TODAY).ok
    with transaction(sqlite_db) as session:  # citizens now: their indexes stay
        conn = session.connection()
        kept = names_in(conn, "citizen")
        with indexes_built_after(conn, ("citizen",)):
            assert names_in(conn, "citizen") == kept
    assert schema(sqlite_db) == migrated


def test_on_a_team_server_nothing_is_dropped(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("the team server's case")
    with transaction(db) as session:
        conn = session.connection()
        count = "SELECT count(*) FROM pg_indexes WHERE tablename = 'citizen'"
        before = conn.exec_driver_sql(count).scalar()
        with indexes_built_after(conn, ("citizen",)):
            assert conn.exec_driver_sql(count).scalar() == before


def test_a_rebuild_of_the_kept_requirements_ends_with_whole_indexes(
    sqlite_db: Database, actor: Actor
) -> None:
    from app.casework.deadlines import deadline_store

    migrated = schema(sqlite_db)
    assert import_bundle(sqlite_db, actor, SAMPLE, today=TODAY).ok
    kept = "SELECT * FROM requirement ORDER BY citizen_id, rule_set, rule_id, period_start, due"
    with sqlite_db.engine.connect() as conn:
        before = conn.exec_driver_sql(kept).all()
    with transaction(sqlite_db) as session:
        conn = session.connection()
        deadline_store.rebuild(conn, today=TODAY)
        assert "ix_requirement_due" in names_in(conn, "requirement")
    assert schema(sqlite_db) == migrated
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        after = conn.exec_driver_sql(kept).all()
    assert [row[1:] for row in after] == [row[1:] for row in before] and after
