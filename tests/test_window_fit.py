"""The main window fits the screen it is on, does not grow with its content, and remembers its
size and place per screen (the real-window suite checks the same at 1366×768 and at 150 %)."""

from __future__ import annotations

from datetime import date

import pytest

from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.store.engine import Database, transaction
from app.store.models import Caseworker
from app.ui.casework.context import UiContext

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)
LONG_FIRST = ("Marie-Louise Charlotte Josefine Henriette Augusta Wilhelmine " * 2).strip()
LONG_LAST = ("Bjørnskov-Frederiksen Kristoffersen-Schwartzenberg " * 2).strip()


@pytest.fixture
def ctx(db: Database) -> UiContext:
    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        s.add(karen)
        s.flush()
        karen_id = karen.id
    me = Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen")
    create_citizen(
        db,
        me,
        {"cpr": "150390-1234", "first_name": LONG_FIRST, "last_name": LONG_LAST},
        today=TODAY,
    )
    create_citizen(
        db, me, {"cpr": "010185-4321", "first_name": "Bo", "last_name": "Hansen"}, today=TODAY
    )
    return UiContext(db, me, lambda: TODAY)


def _window(qtbot, ctx: UiContext):  # type: ignore[no-untyped-def]
    from app.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_window_opens_inside_the_screens_free_area(qtbot, ctx: UiContext) -> None:
    window = _window(qtbot, ctx)
    area = window.screen().availableGeometry()
    assert window.width() <= area.width() and window.height() <= area.height()
    assert area.contains(window.geometry().topLeft())


def test_a_200_character_name_does_not_widen_the_window(qtbot, ctx: UiContext) -> None:
    assert len(f"{LONG_FIRST} {LONG_LAST}") >= 200
    window = _window(qtbot, ctx)
    before = window.size()
    minimum = window.minimumSizeHint().width()
    window.open_citizen(1)
    qtbot.wait(50)
    assert window.citizen_page.heading.text().startswith("Marie-Louise")
    assert window.minimumSizeHint().width() <= minimum
    # the page itself: no horizontal scrolling for a long name (a plain label was ~2000 px)
    assert window.citizen_page.minimumSizeHint().width() < 900
    assert window.size() == before
    assert window.citizen_page.heading.toolTip() == window.citizen_page.heading.text()


def test_loading_the_deadlines_does_not_widen_the_window(qtbot, ctx: UiContext) -> None:
    window = _window(qtbot, ctx)
    before = window.size()
    window.nav.setCurrentRow(1)
    window.worklist.refresh()
    qtbot.wait(50)
    assert window.size() == before


def test_size_and_place_are_remembered_per_screen(qtbot, ctx: UiContext, monkeypatch) -> None:
    from app.ui import window_fit

    window = _window(qtbot, ctx)
    window.resize(640, 480)
    window_fit.remember(window)
    again = _window(qtbot, ctx)
    assert again.size().width() == 640 and again.size().height() == 480
    monkeypatch.setattr(window_fit, "screen_key", lambda screen: "another-screen")
    elsewhere = _window(qtbot, ctx)
    area = elsewhere.screen().availableGeometry()
    assert (
        elsewhere.width()
        == min(window_fit.PREFERRED.width(), area.width() - window_fit.FRAME_MARGIN.width())
        or elsewhere.width() == elsewhere.minimumWidth()
    )
