"""Search-as-you-type through an index that seeks (schema 0018): the same citizens as the full scan
of ``LIKE '%term%'`` found before, on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm GIN), kept in
step with every insert, change and delete, and the migration up and down."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import delete, select, text, update

from app.casework.citizens.citizen_list import find_citizen_ids
from app.casework.citizens.citizens import create_citizen
from app.domain.search import citizen_search_text, exact_identifier, search_terms
from app.store.engine import Database, transaction
from app.store.models import Citizen
from app.store.ordering import byte_order

TODAY = date(2026, 11, 23)
FIRST = ["Anna", "Bo", "Åse", "Søren", "Mette", "Li", "Hans-Peter", "Zoë", "O'Neil", "Ib"]
LAST = ["Hansen", "Ærø-Hansen", "Østergård", "Li", "Nielsen", "Jensen", "Al-Amin", "Ørsted"]


def _citizens(db: Database, actor, count: int = 60) -> list[int]:
    rng = random.Random(19)
    ids = []
    for n in range(count):
        born = date(1950 + rng.randrange(60), rng.randrange(1, 13), rng.randrange(1, 29))
        cpr = f"{born:%d%m%y}-{1000 + n:04d}"
        person = {"cpr": cpr, "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST)}
        ids.append(
            create_citizen(db, actor, {**person, "digital_post_exempt": True}, today=TODAY).id
        )
    return ids


def _scan(db: Database, typed: str) -> list[int]:
    """What the search found before schema 0018: every term as ``LIKE '%term%'``, by name."""
    query = select(Citizen.id).where(Citizen.deleted_at.is_(None))
    for term in search_terms(typed):
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Citizen.search_text.like(f"%{escaped}%", escape="\\"))
    with db.engine.connect() as conn:
        return list(conn.execute(query.order_by(byte_order(Citizen.sort_key))).scalars())


def _typed(db: Database) -> list[str]:
    """Every prefix of names, CPR numbers (with and without dash) and birth dates (three forms),
    as a caseworker types them, and a few odd inputs."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(Citizen.first_name, Citizen.last_name, Citizen.cpr, Citizen.birth_date).limit(8)
        ).all()
    texts = [
        "nobody",
        "%",
        "_a_",
        '"ha',
        "hansen ør",
        "bo ha",
        "ærø-",
        "0101",
        "1990-0",
        "31.02.1990",
    ]
    for first, last, cpr, born in rows:
        texts += [f"{first} {last}", f"{cpr[:6]}-{cpr[6:]}", cpr, f"{born:%d.%m.%Y}"]
        texts += [born.isoformat(), f"{born:%d-%m-%Y}", f"{born.day}.{born.month}.{born.year}"]
    return sorted({t[:n] for t in texts for n in range(1, len(t) + 1)})


def test_the_index_finds_the_same_citizens_as_the_scan(any_db: Database, actor) -> None:
    _citizens(any_db, actor)
    typed = _typed(any_db)
    assert len(typed) > 150
    for text_ in typed:
        found = find_citizen_ids(any_db, text_, today=TODAY)
        expected = _scan(any_db, text_)
        assert sorted(found) == sorted(expected), text_
        assert len(found) == len(set(found))

    # in the list's order (citizens of the same name may come in either order)
    def names(ids: list[int]) -> list[str]:
        with any_db.engine.connect() as conn:
            keys = dict(conn.execute(select(Citizen.id, Citizen.sort_key)).all())
        return [keys[i] for i in ids]

    for text_ in ("hansen", "010", "søren"):
        assert names(find_citizen_ids(any_db, text_, today=TODAY)) == names(_scan(any_db, text_))


def test_the_index_follows_every_insert_change_and_delete(any_db: Database, actor) -> None:
    ids = _citizens(any_db, actor, 10)
    with transaction(any_db) as session:
        session.execute(
            update(Citizen)
            .where(Citizen.id == ids[0])
            .values(
                first_name="Quentin",
                last_name="Xylofon",
                cpr="0101011234",
                birth_date=date(2001, 1, 1),
                search_text=citizen_search_text(
                    "Quentin", "Xylofon", "0101011234", date(2001, 1, 1)
                ),
            )
        )
        session.execute(delete(Citizen).where(Citizen.id == ids[1]))
    assert find_citizen_ids(any_db, "xylofon", today=TODAY) == [ids[0]]
    gone = _scan(any_db, "")
    assert ids[1] not in gone and ids[1] not in find_citizen_ids(any_db, "", today=TODAY)
    for text_ in _typed(any_db):
        assert sorted(find_citizen_ids(any_db, text_, today=TODAY)) == sorted(_scan(any_db, text_))


def test_a_lone_term_needs_three_characters_and_whole_identifiers_use_their_own_index() -> None:
    assert (
        search_terms("bo") == []
        and search_terms("bo ør") == []
        and search_terms("Bo Ørs")
        == [
            "bo",
            "ørs",
        ]
    )
    assert exact_identifier("010190-1234") == ("cpr", "0101901234")
    assert exact_identifier("0101901234") == ("cpr", "0101901234")
    assert exact_identifier("01.02.1990") == ("birth_date", date(1990, 2, 1))
    assert exact_identifier("1990-02-01") == ("birth_date", date(1990, 2, 1))
    assert exact_identifier("31.02.1990") is None and exact_identifier("010190") is None


@pytest.mark.sqlite_only
def test_sqlite_seeks_through_the_trigram_table_and_the_cpr_index(
    sqlite_db: Database, actor
) -> None:
    from app.casework.citizens.citizen_list import _filtered

    _citizens(sqlite_db, actor, 5)

    def plan(typed: str) -> str:
        query = _filtered(select(Citizen.id), typed, None, "sqlite")
        sql = str(query.compile(sqlite_db.engine, compile_kwargs={"literal_binds": True}))
        with sqlite_db.engine.connect() as conn:
            return " | ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))

    assert "citizen_fts VIRTUAL TABLE" in plan("hansen")
    assert "(cpr=?)" in plan("010190-1234") and "citizen_fts" not in plan("010190-1234")
    assert "(birth_date=?)" in plan("01.02.1990")


@pytest.mark.postgres
def test_postgresql_has_the_trigram_index(pg_db: Database) -> None:
    with pg_db.engine.connect() as conn:
        definition = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_citizen_search_trgm'")
        ).scalar_one()
    assert "gin" in definition and "gin_trgm_ops" in definition


def test_the_migration_goes_down_and_up_again(any_db: Database, actor) -> None:
    from alembic import command

    from app.store.migrations import alembic_config, current_revision, upgrade

    ids = _citizens(any_db, actor, 8)
    config = alembic_config()
    with any_db.engine.connect() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0017")
        conn.commit()
    any_db.engine.dispose()
    assert current_revision(any_db) == "0017"
    with any_db.engine.connect() as conn:
        if any_db.is_sqlite:
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            assert not {n for n in names if n.startswith("citizen_fts")}
        else:
            assert (
                conn.execute(
                    text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_citizen_search_trgm'")
                ).first()
                is None
            )
    upgrade(any_db, backup=False)
    assert sorted(find_citizen_ids(any_db, "sen", today=TODAY)) == sorted(_scan(any_db, "sen"))
    assert set(find_citizen_ids(any_db, "", today=TODAY)) == set(ids)
