"""Keep SQLite's query-planner statistics (``sqlite_stat1``) true to the data.

Without statistics SQLite guesses that every index narrows a search to about ten rows. On a
jobcenter's database that guess sends some indicator queries down the index of all spells of a
target group instead of the citizen's own spells: Herlev's goal plan took 2.7 s instead of 0.1 s
on 100 000 citizens. So the statistics are gathered in full after a bulk load (import, demo
data) and, as SQLite recommends, topped up with ``PRAGMA optimize`` when Min Plan closes the
file: that re-analyses only tables that were never analysed or have grown a lot since, within
``analysis_limit`` rows per index so that closing stays quick.

PostgreSQL keeps its own statistics (autovacuum); nothing is done there.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from app.store.engine import Database

log = logging.getLogger(__name__)

#: Rows read per index by ``PRAGMA optimize`` (SQLite suggests 100–1000).
ANALYSIS_LIMIT = 1000


def analyse(db: Database) -> None:
    """Gather the statistics in full: after a bulk load, when every table has changed."""
    _run(db, "ANALYZE")


def top_up(db: Database) -> None:
    """Re-analyse what has gone stale (cheap, usually nothing): before closing the file."""
    _run(db, f"PRAGMA analysis_limit={ANALYSIS_LIMIT}", "PRAGMA optimize")


def _run(db: Database, *statements: str) -> None:
    if not db.is_sqlite:
        return
    try:
        with db.engine.connect() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
            conn.commit()
    except SQLAlchemyError as error:  # only speed is at stake: never fail the user's action
        log.warning("could not refresh the query statistics: %s", type(error).__name__)
