"""The bulk insert of the import and the kept requirements (the driver's ``executemany``, values
typed a column at a time) stores rows exactly as SQLAlchemy's ``insert`` does: dates, booleans,
defaults, on both backends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from app.domain.dates import utc_now
from app.domain.search import citizen_search_text, citizen_sort_key
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
