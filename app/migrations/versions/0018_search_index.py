"""search-as-you-type through an index that seeks: SQLite FTS5 trigram, PostgreSQL pg_trgm GIN

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 17:00:00

``LIKE '%term%'`` walked the whole covering index on every keystroke (9.5 → 52 → 160 ms at
10 000 → 100 000 → 300 000 citizens). A term of three characters or more is now looked up in a
trigram index, which seeks: on SQLite an FTS5 table with the trigram tokenizer over
``citizen.search_text`` (external content: the text is not stored twice; three triggers keep it in
step with every insert, update and delete), on PostgreSQL a GIN index with ``gin_trgm_ops``
(``pg_trgm`` is a trusted extension: the database's owner may create it; where it cannot be
created the search stays correct and scans, and the log says why). A full CPR number or birth
date is looked up in the citizen table's own indexes (``app.casework.citizens.citizen_list``).

Both objects are outside the SQLModel metadata (``app.store.models.SEARCH_INDEX_OBJECTS``).

A later batch migration that rebuilds the citizen table on SQLite drops the triggers with the old
table: it must create them again (``create_sqlite_triggers``) and rebuild the index.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

SQLITE_TRIGGERS = (
    """CREATE TRIGGER citizen_fts_insert AFTER INSERT ON citizen BEGIN
        INSERT INTO citizen_fts (rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER citizen_fts_delete AFTER DELETE ON citizen BEGIN
        INSERT INTO citizen_fts (citizen_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER citizen_fts_update AFTER UPDATE OF search_text ON citizen BEGIN
        INSERT INTO citizen_fts (citizen_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO citizen_fts (rowid, search_text) VALUES (new.id, new.search_text);
    END""",
)


def create_sqlite_triggers() -> None:
    for trigger in SQLITE_TRIGGERS:
        op.execute(trigger)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE citizen_fts USING fts5(search_text, content='citizen', "
            "content_rowid='id', tokenize='trigram case_sensitive 1')"
        )
        op.execute("INSERT INTO citizen_fts (citizen_fts) VALUES ('rebuild')")
        create_sqlite_triggers()
        return
    if bind.dialect.name == "postgresql":
        savepoint = bind.begin_nested()
        try:
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:  # no right to create it, or not installed on the server
            savepoint.rollback()
            log.warning(
                "pg_trgm could not be created (%s); search-as-you-type scans instead of seeking",
                str(error).splitlines()[0],
            )
            return
        savepoint.commit()
        op.execute(
            "CREATE INDEX ix_citizen_search_trgm ON citizen USING gin (search_text gin_trgm_ops)"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("citizen_fts_insert", "citizen_fts_delete", "citizen_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS citizen_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_citizen_search_trgm")  # the extension may serve others
