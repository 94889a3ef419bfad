"""The main window driven as a caseworker would: search, switch caseload, select, read the overview."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt, QThreadPool
from qt_reads import wait_idle

from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen
from app.casework.conversations.conversations import book_conversation
from app.casework.core.actor import Actor
from app.casework.plan.plan import add_milestone, complete_milestone, save_plan
from app.store.engine import Database, transaction
from app.store.models import Caseworker
from app.ui.casework.context import UiContext
from app.ui.citizens.page import ALL_CITIZENS, MY_CASELOAD
from app.ui.main_window import MainWindow

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx(db: Database, actor: Actor) -> UiContext:
    """Karen has two citizens; Ole has one. Synthetic people only."""
    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        ole = Caseworker(initials="OP", name="Ole Pedersen", team="Team Job", role="caseworker")
        s.add_all([karen, ole])
        s.flush()
        karen_id, ole_id = karen.id, ole.id
    me = Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen")
    åse = create_citizen(
        db, me, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
    ).id
    create_citizen(
        db, me, {"cpr": "010185-4321", "first_name": "Bo", "last_name": "Hansen"}, today=TODAY
    )
    create_citizen(
        db,
        me,
        {"cpr": "241299-2222", "first_name": "Carla", "last_name": "Ibsen"},
        caseworker_id=ole_id,
        today=TODAY,
    )
    start_spell(
        db,
        me,
        åse,
        {"target_group": "kontanthjaelp_aktivitetsparat", "start_date": date(2026, 3, 3)},
    )
    save_plan(
        db,
        me,
        åse,
        None,
        {"job_goal": "Butiksassistent", "own_words": "Jeg vil gerne arbejde med mennesker"},
    )
    done = add_milestone(db, me, åse, "Praktik i butik", due=date(2026, 12, 1)).id
    complete_milestone(db, me, done, date(2026, 11, 20))
    add_milestone(db, me, åse, "Søge 5 job om ugen")
    book_conversation(db, me, åse, datetime(2026, 12, 2, 10, 30))
    return UiContext(db, me, lambda: TODAY)


@pytest.fixture
def window(qtbot, ctx: UiContext) -> MainWindow:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    return win


def visible_names(win: MainWindow) -> list[str]:
    model = win.citizens.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_opens_on_my_caseload_sorted_by_last_name(window: MainWindow) -> None:
    assert visible_names(window) == ["Bo Hansen", "Åse Ørsted"]
    assert window.citizens.count.text() == "2 borgere"
    assert "Karen Lund (KL)" in window.user_label.text()
    shown = window.database_label.text()
    assert "minplan.db" in shown or "postgresql+psycopg://" in shown


def test_a_team_lead_without_a_caseload_opens_on_everybody(qtbot, ctx: UiContext) -> None:
    """Karen's list opens on her caseload; a team lead with no citizens of their own (and an
    administrator) would open on an empty list, so theirs opens on all citizens."""
    with transaction(ctx.db) as s:
        lead = Caseworker(initials="TL", name="Tove Leth", team="Team Job", role="teamlead")
        s.add(lead)
        s.flush()
        lead_id = lead.id
    tove = Actor(lead_id, "TL", "Tove Leth", "teamlead", "tove")
    win = MainWindow(UiContext(ctx.db, tove, lambda: TODAY))
    qtbot.addWidget(win)
    win.show()
    assert win.citizens.scope.currentData() == ALL_CITIZENS
    qtbot.waitUntil(lambda: visible_names(win) == ["Bo Hansen", "Carla Ibsen", "Åse Ørsted"])
    karen = MainWindow(ctx)
    qtbot.addWidget(karen)
    wait_idle(qtbot, karen.ctx.ops)
    assert karen.citizens.scope.currentData() == MY_CASELOAD
    assert visible_names(karen) == ["Bo Hansen", "Åse Ørsted"]


def test_all_citizens_and_search_as_you_type(qtbot, window: MainWindow) -> None:
    page = window.citizens
    page.scope.setCurrentIndex(1)
    wait_idle(qtbot, window.ctx.ops)
    assert visible_names(window) == ["Bo Hansen", "Carla Ibsen", "Åse Ørsted"]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "ørs")
    qtbot.waitUntil(lambda: visible_names(window) == ["Åse Ørsted"])
    page.search.clear()
    qtbot.keyClicks(page.search, "24.12.1999")
    qtbot.waitUntil(lambda: visible_names(window) == ["Carla Ibsen"])
    page.search.clear()
    qtbot.keyClicks(page.search, "0101854321")
    qtbot.waitUntil(lambda: visible_names(window) == ["Bo Hansen"])
    page.search.clear()
    qtbot.keyClicks(page.search, "nobody")
    qtbot.waitUntil(lambda: visible_names(window) == [])
    wait_idle(qtbot, window.ctx.ops)
    assert page.count.text() == "0 borgere"


def test_the_list_cells_and_the_benefit_tooltip(qtbot, window: MainWindow) -> None:
    model = window.citizens.model
    åse = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Åse Ørsted")
    cell = model.index(åse, 3)
    assert cell.data() == "Kontanthjælp, aktivitetsparat"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == (
        "Kontanthjælp, aktivitetsparat siden 3. mar. 2026"
    )
    assert model.index(åse, 1).data() == "150390-1234"
    assert model.index(-1, 0).data() is None and model.index(åse, 0).data(Qt.ItemDataRole.UserRole)
    model.invalidate({model.citizen_id(åse)})  # after a write: formatted again when shown
    assert model.index(åse, 2).data() == "15.03.1990" and not model._cells.get(-1)


def test_a_single_letter_or_a_trailing_space_does_not_search_again(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = window.citizens
    ops = window.ctx.ops
    page.scope.setCurrentIndex(1)
    wait_idle(qtbot, ops)
    queries: list[str] = []
    real = page.model.finder
    monkeypatch.setattr(
        page.model,
        "finder",
        lambda search, worker: (queries.append(search), real(search, worker))[1],
    )
    qtbot.keyClicks(page.search, "Å")
    page.apply_typed_search()  # what the timer runs when the user pauses
    assert ops.idle(), "nothing to search for"
    assert queries == [] and visible_names(window) == ["Bo Hansen", "Carla Ibsen", "Åse Ørsted"]
    assert page.count.text() == "3 borgere · skriv mindst 3 tegn for at søge"
    qtbot.keyClicks(page.search, "s")  # two letters alone are not searched for either
    page.apply_typed_search()
    assert queries == [] and page.count.text() == "3 borgere · skriv mindst 3 tegn for at søge"
    qtbot.keyClicks(page.search, "e")
    page.apply_typed_search()
    wait_idle(qtbot, ops)
    assert queries == ["Åse"] and visible_names(window) == ["Åse Ørsted"]
    qtbot.keyClicks(page.search, " Ø")  # "Ø" alone is too short to count: the same search
    page.apply_typed_search()
    assert ops.idle()
    assert queries == ["Åse"] and page.count.text() == "1 borger"
    qtbot.keyClicks(page.search, "r")
    page.apply_typed_search()
    wait_idle(qtbot, ops)
    assert queries == ["Åse", "Åse Ør"] and visible_names(window) == ["Åse Ørsted"]
    assert page.count.text() == "1 borger"


@pytest.fixture
def two_threads():  # type: ignore[no-untyped-def]
    """Room for a second read while the first is held back (a one-core machine has one)."""
    pool = QThreadPool.globalInstance()
    before = pool.maxThreadCount()
    pool.setMaxThreadCount(max(2, before))
    yield
    pool.setMaxThreadCount(before)


def _held_back(page, monkeypatch: pytest.MonkeyPatch, slow: str):  # type: ignore[no-untyped-def]
    """Make the list's first search for ``slow`` wait in its worker thread until the returned
    gate opens; every search's text is noted in the returned list as its query starts."""
    gate, started = threading.Event(), []
    real = page.model.finder

    def finder(search: str, worker: int | None):  # type: ignore[no-untyped-def]
        find = real(search, worker)

        def held():  # type: ignore[no-untyped-def]
            started.append(search)
            if search == slow and started.count(slow) == 1:
                gate.wait(10)
            return find()

        return held

    monkeypatch.setattr(page.model, "finder", finder)
    return gate, started


def _searches_logged(db: Database) -> list[tuple[str, int]]:
    from sqlmodel import select

    from app.store.models import AuditEvent

    with transaction(db) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "search")).all()
        return [(e.criterion, json.loads(e.details)["hits"]) for e in events]


@pytest.mark.usefixtures("two_threads")
def test_a_newer_search_overtakes_an_older_one_and_only_it_is_shown_and_logged(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search runs in the background: while a slow one is under way the list keeps its rows
    and selection, typing goes on, and the newer search's rows replace them; the older result,
    when it comes, is neither shown nor logged."""
    page, ops = window.citizens, window.ctx.ops
    page.scope.setCurrentIndex(1)
    wait_idle(qtbot, ops)
    åse = next(
        i
        for i in page.model.ids
        if page.model.index(page.model.row_of(i), 0).data() == "Åse Ørsted"
    )
    page.select_citizen(åse)
    gate, started = _held_back(page, monkeypatch, slow="Ibsen")
    try:
        qtbot.keyClicks(page.search, "Ibsen")
        page.apply_typed_search()
        qtbot.waitUntil(lambda: started == ["Ibsen"])
        assert not ops.idle() and page.model.searching()
        assert visible_names(window) == ["Bo Hansen", "Carla Ibsen", "Åse Ørsted"], "still shown"
        assert page.count.text() == "3 borgere" and page.selected_citizen_id() == åse
        page.search.clear()
        qtbot.keyClicks(page.search, "Ørsted")  # typing goes on while the search runs
        page.apply_typed_search()
        qtbot.waitUntil(lambda: visible_names(window) == ["Åse Ørsted"])
        assert page.count.text() == "1 borger"
        assert page.selected_citizen_id() == åse and "Åse Ørsted" in page.overview.toPlainText()
    finally:
        gate.set()
    wait_idle(qtbot, ops)
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(20)  # the overtaken result's hand-over to the GUI thread
    assert started == ["Ibsen", "Ørsted"], "the slow one did run"
    assert visible_names(window) == ["Åse Ørsted"] and page.count.text() == "1 borger"
    page.search_log.flush()
    assert _searches_logged(window.ctx.db) == [("Ørsted", 1)]


@pytest.mark.usefixtures("two_threads")
def test_a_sort_while_a_search_is_under_way_searches_again_in_the_new_order(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search on its way was asked for in the old order: it is run again in the new one,
    and the rows come in that order."""
    page, ops = window.citizens, window.ctx.ops
    gate, started = _held_back(page, monkeypatch, slow="")
    try:
        page.scope.setCurrentIndex(1)
        qtbot.waitUntil(lambda: started == [""])
        page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # before the first comes
        qtbot.waitUntil(lambda: started == ["", ""])
    finally:
        gate.set()
    wait_idle(qtbot, ops)
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(20)
    assert visible_names(window) == ["Åse Ørsted", "Carla Ibsen", "Bo Hansen"]
    assert page.count.text() == "3 borgere"


@pytest.mark.usefixtures("two_threads")
def test_enter_while_a_search_is_under_way_goes_to_its_first_hit_at_once(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter runs the search still on its way now, so that the next key goes to the list; the
    search is shown and logged once."""
    page, ops = window.citizens, window.ctx.ops
    page.scope.setCurrentIndex(1)
    wait_idle(qtbot, ops)
    gate, started = _held_back(page, monkeypatch, slow="Ibsen")
    try:
        qtbot.keyClicks(page.search, "Ibsen")
        page.apply_typed_search()
        qtbot.waitUntil(lambda: started == ["Ibsen"])
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
        assert visible_names(window) == ["Carla Ibsen"] and page.table.hasFocus()
        assert page.selected_citizen_id() == page.model.citizen_id(0)
    finally:
        gate.set()
    wait_idle(qtbot, ops)
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(20)
    assert started == ["Ibsen", "Ibsen"] and visible_names(window) == ["Carla Ibsen"]
    page.search_log.flush()
    assert _searches_logged(window.ctx.db) == [("Ibsen", 1)]


def test_selecting_a_citizen_shows_the_overview(qtbot, window: MainWindow) -> None:
    page = window.citizens
    qtbot.keyClicks(page.search, "Åse")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.table.hasFocus()
    text = page.overview.toPlainText()
    assert "Åse Ørsted" in text
    assert "150390-1234" in text
    assert "Kontanthjælp, aktivitetsparat siden 3. mar. 2026" in text
    assert "Butiksassistent" in text
    assert "Jeg vil gerne arbejde med mennesker" in text
    assert "Praktik i butik" in text and "nået 20.11.2026" in text
    assert "Søge 5 job om ugen" in text
    assert "2. dec. 2026 kl. 10.30: Jobsamtale, Personligt fremmøde" in text


def test_sorting_by_a_column_keeps_the_selection(qtbot, window: MainWindow) -> None:
    page = window.citizens
    page.scope.setCurrentIndex(1)
    wait_idle(qtbot, window.ctx.ops)
    page.select_citizen(page.model.ids[2])
    selected = page.selected_citizen_id()
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    wait_idle(qtbot, window.ctx.ops)  # on a team server every order comes from the background
    assert [page.model.index(r, 1).data() for r in range(3)] == [
        "241299-2222",
        "150390-1234",
        "010185-4321",
    ]
    assert page.selected_citizen_id() == selected
    page.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, window.ctx.ops)
    assert page.model.index(0, 3).data() == "Kontanthjælp, aktivitetsparat"
    assert page.model.index(2, 3).data() == "(ingen ydelse nu)"


def test_english_user_interface(qtbot, ctx: UiContext) -> None:
    from app import i18n

    i18n.set_language("en")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    assert [win.nav.item(r).text() for r in (0, 1)] == ["Today", "My citizens"]
    assert win.citizens.count.text() == "2 citizens"
    assert win.citizens.model.headerData(0, Qt.Orientation.Horizontal) == "Name"


def test_table_model_passes_the_model_tester(qtmodeltester, ctx: UiContext) -> None:
    from app.ui.citizens.table_model import CitizenTableModel

    model = CitizenTableModel(ctx.db, today=TODAY)
    model.set_filter("", None)
    qtmodeltester.check(model, force_py=True)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)


def test_enter_opens_the_citizen_page_and_alt_left_goes_back(qtbot, ctx: UiContext) -> None:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    page = win.citizens
    assert win.pages.currentWidget() is win.today_page, "the day comes first"
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.search, "Åse")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert win.pages.currentWidget() is win.citizen_page
    assert win.citizen_page.heading.text() == "Åse Ørsted"
    assert "Kontanthjælp, aktivitetsparat siden 3. mar. 2026" in win.citizen_page.subheading.text()
    assert win.citizen_menu.actions()[0].isEnabled()
    qtbot.keyClick(win.citizen_page, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert win.pages.currentWidget() is win.citizens
    assert page.selected_citizen_id() == win.citizen_page.citizen_id
    assert not win.citizen_menu.actions()[0].isEnabled()


def test_hand_over_delete_and_restore_a_citizen(
    qtbot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.casework import prompts

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    page = win.citizens

    def citizen(name: str) -> int:
        return next(
            i for i in page.model.ids if page.model.index(page.model.row_of(i), 0).data() == name
        )

    åse, bo = citizen("Åse Ørsted"), citizen("Bo Hansen")
    win.open_citizen(åse)
    monkeypatch.setattr(
        prompts,
        "choose",
        lambda parent, title, label, items, current=0: items.index("Ole Pedersen (OP)"),
    )
    win.hand_over_action.trigger()
    assert visible_names(win) == ["Bo Hansen"], "Åse left my caseload"
    # Åse is Ole's citizen now: not mine to read, so her page closes and the list says why
    assert win.pages.currentWidget() is page and win.citizen_page.citizen_id is None
    assert "ikke længere i din sagsstamme" in win.statusBar().currentMessage()
    problems: list[str] = []
    monkeypatch.setattr(win, "show_problem", lambda error: problems.append(str(error)))
    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: "Oprettet ved en fejl")
    win.open_citizen(bo)
    win.delete_action.trigger()
    assert win.pages.currentWidget() is page
    page.scope.setCurrentIndex(1)
    wait_idle(qtbot, win.ctx.ops)
    assert "Bo Hansen" not in visible_names(win)
    monkeypatch.setattr(prompts, "choose", lambda parent, title, label, items, current=0: 0)
    win.restore_action.trigger()
    assert win.pages.currentWidget() is win.citizen_page
    assert win.citizen_page.heading.text() == "Bo Hansen"
    assert "Bo Hansen" in visible_names(win)


def test_opening_a_citizen_and_searching_are_logged(qtbot, ctx: UiContext) -> None:
    from sqlmodel import select

    from app.store.models import AuditEvent

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    page = win.citizens
    qtbot.keyClicks(page.search, "Åse")
    page.apply_filter()  # the rows come from the background; the search log's thread writes
    wait_idle(qtbot, win.ctx.ops)
    page.search_log.flush()
    citizen = page.model.ids[0]
    win.open_citizen(citizen)
    with transaction(ctx.db) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action.in_(("view", "search")))).all()
        assert [(e.action, e.criterion) for e in events if e.action == "search"] == [
            ("search", "Åse")
        ]
        assert any(
            e.action == "view" and e.citizen_id == citizen and e.user_initials == "KL"
            for e in events
        )
    history = win.citizen_page.tab_list[-1]
    assert any(history.table.text(i, 3) == "åbnet" for i in history.table.ids())


def test_opening_a_colleagues_citizen_needs_a_logged_reason(
    qtbot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlmodel import select

    from app.casework.privacy.access_log import record_view
    from app.domain.errors import PermissionDeniedError
    from app.store.models import AuditEvent
    from app.ui.casework import prompts

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    page = win.citizens
    win.focus_search()
    page.scope.setCurrentIndex(1)
    wait_idle(qtbot, win.ctx.ops)
    carla = next(
        i
        for i in page.model.ids
        if page.model.index(page.model.row_of(i), 0).data() == "Carla Ibsen"
    )
    with pytest.raises(PermissionDeniedError):
        record_view(ctx.db, ctx.actor, carla)
    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: None)
    win.open_citizen(carla)
    assert win.pages.currentWidget() is page, "cancelled: the case is not opened"
    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: "Vikarierer for Ole i dag")
    win.open_citizen(carla)
    assert win.citizen_page.heading.text() == "Carla Ibsen"
    with transaction(ctx.db) as s:
        event = s.exec(
            select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.citizen_id == carla)
        ).one()
        assert event.purpose == "Vikarierer for Ole i dag"


@pytest.mark.gui
def test_no_page_is_wider_than_a_laptop_screen(qtbot, window: MainWindow) -> None:
    """Every page fits beside the navigation at 1920×1080 with 150 % scaling (1280 logical
    pixels, the narrower of the two laptop cases): a long form label once made the Settings page
    1366 px wide, and the pages' scroll area then scrolled sideways on every page."""
    from PySide6.QtWidgets import QApplication

    from app.ui.window_fit import FRAME_MARGIN

    room = 1280 - FRAME_MARGIN.width() - window.nav.sizeHint().width() - 20
    for index in range(window.pages.count()):
        window.pages.setCurrentIndex(index)
        QApplication.processEvents()
        page = window.pages.widget(index)
        assert page.minimumSizeHint().width() <= room, type(page).__name__
        if page is window.indicators:  # let its count finish before the window goes
            qtbot.waitUntil(lambda: not window.indicators.busy, timeout=30_000)


def test_the_pages_prepared_in_the_background_are_the_pages_made_on_first_use(
    qtbot, window: MainWindow
) -> None:
    """``prepare_pages`` imports, off the window's thread, the module of every page the window
    makes on first use (the list is checked against the ``_make_*`` methods' imports)."""
    import ast
    import inspect
    import sys

    from app.ui import window_pages

    tree = ast.parse(inspect.getsource(window_pages))
    made = {
        node.module
        for method in ast.walk(tree)
        if isinstance(method, ast.FunctionDef) and method.name.startswith("_make_")
        for node in ast.walk(method)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert made == set(window_pages.PAGE_MODULES)
    window.prepare_pages()
    qtbot.waitUntil(window.ctx.ops.idle, timeout=30_000)
    assert set(window_pages.PAGE_MODULES) <= sys.modules.keys()
