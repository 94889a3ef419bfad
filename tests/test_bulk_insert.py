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


def test_recurring_days_times_and_flags_are_stored_as_sqlalchemy_stores_each(
    any_db: Database,
) -> None:
    """Many rows of a chunk share their days, booked times and flags (each distinct value is
    processed once); every row is still stored as SQLAlchemy's ``insert`` stores it, missing
    values stay missing."""
    from datetime import UTC, datetime

    from app.domain.dates import LOCAL_ZONE

    citizens, table = metadata.tables["citizen"], metadata.tables["conversation"]
    days = [date(2026, 11, 2), None, date(2026, 11, 2), date(2025, 1, 31)]
    # the same instant in two zones twice; a time with microseconds
    times = [datetime(2026, 11, 2, 9, 30, tzinfo=UTC), None,
             datetime(2026, 11, 2, 10, 30, tzinfo=LOCAL_ZONE),
             datetime(2026, 11, 3, 14, 0, 0, 500, tzinfo=UTC)]  # fmt: skip
    columns = "scheduled_at, held_on, status, with_a_kasse, note"
    stored = []
    for write in (lambda conn, rows: conn.execute(insert(table), rows), bulk_insert_into(table)):
        with transaction(any_db) as session:
            conn = session.connection()
            conn.exec_driver_sql("DELETE FROM conversation")
            citizen_id = (
                conn.exec_driver_sql("SELECT id FROM citizen").scalar()
                or conn.execute(
                    insert(citizens).returning(citizens.c.id), [_citizen("1503901234")]
                ).scalar_one()
            )
            rows = [
                {
                    "citizen_id": citizen_id,
                    "kind": "jobsamtale",
                    "scheduled_at": times[n % 4],
                    "held_on": days[(n + 1) % 4],
                    "status": "held" if n % 3 else "planned",
                    "channel": "in_person",
                    "held_by": "jobcenter",
                    "with_a_kasse": n % 2 == 0,
                    "caseworker_id": None,
                    "note": f"Samtale {n}",
                }
                for n in range(40)
            ]
            write(conn, rows)
        with any_db.engine.connect() as conn:
            stored.append(
                [
                    tuple(r)
                    for r in conn.exec_driver_sql(f"SELECT {columns} FROM conversation ORDER BY id")
                ]
            )
    by_sqlalchemy, by_bulk = stored
    assert by_bulk == by_sqlalchemy
    assert len({row[0] for row in by_bulk}) == 3 and by_bulk[1][0] is None


def bulk_insert_into(table):  # noqa: ANN001, ANN201
    return lambda conn, rows: bulk_insert(conn, table, rows)


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
