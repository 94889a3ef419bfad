"""The menus: a few short ones instead of one of 37 entries, a context menu on the citizen, and no
two entries that answer the same access letter (Alt+letter) — in Danish and in English."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtWidgets import QMenu

from app import i18n
from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.store.engine import Database, transaction
from app.store.models import Caseworker
from app.ui.casework.context import UiContext

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)


def letter(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def clashes(texts: list[str]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for text in texts:
        key = letter(text)
        if key:
            seen.setdefault(key, []).append(text)
    return {k: v for k, v in seen.items() if len(v) > 1}


def all_menus(menu: QMenu) -> list[QMenu]:
    found = [menu]
    for action in menu.actions():
        if action.menu() is not None:
            found.extend(all_menus(action.menu()))
    return found


@pytest.fixture
def ctx(db: Database) -> UiContext:
    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        s.add(karen)
        s.flush()
        karen_id = karen.id
    me = Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen")
    create_citizen(
        db, me, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
    )
    return UiContext(db, me, lambda: TODAY)


@pytest.mark.parametrize("language", ["da", "en"])
def test_no_menu_has_clashing_access_letters(qtbot, ctx: UiContext, language: str) -> None:
    from app.ui.main_window import MainWindow

    i18n.set_language(language)
    try:
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        bar = win.menuBar()
        tops = [a.text() for a in bar.actions()]
        tabs = [win.citizen_page.tabs.tabText(i) for i in range(win.citizen_page.tabs.count())]
        assert not clashes(tops + tabs), "Alt+letter on the citizen page reaches menus and tabs"
        from PySide6.QtWidgets import QAbstractButton

        buttons = [b.text() for b in win.citizen_page.findChildren(QAbstractButton) if b.text()]
        assert not clashes(tops + tabs + buttons), "the tabs' buttons leave the letters alone"
        menus = [m for a in bar.actions() if a.menu() for m in all_menus(a.menu())]
        citizen = win.citizens.model.ids[0]
        menus.append(win.citizen_context_menu(citizen))
        lettered = [*win.case_menus, menus[-1]]  # the citizen's menus: every entry by keyboard
        for menu in menus:
            texts = [a.text() for a in menu.actions() if not a.isSeparator()]
            assert not clashes(texts), (menu.title(), clashes(texts))
            if menu in lettered:
                assert all(letter(t) for t in texts), [t for t in texts if not letter(t)]
        for menu in win.case_menus:
            assert len([a for a in menu.actions() if not a.isSeparator()]) <= 14, menu.title()
    finally:
        i18n.set_language("da")


def test_the_citizen_menus_are_short_and_hold_every_tab_action(qtbot, ctx: UiContext) -> None:
    from app.ui.main_window import MainWindow

    i18n.set_language("en")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles[:7] == [
        "&File",
        "&Edit",
        "&Citizen",
        "&Plan",
        "Conversa&tions",
        "Offe&rs",
        "Benef&it",
    ]
    assert win.pages.built("citizen") is None, "the citizen page is made when first needed"
    win.citizen_menu.aboutToShow.emit()  # opening the Citizen menu makes it: its entries show
    assert win.pages.built("citizen") is not None
    in_menus = {id(a) for m in win.case_menus for a in m.actions()}
    assert all(id(a) in in_menus for a in win.citizen_page.actions_for_menu())
    assert not win.print_action.isEnabled(), "nothing to print before a citizen is open"
    assert not any(a.isEnabled() for m in win.case_menus for a in m.actions())


def test_the_context_menu_opens_and_acts_on_the_citizen(qtbot, ctx: UiContext) -> None:
    from app.ui.main_window import MainWindow

    i18n.set_language("en")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.focus_search()
    citizen = win.citizens.model.ids[0]
    win.citizens.select_citizen(citizen)
    rect = win.citizens.table.visualRect(win.citizens.model.index(0, 0))
    win.citizens.table.customContextMenuRequested.emit(rect.center())
    menu = win.context_menu
    assert [a.text() for a in menu.actions()][:2] == ["&Open", "&Edit citizen…"]
    menu.close()
    menu.actions()[0].trigger()
    assert win.pages.currentWidget() is win.citizen_page
    assert win.citizen_page.citizen_id == citizen


def _page_letters(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of a page's visible buttons, field labels, group boxes and tabs."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar

    texts = [b.text() for b in page.findChildren(QAbstractButton) if b.text() and b.isVisible()]
    texts += [
        label.text()
        for label in page.findChildren(QLabel)
        if label.buddy() is not None and label.isVisible()
    ]
    texts += [box.title() for box in page.findChildren(QGroupBox) if box.isVisible()]
    for bar in page.findChildren(QTabBar):
        if bar.isVisible():
            texts += [bar.tabText(i) for i in range(bar.count())]
    return texts


@pytest.mark.parametrize("role", ["caseworker", "admin"])
@pytest.mark.parametrize("language", ["da", "en"])
def test_no_page_takes_an_access_letter_of_the_menu_bar(
    qtbot, ctx: UiContext, language: str, role: str
) -> None:
    """Alt+letter on each page, and on each tab of a page, reaches one thing: the visible menus,
    buttons, field labels, group boxes and tabs differ (the citizen's tab menus show only with a
    citizen open; an administrator's settings page has tabs of its own)."""
    from PySide6.QtWidgets import QTabWidget

    from app.ui.main_window import MainWindow
    from app.ui.page_stack import PageSlot

    me = ctx.actor
    ctx = UiContext(
        ctx.db, Actor(me.caseworker_id, me.initials, me.name, role, me.os_user), ctx.today
    )
    i18n.set_language(language)
    try:
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        with qtbot.waitExposed(win):
            win.show()
        for index in range(win.pages.count()):
            page = win.pages.widget(index)
            if isinstance(page, PageSlot):  # a page not shown yet: built now
                page = win.pages.page(page.name)
            if page is win.indicators:
                with qtbot.waitSignal(page.evaluated, timeout=30_000):
                    win.pages.setCurrentWidget(page)
            elif page is win.citizen_page:
                win.open_citizen(win.citizens.model.ids[0])
            else:
                win.pages.setCurrentWidget(page)
            tabs = [t for t in page.findChildren(QTabWidget) if t.isVisible()][:1]
            for tab in range(tabs[0].count() if tabs else 1):
                if tabs:
                    tabs[0].setCurrentIndex(tab)
                win._update_citizen_menu()
                tops = [a.text() for a in win.menuBar().actions() if a.isVisible()]
                found = clashes(tops + _page_letters(page))
                where = type(page).__name__ + (f" / {tabs[0].tabText(tab)}" if tabs else "")
                assert not found, (where, found)
    finally:
        i18n.set_language("da")
