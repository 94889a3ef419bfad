"""A broad search reads its count and first screen only (``search_citizens``), the rest as the
list scrolls (``more_citizen_ids``): together exactly the citizens of the plain ``LIKE`` scan, in
the list's order, on every path and both backends; the list model and the search's access-log
entry the same as when every match was read at once."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qt_reads import wait_idle
from sqlalchemy import select

from app.casework.citizens import citizen_list, citizen_search
from app.casework.citizens.citizen_list import find_citizen_ids
from app.casework.citizens.citizen_search import more_citizen_ids, search_citizens
from app.casework.citizens.citizens import delete_citizen
from app.casework.core.actor import Actor
from app.domain.search import search_terms
from app.store.engine import Database
from app.store.models import AuditEvent, Citizen
from app.store.ordering import byte_order
from tests.test_search_index import TODAY, _citizens, _typed


@pytest.fixture
def people(any_db: Database, actor: Actor) -> list[int]:
    """80 citizens with many shared names (ties in the name order), three of them deleted."""
    ids = _citizens(any_db, actor, 80)
    for gone in ids[5:8]:
        delete_citizen(any_db, actor, gone, reason="test")
    return ids


@pytest.fixture(params=["walk", "look up"])
def broad_from_few(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A search reads three rows first (on SQLite), by walking the list index whenever it may
    (the window, then the trigram index when the window holds too few) or never."""
    monkeypatch.setattr(citizen_search, "FIRST_ROWS", 3)
    monkeypatch.setattr(citizen_search, "WALK_US", 0.0 if request.param == "walk" else 1e9)


def _scan(db: Database, typed: str, descending: bool = False) -> list[int]:
    """Every term as ``LIKE '%term%'`` over every citizen, in the list's name order (the sort
    key, ties by the search text, which holds the CPR number)."""
    query = select(Citizen.id).where(Citizen.deleted_at.is_(None))
    for term in search_terms(typed):
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Citizen.search_text.like(f"%{escaped}%", escape="\\"))
    keys = [byte_order(Citizen.sort_key), Citizen.search_text]
    with db.engine.connect() as conn:
        ids = list(conn.execute(query.order_by(*keys)).scalars())
    return ids[::-1] if descending else ids


def _read_in_steps(db: Database, typed: str, descending: bool = False) -> tuple[int, list[int]]:
    """What the list reads: the count and first rows, then the rest in growing steps."""
    found = search_citizens(db, typed, descending=descending, today=TODAY)
    assert len(found.ids) >= min(3, found.total)
    ids = list(found.ids)
    while len(ids) < found.total:
        more = more_citizen_ids(
            db, typed, descending=descending, today=TODAY, offset=len(ids), limit=len(ids)
        )
        assert more, typed
        ids += more
    return found.total, ids


@pytest.mark.usefixtures("broad_from_few")
def test_the_first_rows_and_the_rest_are_the_scan_in_the_lists_order(
    any_db: Database, people: list[int]
) -> None:
    typed = _typed(any_db) + ["", "sen", "an", "en sen", "hansen 19", "ørsted"]
    broad = 0
    for text in typed:
        expected = _scan(any_db, text)
        assert find_citizen_ids(any_db, text, today=TODAY) == expected, text
        total, ids = _read_in_steps(any_db, text)
        assert (total, ids) == (len(expected), expected), text
        broad += not search_citizens(any_db, text, today=TODAY).complete
    assert broad > 20
    for text in ("sen", "han", "19", ""):
        assert _read_in_steps(any_db, text, descending=True)[1] == _scan(any_db, text, True)


@pytest.mark.usefixtures("broad_from_few")
def test_any_typed_text_finds_the_same_citizens_in_the_same_order(
    any_db: Database, actor: Actor
) -> None:
    _citizens(any_db, actor, 60)
    delete_citizen(any_db, actor, 1, reason="test")
    letters = st.sampled_from("anse hølr-.019 æåip")

    @settings(max_examples=150, deadline=None)
    @given(st.text(letters, min_size=1, max_size=9), st.booleans())
    def same(text: str, descending: bool) -> None:
        expected = _scan(any_db, text, descending)
        assert find_citizen_ids(any_db, text, descending=descending, today=TODAY) == expected
        assert _read_in_steps(any_db, text, descending) == (len(expected), expected)

    same()


@pytest.mark.sqlite_only
def test_a_search_reads_whole_only_when_it_must(sqlite_db: Database, people: list[int]) -> None:
    """A search whose matches fit in the first rows, or with a short term, a whole CPR number, a
    caseload or another sort column is read whole; a broader one only its first rows, and the
    count is right either way."""
    hits = len(_scan(sqlite_db, "sen"))
    assert search_citizens(sqlite_db, "sen", today=TODAY, first=hits).complete
    broad = search_citizens(sqlite_db, "sen", today=TODAY, first=2)
    assert (broad.total, len(broad.ids)) == (hits, 2)
    with sqlite_db.engine.connect() as conn:
        cpr = conn.execute(select(Citizen.cpr).where(Citizen.id == people[0])).scalar_one()
    for whole in (f"{cpr} sen", "sen ha", "sen 19"):
        assert search_citizens(sqlite_db, whole, first=2).complete
    assert search_citizens(sqlite_db, "sen", caseworker_id=1, first=2).complete
    assert search_citizens(sqlite_db, "sen", sort="cpr", first=2).complete
    # all citizens (nothing typed that searches): their count and a walk of the list index
    everybody = _scan(sqlite_db, "")
    for typed in ("", "  ", "a"):
        shown = search_citizens(sqlite_db, typed, today=TODAY, first=2)
        assert (shown.total, shown.ids) == (len(people) - 3, everybody[:2])
    assert more_citizen_ids(sqlite_db, "", offset=2, limit=500) == everybody[2:]
    last_first = search_citizens(sqlite_db, "", descending=True, first=3).ids
    assert last_first == everybody[::-1][:3]
    assert search_citizens(sqlite_db, "", caseworker_id=1, first=2).complete


@pytest.mark.postgres
def test_postgresql_reads_a_search_whole_only_when_it_must(
    pg_db: Database, people: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any search in the name order of all citizens, and all citizens, is read a part at a time,
    counted by the server; a whole CPR number or birth date, ten digits (which a team server
    looks up itself), a caseload or another sort column is read whole."""
    hits = len(_scan(pg_db, "sen"))
    broad = search_citizens(pg_db, "sen", today=TODAY, first=2)
    assert (broad.total, len(broad.ids)) == (hits, 2)
    everybody = search_citizens(pg_db, "", today=TODAY, first=2)
    assert (everybody.total, everybody.ids) == (len(people) - 3, _scan(pg_db, "")[:2])
    assert search_citizens(pg_db, "sen", today=TODAY, first=hits).complete
    assert not search_citizens(pg_db, "en sen", today=TODAY, first=2).complete  # short beside
    with pg_db.engine.connect() as conn:
        cpr, born = conn.execute(
            select(Citizen.cpr, Citizen.birth_date).where(Citizen.id == people[0])
        ).one()
    for whole in (f"{cpr[:6]}-{cpr[6:]}", f"{cpr[:6]} {cpr[6:]}", f"{born:%d.%m.%Y}"):
        assert search_citizens(pg_db, whole, first=0).ids, whole  # read whole, found
    assert search_citizens(pg_db, "sen", caseworker_id=1, first=2).complete
    assert search_citizens(pg_db, "sen", sort="cpr", first=2).complete
    # a whole CPR number the query found is not looked up again (a scan of every citizen)
    asked: list[str] = []
    monkeypatch.setattr(
        citizen_list, "_found_by_cpr", lambda _db, _conn, text: asked.append(text) or []
    )
    assert find_citizen_ids(pg_db, cpr) == [people[0]] and asked == []
    assert people[0] in find_citizen_ids(pg_db, f"{cpr[:6]} {cpr[6:]}")
    assert asked == [f"{cpr[:6]} {cpr[6:]}"]  # ten digits in two terms: asked, as before


@pytest.mark.sqlite_only
@pytest.mark.usefixtures("broad_from_few")
def test_the_list_reads_a_broad_search_as_it_is_shown(
    qtbot, sqlite_db: Database, people: list[int]
) -> None:
    from pytestqt.modeltest import ModelTester

    from app.ui.citizens.table_model import CitizenTableModel

    model = CitizenTableModel(sqlite_db, today=TODAY)
    model.set_filter("sen", None)
    expected = _scan(sqlite_db, "sen")
    assert model.rowCount() == len(expected) > 10
    assert len(model._ids) == 3  # the count and the first rows only
    outside = next(i for i in people[8:] if i not in expected)
    assert model.row_of(outside) == -1 and len(model._ids) == 3  # one row looked up
    assert model.row_of(expected[9]) == 9
    last = model.index(len(expected) - 1, 0)
    with sqlite_db.engine.connect() as conn:
        first, name = conn.execute(
            select(Citizen.first_name, Citizen.last_name).where(Citizen.id == expected[-1])
        ).one()
    assert last.data() == f"{first} {name}" and model.citizen_id(last.row()) == expected[-1]
    assert model.ids == expected and model.first_ids(5) == expected[:5]
    ModelTester(qtbot._request.config).check(model)  # Qt's own consistency checks
    model.sort(1)  # by CPR number: the whole result, in the new order
    assert sorted(model.ids) == sorted(expected) and model.rowCount() == len(expected)


@pytest.mark.sqlite_only
@pytest.mark.usefixtures("broad_from_few")
def test_a_jump_far_down_a_broad_search_reads_the_rest_in_the_background(
    qtbot, sqlite_db: Database, people: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+End (or the scroll bar dragged down) in a broad search: the window does not wait for
    the ids between; the rows far down are blank until they are read, then painted."""
    from app.ui.citizens import table_model
    from app.ui.citizens.table_model import CitizenTableModel
    from app.ui.operations import Operations

    monkeypatch.setattr(table_model, "JUMP_ROWS", 5)
    ops = Operations()
    model = CitizenTableModel(sqlite_db, today=TODAY, ops=ops)
    model.set_filter("sen", None)
    wait_idle(qtbot, ops)
    expected = _scan(sqlite_db, "sen")
    assert model.rowCount() == len(expected) > 10 and len(model._ids) == 3
    model._read_to(5, wait=False)  # a few rows past: read at once, as before
    assert model._ids == expected[:6]  # (at least as many again as were read)
    last = model.index(len(expected) - 1, 0)
    with qtbot.waitSignal(model.dataChanged) as painted_again:
        assert last.data() is None  # far past: on its way, blank meanwhile
        assert len(model._ids) == 6
    assert painted_again.args[0].row() == 6
    assert model._ids == expected and last.data() is not None
    model.set_filter("ann", None)  # another result meanwhile: a late rest is not applied
    wait_idle(qtbot, ops)
    assert model.ids == _scan(sqlite_db, "ann")


@pytest.mark.sqlite_only
@pytest.mark.usefixtures("broad_from_few")
def test_a_broad_search_is_logged_with_its_count_and_first_citizens(
    qtbot, sqlite_db: Database, people: list[int]
) -> None:
    """The entry names the same citizens as when the list read every match: all the hits
    counted, and the first ``SEARCH_HITS_KEPT`` shown (here all of them)."""
    from app.ui.casework.context import UiContext
    from app.ui.citizens.page import CitizensPage

    lead = Actor(None, "TL", "Team Leder", "teamlead", "tl")
    page = CitizensPage(UiContext(sqlite_db, lead, lambda: TODAY))
    qtbot.addWidget(page)
    page.search.setText("sen")
    page.apply_filter()
    wait_idle(qtbot, page.ctx.ops)
    page.search_log.flush()
    expected = _scan(sqlite_db, "sen")
    assert page.count.text().startswith(str(len(expected)))
    with sqlite_db.engine.connect() as conn:
        details = conn.execute(
            select(AuditEvent.details).where(AuditEvent.action == "search")
        ).scalar_one()
    logged = json.loads(details)
    assert logged["hits"] == len(expected) and logged["subjects"] == sorted(expected)
