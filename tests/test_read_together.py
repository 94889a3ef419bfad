"""Reads sent together (one round trip to a team server) give the rows SQLAlchemy gives one by
one: the same values, names and instants in UTC; a failing read fails as SQLAlchemy's do."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from sqlalchemy import bindparam, literal, literal_column, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.reports.plan_document import plan_document
from app.store.engine import Database, transaction
from app.store.models import Caseworker, Citizen
from app.store.read_together import read_together

_CITIZEN = (
    select(
        col(Citizen.id),
        (col(Citizen.first_name) + " " + col(Citizen.last_name)).label("name"),
        col(Citizen.birth_date),
        col(Citizen.created_at),
        col(Caseworker.initials).label("caseworker"),
    )
    .outerjoin(Caseworker, col(Caseworker.id) == col(Citizen.caseworker_id))
    .where(col(Citizen.id) == bindparam("citizen"))
)
_BY_NAME = (
    select(col(Citizen.id), col(Citizen.first_name))
    .where(col(Citizen.first_name).in_([literal("Åse"), literal("Bo")]))
    .order_by(col(Citizen.id))
    .limit(5)
)
_NOBODY = select(col(Citizen.id)).where(col(Citizen.id) == bindparam("citizen"))


def _citizens(db: Database, actor: Actor) -> list[int]:
    made = [
        create_citizen(
            db,
            actor,
            {
                "cpr": cpr,
                "first_name": name,
                "last_name": "Ørsted (syntetisk)",
                "birth_date": date(1990, 3, day),
            },
        )  # fmt: skip
        for cpr, name, day in (("1503901234", "Åse", 15), ("1603902345", "Bo", 16))
    ]
    return [c.id for c in made]


def test_reads_together_give_the_rows_sqlalchemy_gives(any_db: Database, actor: Actor) -> None:
    first, second = _citizens(any_db, actor)
    reads = [
        (_CITIZEN, {"citizen": first}),
        (_BY_NAME, {}),
        (_NOBODY, {"citizen": -1}),
        (_CITIZEN, {"citizen": second}),
    ]
    with transaction(any_db) as session:
        connection = session.connection()
        together = read_together(connection, reads)
        one_by_one = [connection.execute(statement, params).all() for statement, params in reads]
    assert [[tuple(row) for row in rows] for rows in together] == [
        [tuple(row) for row in rows] for rows in one_by_one
    ]
    assert together[2] == []
    assert [row.first_name for row in together[1]] == ["Åse", "Bo"]
    assert together[0][0].name == "Åse Ørsted (syntetisk)"
    assert together[0][0].created_at.tzinfo == UTC  # as SQLAlchemy gives instants
    assert together[3][0]._fields == tuple(one_by_one[3][0]._fields)


def test_a_failing_read_fails_as_sqlalchemys_and_leaves_nothing_behind(
    any_db: Database, actor: Actor
) -> None:
    first, _second = _citizens(any_db, actor)
    broken = select(literal_column("no_such_column")).where(col(Citizen.id) == bindparam("citizen"))
    with pytest.raises(DBAPIError), transaction(any_db) as session:
        read_together(
            session.connection(), [(_CITIZEN, {"citizen": first}), (broken, {"citizen": 1})]
        )
    assert any_db.engine.pool.checkedout() == 0
    assert plan_document(any_db, first).name == "Åse Ørsted (syntetisk)"  # the connection works


@pytest.mark.postgres
def test_a_list_expanded_when_it_runs_is_refused_on_a_server(pg_db: Database) -> None:
    expanding = select(col(Citizen.id)).where(col(Citizen.first_name).in_(["Åse", "Bo"]))
    with pytest.raises(ValueError, match="fixed parameters"), transaction(pg_db) as session:
        read_together(session.connection(), [(expanding, {})])
