"""The query planner's statistics: gathered after bulk loads, topped up when the file closes, and
what they are for — an indicator query that finds a citizen's spells by the citizen's index."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, text

from app.casework.bundle.importer import import_bundle
from app.casework.core.actor import Actor, system_actor
from app.demo.data import populate, write_demo_database
from app.domain.periods import parse_period
from app.reports.measures_refugees import refugee_self_support_share
from app.store import statistics
from app.store.engine import Database, open_sqlite

SAMPLE = Path(__file__).resolve().parent.parent / "app" / "resources" / "sample-bundle"
TODAY = date(2026, 11, 23)


def analysed_tables(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).first():
            return set()
        return {row[0] for row in conn.execute(text("SELECT tbl FROM sqlite_stat1"))}


def spell_index_of_the_refugee_query(db: Database) -> str:
    """Which index SQLite's plan uses for benefit_spell in Herlev's refugee indicator."""
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        refugee_self_support_share(
            db, parse_period("2025"), groups=["kontanthjaelp_jobparat", "integration"]
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    statement, parameters = seen[-1]
    with db.engine.connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    (detail,) = [row[3] for row in plan if "benefit_spell" in row[3]]
    return detail


@pytest.mark.sqlite_only
def test_an_import_gathers_the_statistics(sqlite_db: Database, actor: Actor) -> None:
    assert analysed_tables(sqlite_db) == set()
    assert import_bundle(sqlite_db, actor, SAMPLE, today=TODAY).written
    assert {"citizen", "benefit_spell", "conversation"} <= analysed_tables(sqlite_db)


@pytest.mark.sqlite_only
def test_a_dry_run_import_leaves_the_statistics_alone(sqlite_db: Database, actor: Actor) -> None:
    import_bundle(sqlite_db, actor, SAMPLE, today=TODAY, dry_run=True)
    assert analysed_tables(sqlite_db) == set()


@pytest.mark.sqlite_only
def test_the_demo_database_comes_with_its_statistics(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    write_demo_database(path, citizens=40, seed=3, as_of=TODAY)
    db = open_sqlite(path, create=False)
    try:
        assert "benefit_spell" in analysed_tables(db)
    finally:
        db.dispose()


@pytest.mark.sqlite_only
def test_with_statistics_a_citizens_spells_are_found_by_the_citizens_index(
    sqlite_db: Database,
) -> None:
    populate(sqlite_db, system_actor(), citizens=1500, seed=5, as_of=TODAY)
    # Without statistics SQLite takes the index of all spells of the two target groups and
    # walks it once per refugee: quadratic, 2.7 s on 100 000 citizens.
    assert "ix_benefit_spell_period" in spell_index_of_the_refugee_query(sqlite_db)
    statistics.analyse(sqlite_db)
    assert "ix_benefit_spell_citizen_id" in spell_index_of_the_refugee_query(sqlite_db)


@pytest.mark.sqlite_only
def test_topping_up_analyses_a_table_that_never_was(sqlite_db: Database) -> None:
    populate(sqlite_db, system_actor(), citizens=300, seed=5, as_of=TODAY)
    spell_index_of_the_refugee_query(sqlite_db)  # the planner notes what statistics would help
    statistics.top_up(sqlite_db)
    assert "benefit_spell" in analysed_tables(sqlite_db)


def test_only_sqlite_is_given_statistics_the_server_keeps_its_own(db: Database) -> None:
    sent: list[str] = []

    def keep(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        statistics.analyse(db)
        statistics.top_up(db)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    if db.is_sqlite:
        assert sent == ["ANALYZE", "PRAGMA analysis_limit=1000", "PRAGMA optimize"]
    else:
        assert sent == []  # autovacuum's business
