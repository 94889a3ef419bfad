"""A team server's pooled connection is pinged only after lying idle, and replaced when dead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from app.store.database import Database
from app.store.idle_ping import ping_when_idle
from tests.conftest import PgServer

pytestmark = pytest.mark.postgres


@pytest.fixture
def pings(pg_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """The pings the engine's dialect sends: True for an answer, False for a dead connection."""
    dialect = pg_db.engine.dialect
    real = dialect.do_ping
    sent: list[bool] = []

    def counted(connection: object) -> bool:
        try:
            answer = real(connection)
        except Exception:
            sent.append(False)
            raise
        sent.append(answer)
        return answer

    monkeypatch.setattr(dialect, "do_ping", counted)
    yield sent


def _backend_pid(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_used_a_moment_ago_is_not_pinged(pg_db: Database, pings: list[bool]) -> None:
    first = _backend_pid(pg_db)
    for _ in range(5):
        assert _backend_pid(pg_db) == first  # the same pooled connection, taken again
    assert pings == []


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(
    pg_db: Database, pg_server: PgServer, pings: list[bool]
) -> None:
    ping_when_idle(pg_db.engine, idle_s=0.0)  # every connection back in the pool counts as idle
    first = _backend_pid(pg_db)
    assert _backend_pid(pg_db) == first
    assert pings == [True]  # alive: pinged once, kept

    pg_server._execute(f"SELECT pg_terminate_backend({first})")  # as a server restart would
    replaced = _backend_pid(pg_db)  # no error: the dead connection is found and replaced
    assert replaced != first
    assert pings[:2] == [True, False]
