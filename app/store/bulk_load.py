"""Loading many rows into empty SQLite tables: their indexes are built once, after the rows.

An index kept up to date row by row costs more than the same index built once over the finished
table (SQLite sorts the keys then, instead of finding each one's page). An import into a fresh
database therefore drops the secondary indexes of the tables it fills, and the per-row trigger
that feeds the citizens' search index, and builds them all again when the rows are in: at
300 000 citizens the inserts of an import took 69 s instead of 78–88 s so (packaging/BENCHMARK.md).

Only on SQLite, and only for tables that are empty when the load begins: a table that already
holds rows keeps its indexes (rebuilding them would cost more than it saves). Never on a team
server: ``DROP INDEX`` on PostgreSQL locks every desk out of the table until the import commits.

Everything happens inside the caller's transaction. When the block raises, the indexes are not
built here: the caller's rollback brings the dropped ones back with everything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

#: Triggers that keep a derived index row by row, and the statement that builds it whole once
#: the table is loaded (the citizens' FTS5 search index, migration 0018).
_TRIGGERS_REBUILT = {
    "citizen": ("citizen_fts_insert", "INSERT INTO citizen_fts (citizen_fts) VALUES ('rebuild')"),
}


@contextmanager
def indexes_built_after(conn: Any, tables: Iterable[str]) -> Iterator[None]:
    """Inside the block, insert into those of ``tables`` that are empty without their indexes;
    on leaving it normally, build the indexes (and the search index) as they were."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    if not raw.in_transaction:
        # The driver opens its transaction at the first INSERT, not before DDL: without this the
        # DROP INDEX below would be committed at once and survive a rollback.
        raw.execute("BEGIN")
    empty = [name for name in tables if _is_empty(conn, name)]
    rebuilt = _dropped(conn, empty)
    yield
    for statement in rebuilt:
        conn.exec_driver_sql(statement)


def _is_empty(conn: Any, table: str) -> bool:
    quoted = conn.dialect.identifier_preparer.quote(table)
    return conn.exec_driver_sql(f"SELECT 1 FROM {quoted} LIMIT 1").first() is None


def _dropped(conn: Any, tables: list[str]) -> list[str]:
    """Drop the tables' secondary indexes and search triggers; returns what builds them again."""
    quote = conn.dialect.identifier_preparer.quote
    rebuilt: list[str] = []
    for table in tables:
        # Those with SQL of their own: a UNIQUE or PRIMARY KEY constraint's index (sql NULL)
        # belongs to the table and stays.
        indexes = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
            (table,),
        ).all()
        for name, sql in indexes:
            conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
            rebuilt.append(sql)
        if table in _TRIGGERS_REBUILT:
            trigger, rebuild = _TRIGGERS_REBUILT[table]
            sql = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
            ).scalar()
            if sql is not None:
                conn.exec_driver_sql(f"DROP TRIGGER {quote(trigger)}")
                rebuilt += [rebuild, sql]
    return rebuilt
