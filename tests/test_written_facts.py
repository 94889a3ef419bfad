"""The deadline facts an import takes from the rows it writes (``WrittenFacts``) are the facts
``load_facts`` reads back for those citizens, and an import keeps the same requirements as a
refresh that reads every citizen's facts from the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select

from app.casework.bundle.importer import import_bundle
from app.casework.core.actor import Actor
from app.casework.deadlines import deadline_store
from app.casework.deadlines.deadline_facts import WrittenFacts, load_facts
from app.domain.codes import VOCABULARIES
from app.domain.dates import utc_now
from app.store import bulk
from app.store.engine import Database, transaction
from app.store.models import Citizen, KeptPeriod, StoredRequirement, metadata, table_of

SAMPLE = Path(__file__).resolve().parent.parent / "app" / "resources" / "sample-bundle"
TODAY = date(2026, 11, 23)

_days = st.dates(date(2015, 1, 1), date(2030, 12, 31))
_maybe_day = st.none() | _days
_flag = st.booleans()


def _code(vocabulary: str) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(VOCABULARIES[vocabulary]))


_SPELL = st.fixed_dictionaries(
    {
        "target_group": _code("target_group"),
        "start_date": _days,
        "end_date": _maybe_day,
        "visited_to_jobcenter": _flag,
        "early_followup_requested_on": _maybe_day,
        "agreed_contact_days": st.none() | st.integers(1, 400),
        "exempt_75": _flag,
        "first_request_on": _maybe_day,
        "absence_start_on": _maybe_day,
        "sick_category": st.none() | st.sampled_from(["1", "2", "3", "13f"]),
        "new_dagpengeperiode_on": _maybe_day,
        "ledighed_hours": st.none()
        | st.floats(-0.0, 10_000.0, allow_nan=False, allow_infinity=False),
        "ledighed_on": _maybe_day,
        "part_time_insured": _flag,
        "offer_exempt_from": _maybe_day,
        "offer_exempt_to": _maybe_day,
        "work_duty": _flag,
    }
)
_CONVERSATION = st.fixed_dictionaries(
    {
        "kind": _code("conversation_kind"),
        "held_on": _maybe_day,
        "status": _code("conversation_status"),
        "channel": _code("channel"),
        "held_by": _code("held_by"),
        "with_a_kasse": _flag,
    }
)
_OFFER = st.fixed_dictionaries(
    {
        "kind": _code("offer_kind"),
        "offered_on": _maybe_day,
        "start_date": _maybe_day,
        "planned_end": _maybe_day,
        "status": _code("offer_status"),
    }
)
_CITIZEN = st.tuples(
    st.lists(_SPELL, max_size=3), st.lists(_CONVERSATION, max_size=6), st.lists(_OFFER, max_size=3)
)


def _insert(conn: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows inserted the way the import's writer inserts them."""
    columns = metadata.tables[table]
    if "version" in columns.c:
        now = utc_now()
        for row in rows:
            row.update(version=1, created_at=now, updated_at=now)
    bulk.insert_rows(conn, columns, rows)


def _new_citizen(conn: Connection, n: int, born: date) -> int:
    cpr = f"{born:%d%m%y}{n:04d}"
    _insert(
        conn,
        "citizen",
        [{"cpr": cpr, "birth_date": born, "first_name": "A", "last_name": f"B{n}"}],
    )
    return conn.execute(select(Citizen.id).where(Citizen.cpr == cpr)).scalar_one()


class _RolledBack(Exception):
    pass


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(citizens=st.lists(_CITIZEN, min_size=1, max_size=4), born=_days)
def test_the_facts_taken_from_written_rows_are_the_facts_read_back(
    db: Database, citizens: list[tuple[list, list, list]], born: date
) -> None:
    written = WrittenFacts()
    try:
        with transaction(db) as session:
            conn = session.connection()
            ids = []
            for n, (spells, conversations, offers) in enumerate(citizens):
                citizen_id = _new_citizen(conn, n, born)
                written.citizen(citizen_id, born)
                ids.append(citizen_id)
                for table, rows, note in (
                    ("benefit_spell", spells, written.spells),
                    ("conversation", conversations, written.conversations),
                    ("offer", offers, written.offers),
                ):
                    rows = [{"citizen_id": citizen_id, **row} for row in rows]
                    note(rows)
                    if rows:
                        _insert(conn, table, rows)
            read = load_facts(conn, ids)
            taken = written.take(ids)
            assert taken == read
            assert list(taken) == list(read)  # the same citizens, in the same order
            assert written.take(ids) == {}  # what is taken is let go
            raise _RolledBack
    except _RolledBack:
        pass


def test_citizens_already_in_the_database_are_not_covered() -> None:
    written = WrittenFacts()
    written.citizen(1, date(1990, 1, 1))
    written.spells([{"citizen_id": 2, "target_group": "dagpenge"}])  # ignored: not a new citizen
    assert written.covers(1)
    assert not written.covers(2)
    assert written.take([1, 2]) == {}  # no spell, no facts (as ``load_facts``)


def _kept(conn: Connection) -> list[tuple[Any, ...]]:
    """Every kept requirement and period, without its id."""
    rows = []
    for model in (StoredRequirement, KeptPeriod):
        table = table_of(model)
        columns = [c for c in table.c if c.key != "id"]
        rows += [
            tuple(r)
            for r in conn.execute(select(*columns).order_by(table.c.citizen_id, table.c.id))
        ]
    return rows


def _kept_and_read_again(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The kept rows, and the same citizens' rows refreshed from their facts in the database."""
    with db.engine.connect() as conn:
        kept = _kept(conn)
        everybody = conn.execute(select(Citizen.id)).scalars().all()
        deadline_store.refresh(conn, everybody)
        again = _kept(conn)
        conn.rollback()
    return kept, again


def test_an_import_keeps_the_requirements_a_refresh_from_the_database_gives(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    assert import_bundle(db, actor, SAMPLE, today=TODAY).ok
    kept, again = _kept_and_read_again(db)
    assert kept and kept == again

    # a second bundle: a new citizen, and more facts of a citizen already in the database
    more = tmp_path / "more"
    more.mkdir()
    (more / "citizens.csv").write_text(
        "cpr,first_name,last_name\n0303801234,Ny,Borger\n", encoding="utf-8"
    )
    (more / "spells.csv").write_text(
        "cpr,target_group,start,end\n"
        "0707854321,dagpenge,2026-01-01,2026-08-16\n"
        "0303801234,kontanthjaelp_jobparat,2026-02-01,\n",
        encoding="utf-8",
    )
    (more / "conversations.csv").write_text(
        "cpr,held_on,status\n0707854321,2026-02-10,held\n0303801234,2026-02-20,held\n",
        encoding="utf-8",
    )
    report = import_bundle(db, actor, more, today=TODAY)
    assert report.ok, report.error_lines()
    kept_after, again_after = _kept_and_read_again(db)
    assert len(kept_after) > len(kept)
    assert kept_after == again_after
