"""The bulk insert of the import and the kept requirements (the driver's ``executemany``, values
typed a column at a time) stores rows exactly as SQLAlchemy's ``insert`` does: dates, booleans,
defaults, on both backends."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.domain.dates import utc_now
from app.domain.search import citizen_search_text, citizen_sort_key
from app.store import bulk
from app.store.bulk import insert_rows as bulk_insert
from app.store.engine import Database, transaction
from app.store.models import metadata


def _citizen(cpr: str) -> dict:
    born = date(1990, 3, 15)
    return {
        "cpr": cpr,
        "first_name": "Åse",
        "last_name": "Ørsted",
        "birth_date": born,
        "search_text": citizen_search_text("Åse", "Ørsted", cpr, born),
        "sort_key": citizen_sort_key("Åse", "Ørsted"),
        "disability": True,
        "version": 1,
        "created_at": utc_now().replace(microsecond=0),
        "updated_at": utc_now(),
    }


def test_bulk_insert_stores_what_sqlalchemy_stores(any_db: Database) -> None:
    table = metadata.tables["citizen"]
    with transaction(any_db) as session:
        conn = session.connection()
        conn.execute(insert(table), [_citizen("1503901234")])
        bulk_insert(conn, table, [_citizen("1503904321")])
    with any_db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT * FROM citizen ORDER BY cpr"
        ).all()  # raw stored values, as the driver returns them
    columns = list(table.c.keys())
    first, second = (dict(zip(columns, row, strict=False)) for row in rows)
    differ = {k for k in columns if first[k] != second[k] and k not in ("id", "cpr", "search_text")}
    assert differ <= {"created_at", "updated_at"}
    assert type(first["birth_date"]) is type(second["birth_date"])
    assert type(first["created_at"]) is type(second["created_at"])
    if any_db.is_sqlite:  # stored text keeps SQLAlchemy's form, microseconds and all
        assert len(first["created_at"]) == len(second["created_at"])
    assert second["language"] == first["language"] and second["disability"] == first["disability"]


def test_on_a_server_the_owner_copies_and_every_character_arrives(
    pg_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner's bulk insert is a ``COPY`` (row-level security does not apply to the owner);
    text with tabs, line breaks, backslashes, quotes and Danish letters, and missing values,
    arrive as written."""
    asked: list[tuple[str, bool]] = []
    may_copy = bulk._may_copy_into
    monkeypatch.setattr(
        bulk,
        "_may_copy_into",
        lambda conn, name: asked.append((name, may_copy(conn, name))) or asked[-1][1],
    )
    table = metadata.tables["citizen"]
    hard = dict(
        _citizen("1503901234"),
        first_name="Tab\there",
        last_name='Ørsted \\N "Å" \\\\ slut',
        address="Linje 1\nLinje 2\r\n",
        city=None,
    )
    with transaction(pg_db) as session:
        plain = dict(_citizen("1503904321"), address=None, city="Ærø")
        bulk_insert(session.connection(), table, [hard, plain])
    assert asked == [("citizen", True)]
    with pg_db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT first_name, last_name, address, city FROM citizen WHERE cpr = '1503901234'"
        ).one()
    assert tuple(row) == (hard["first_name"], hard["last_name"], hard["address"], None)


def test_a_copy_that_breaks_a_rule_raises_as_an_insert_would(pg_db: Database) -> None:
    """A duplicate key in a ``COPY`` is SQLAlchemy's ``IntegrityError``, as from an insert (the
    import turns it into a conflict), and nothing of it is written."""
    table = metadata.tables["citizen"]
    with pytest.raises(IntegrityError), transaction(pg_db) as session:
        bulk_insert(session.connection(), table, [_citizen("1503901234"), _citizen("1503901234")])
    with pg_db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM citizen").scalar() == 0
