"""The search log's entry waits for the list's paint, and SQLite hands out the connection used last.

Both keep a keystroke short at 300 000 citizens (issue #19): an entry written beside the paint
made it wait for Python's interpreter lock, and a commit on another connection empties the page
cache the next search reads with.
"""

from __future__ import annotations

import json

from sqlmodel import select

from app.casework.core.actor import Actor
from app.store.engine import Database, transaction
from app.store.models import AuditEvent
from app.ui.citizens.search_log import HAND_OVER_DELAY_MS, SearchLog


def _searches(db: Database) -> list[tuple[str, int]]:
    with transaction(db) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "search")).all()
        return [(e.criterion, json.loads(e.details)["hits"]) for e in events]


def test_an_entry_is_handed_over_after_the_paint_and_written_in_order(
    qtbot, sqlite_db: Database, actor: Actor
) -> None:
    search_log = SearchLog()
    search_log.record(sqlite_db, actor, "Hansen", hits=3, shown=[1, 2, 3])
    search_log.record(sqlite_db, actor, "Hansen Bo", hits=1, shown=[1])
    assert _searches(sqlite_db) == [], "not handed over before the list has painted"
    qtbot.wait(HAND_OVER_DELAY_MS // 2)
    assert _searches(sqlite_db) == []
    qtbot.waitUntil(lambda: len(_searches(sqlite_db)) == 2, timeout=5_000)
    assert _searches(sqlite_db) == [("Hansen", 3), ("Hansen Bo", 1)]


def test_flush_writes_what_waits_at_once(sqlite_db: Database, actor: Actor) -> None:
    """Before a citizen is opened or the database closes, nothing may still wait (no event loop
    turns here: the timer never fires)."""
    search_log = SearchLog()
    search_log.record(sqlite_db, actor, "Ørsted", hits=1, shown=[7])
    search_log.flush()
    assert _searches(sqlite_db) == [("Ørsted", 1)]


def test_sqlite_hands_out_the_connection_used_last(sqlite_db: Database) -> None:
    """The search log writes on the connection the search read with, and the next search reads
    with it again: its page cache stays warm (in turn, a commit on the other emptied it)."""
    first = sqlite_db.engine.connect()
    second = sqlite_db.engine.connect()
    used_last = second.connection.dbapi_connection
    first.close()
    second.close()
    with sqlite_db.engine.connect() as again:
        assert again.connection.dbapi_connection is used_last
