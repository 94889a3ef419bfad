"""The operations runner: background reads reach the GUI thread (the newest only), expected errors
go to one place, a change is broadcast typed, and a misspelt area fails where it is written."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest

from app import i18n
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.casework.core.result import Area, Saved
from app.domain.errors import ValidationError
from app.store.engine import Database, transaction
from app.store.models import Caseworker
from app.ui.casework.context import UiContext
from app.ui.operations import Change, Operations

TODAY = date(2026, 11, 23)


def test_a_misspelt_area_fails_where_it_is_written() -> None:
    with pytest.raises(ValueError):
        Saved(1, 1, 1, frozenset({"conversation"}))  # the area is "conversations"
    saved = Saved(1, 1, 1, frozenset({"offers", Area.HISTORY}))
    assert saved.areas == {Area.OFFERS, Area.HISTORY}
    assert all(isinstance(area, Area) for area in saved.areas)


@pytest.mark.gui
def test_a_background_read_reaches_the_gui_thread_and_the_newest_wins(qtbot) -> None:
    ops = Operations()
    gui = threading.get_ident()
    seen: list[tuple[str, int]] = []

    def slow() -> str:
        time.sleep(0.2)
        return "old"

    ops.read("list", slow, lambda r: seen.append((r, threading.get_ident())))
    assert ops.busy("list") and seen == []  # the caller goes on at once
    ops.read("list", lambda: (threading.get_ident(), "new")[1], lambda r: seen.append((r, gui)))
    qtbot.waitUntil(lambda: not ops.busy("list"), timeout=3000)
    qtbot.wait(300)  # the overtaken read finishes too, and must not be delivered
    assert seen == [("new", gui)]


@pytest.mark.gui
def test_expected_errors_go_to_one_place_and_a_write_broadcasts_its_change(qtbot) -> None:
    ops = Operations()
    problems: list[Exception] = []
    changes: list[Change] = []
    ops.problem.connect(problems.append)
    ops.changed.connect(changes.append)

    def refused() -> str:
        raise ValidationError("End before start")

    ops.read("x", refused, lambda r: pytest.fail("no result for a refused read"))
    qtbot.waitUntil(lambda: bool(problems), timeout=3000)
    assert ops.write(refused) is None  # type: ignore[arg-type]
    assert len(problems) == 2 and changes == []
    saved = ops.write(lambda: Saved(7, 2, 3, frozenset({Area.OFFERS, Area.HISTORY})))
    assert saved is not None
    assert changes == [Change(frozenset({Area.OFFERS, Area.HISTORY}), 3)]
    assert changes[0].touches(Area.OFFERS) and not changes[0].touches(Area.USERS)


@pytest.mark.gui
def test_a_quick_read_hands_back_its_result_and_a_refusal_goes_to_the_one_place(qtbot) -> None:
    ops = Operations()
    problems: list[Exception] = []
    changes: list[Change] = []
    ops.problem.connect(problems.append)
    ops.changed.connect(changes.append)

    def refused() -> list[int]:
        raise ValidationError("End before start")

    assert ops.now(lambda: [1, 2]) == [1, 2] and ops.now(list) == []  # an empty result is one
    assert ops.now(refused) is None and len(problems) == 1
    assert ops.write(lambda: ["receipt"]) == ["receipt"]  # not a Saved: nothing to broadcast
    assert changes == [] and len(problems) == 1


@pytest.mark.gui
def test_everybodys_deadlines_are_read_without_holding_the_window(qtbot, db: Database) -> None:
    """A team lead's "Everybody" list is read in the background: the page says it is reading,
    then shows the items (synthetic citizens)."""
    from app.ui.worklist.page import WorklistPage

    with transaction(db) as s:
        lead = Caseworker(initials="TL", name="Tove Leder", team="Team Job", role="teamlead")
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        s.add(lead)
        s.add(karen)
        s.flush()
        lead_id, karen_id = lead.id, karen.id
    me = Actor(lead_id, "TL", "Tove Leder", "teamlead", "tove")
    worker = Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen")
    citizen = create_citizen(
        db, worker, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
    ).id
    start_spell(
        db,
        worker,
        citizen,
        {"target_group": "kontanthjaelp_jobparat", "start_date": TODAY - timedelta(days=10)},
    )
    i18n.set_language("en")
    ctx = UiContext(db, me, lambda: TODAY)
    page = WorklistPage(ctx)
    qtbot.addWidget(page)
    page.scope.setCurrentIndex(page.scope.findText("Everybody"))
    page.refresh()
    assert ctx.ops.busy("worklist")
    qtbot.waitUntil(lambda: page.loaded and not ctx.ops.busy("worklist"), timeout=5000)
    assert "Åse Ørsted" in {page.table.text(i, 2) for i in page.table.ids()}
    assert "1 overdue" in page.summary.text()
    assert ctx.ops.longest_handler_ms < 1000


@pytest.mark.gui
def test_a_long_citizen_list_is_ordered_in_the_background(
    qtbot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sorting a long list does not stop the window: the order arrives, and the selected citizen
    stays selected (the threshold is lowered so that three synthetic citizens count as long)."""
    from PySide6.QtCore import QPersistentModelIndex, Qt

    from app.ui.citizens import table_model
    from app.ui.citizens.table_model import CitizenTableModel

    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        s.add(karen)
        s.flush()
        karen_id = karen.id
    me = Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen")
    for cpr, first, last in (
        ("150390-1234", "Åse", "Ørsted"),
        ("010185-4321", "Bo", "Hansen"),
        ("020286-1111", "Anne", "Andersen"),
    ):
        create_citizen(db, me, {"cpr": cpr, "first_name": first, "last_name": last}, today=TODAY)
    monkeypatch.setattr(table_model, "BACKGROUND_FROM_ROWS", 1)
    ops = Operations()
    model = CitizenTableModel(db, today=TODAY, ops=ops)
    model.set_filter("", None)
    names = lambda: [model.data(model.index(r, 0)) for r in range(model.rowCount())]  # noqa: E731
    assert names() == ["Anne Andersen", "Bo Hansen", "Åse Ørsted"]
    chosen = QPersistentModelIndex(model.index(1, 0))
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert ops.busy(table_model.LIST_READ)
    assert names() == ["Anne Andersen", "Bo Hansen", "Åse Ørsted"]  # not yet
    later = QPersistentModelIndex(model.index(0, 0))  # selected while the order is on its way
    qtbot.waitUntil(lambda: not ops.busy(table_model.LIST_READ), timeout=3000)
    assert names() == ["Åse Ørsted", "Bo Hansen", "Anne Andersen"]
    assert model.data(model.index(chosen.row(), 0)) == "Bo Hansen"
    assert model.data(model.index(later.row(), 0)) == "Anne Andersen"


@pytest.mark.gui
def test_a_short_list_is_ordered_in_the_background_on_a_team_server_only(
    qtbot, db: Database
) -> None:
    """A desk orders a short list at once; a team server's query costs what row-level security
    and the network cost, not what the rows shown cost (a caseworker's 111 citizens: 65-330 ms
    at 100 000 citizens), so there every order comes from the background."""
    from PySide6.QtCore import Qt

    from app.ui.citizens import table_model
    from app.ui.citizens.table_model import CitizenTableModel

    me = Actor(None, "KL", "Karen Lund", "admin", "karen")
    for cpr, first, last in (("150390-1234", "Åse", "Ørsted"), ("010185-4321", "Bo", "Hansen")):
        create_citizen(db, me, {"cpr": cpr, "first_name": first, "last_name": last}, today=TODAY)
    ops = Operations()
    model = CitizenTableModel(db, today=TODAY, ops=ops)
    model.set_filter("", None)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert ops.busy(table_model.LIST_READ) == (not db.is_sqlite)
    qtbot.waitUntil(lambda: not ops.busy(table_model.LIST_READ), timeout=3000)
    assert [model.data(model.index(r, 0)) for r in range(2)] == ["Åse Ørsted", "Bo Hansen"]


@pytest.mark.gui
def test_a_page_closed_while_its_read_runs_is_not_called_back(qtbot) -> None:
    """The indicators page used to have its own thread-pool job for this; now every page gets it
    from the runner: a widget deleted meanwhile gets no result, and a refusal reaches ``failed``."""
    from PySide6.QtWidgets import QWidget

    ops = Operations()
    seen: list[object] = []
    page = QWidget()

    def slow() -> str:
        time.sleep(0.2)
        return "late"

    ops.read("page", slow, seen.append, owner=page)
    page.deleteLater()
    qtbot.wait(50)  # the widget is gone before the result comes
    qtbot.waitUntil(lambda: not ops.busy("page"), timeout=3000)
    assert seen == []

    def refused() -> str:
        raise ValidationError("End before start")

    failures: list[Exception] = []
    ops.read("other", refused, seen.append, failed=failures.append, background=False)
    assert len(failures) == 1 and seen == []
