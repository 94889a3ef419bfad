"""The caseworker's day ("I dag"): the use case, the access check, the page and the Frister list."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from app import i18n
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen
from app.casework.conversations.conversations import book_conversation
from app.casework.core.actor import Actor
from app.casework.deadlines.today import OVERDUE_BANDS, day_overview, overdue_band
from app.casework.plan.plan import add_milestone, complete_milestone
from app.domain.errors import PermissionDeniedError
from app.store.engine import Database, transaction
from app.store.models import Caseworker
from app.ui.casework.context import UiContext

TODAY = date(2026, 11, 23)


@pytest.fixture
def people(db: Database) -> dict[str, int]:
    return make_people(db)


def make_people(db: Database) -> dict[str, int]:
    """Karen's caseload and one of Ole's citizens. Synthetic people only."""
    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        ole = Caseworker(initials="OP", name="Ole Pedersen", team="Team Job", role="caseworker")
        lead = Caseworker(initials="TL", name="Tove Leth", team="Team Job", role="teamlead")
        other = Caseworker(initials="XX", name="Xenia Xu", team="Team Syd", role="teamlead")
        s.add_all([karen, ole, lead, other])
        s.flush()
        ids = {"karen": karen.id, "ole": ole.id, "lead": lead.id, "other": other.id}
    me = Actor(ids["karen"], "KL", "Karen Lund", "caseworker", "karen")
    recent = create_citizen(
        db, me, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
    ).id
    start_spell(
        db,
        me,
        recent,
        {"target_group": "kontanthjaelp_jobparat", "start_date": TODAY - timedelta(days=10)},
    )
    old = create_citizen(
        db, me, {"cpr": "010185-4321", "first_name": "Bo", "last_name": "Hansen"}, today=TODAY
    ).id
    start_spell(
        db,
        me,
        old,
        {"target_group": "kontanthjaelp_jobparat", "start_date": TODAY - timedelta(days=200)},
    )
    book_conversation(db, me, old, datetime(2026, 11, 23, 14, 0), channel="phone")
    book_conversation(db, me, recent, datetime(2026, 11, 24, 9, 30))
    book_conversation(db, me, recent, datetime(2026, 11, 25, 9, 30))  # the day after: not shown
    late = add_milestone(db, me, recent, "Søge 5 job om ugen", due=TODAY - timedelta(days=3)).id
    done = add_milestone(db, me, recent, "Praktik i butik", due=TODAY - timedelta(days=5)).id
    complete_milestone(db, me, done, TODAY - timedelta(days=6))
    add_milestone(db, me, recent, "CV færdigt", due=TODAY + timedelta(days=5))
    theirs = create_citizen(
        db,
        me,
        {"cpr": "241299-2222", "first_name": "Carla", "last_name": "Ibsen"},
        caseworker_id=ids["ole"],
        today=TODAY,
    ).id
    start_spell(
        db,
        Actor(ids["ole"], "OP", "Ole Pedersen", "caseworker", "ole"),
        theirs,
        {"target_group": "kontanthjaelp_jobparat", "start_date": TODAY - timedelta(days=10)},
    )
    return {**ids, "recent": recent, "old": old, "theirs": theirs, "late": late}


def karen(people: dict[str, int]) -> Actor:
    return Actor(people["karen"], "KL", "Karen Lund", "caseworker", "karen")


def test_overdue_bands() -> None:
    assert overdue_band(TODAY - timedelta(days=1), TODAY) == 0
    assert overdue_band(TODAY - timedelta(days=30), TODAY) == 0
    assert overdue_band(TODAY - timedelta(days=31), TODAY) == 1
    assert overdue_band(TODAY - timedelta(days=200), TODAY) == 2
    assert overdue_band(TODAY - timedelta(days=2000), TODAY) == len(OVERDUE_BANDS) - 1


def test_the_day_of_a_caseload(db: Database, people: dict[str, int]) -> None:
    day = day_overview(db, karen(people), TODAY)
    assert [(c.name, c.at, c.channel) for c in day.today_conversations] == [
        ("Bo Hansen", datetime(2026, 11, 23, 14, 0), "phone")
    ]
    assert [(c.name, c.at) for c in day.tomorrow_conversations] == [
        ("Åse Ørsted", datetime(2026, 11, 24, 9, 30))
    ]
    recent, _month, older, _year = day.overdue
    assert "Åse Ørsted" in {d.name for d in recent}
    assert any(d.name == "Bo Hansen" for d in older), "overdue for 190 days: shown, not hidden"
    assert all(d.deadline.status == "overdue" for band in day.overdue for d in band)
    assert [(m.name, m.title) for m in day.milestones] == [("Åse Ørsted", "Søge 5 job om ugen")]
    assert people["theirs"] not in day.citizen_ids, "a colleague's citizen is not in my day"


def test_the_days_conversations_are_those_one_holds_and_those_of_ones_citizens_nobody_holds(
    db: Database, people: dict[str, int]
) -> None:
    """Covering for a colleague puts their citizen's conversation in one's day; a conversation
    of one's own citizen that a colleague holds is theirs; one nobody holds is the caseworker's.
    In time order, whichever way it was found."""
    from sqlmodel import select

    from app.store.engine import transaction
    from app.store.models import Conversation

    me = karen(people)
    ole = Actor(people["ole"], "OP", "Ole Pedersen", "caseworker", "ole")
    book_conversation(
        db, ole, people["theirs"], datetime(2026, 11, 23, 8, 0), caseworker_id=me.caseworker_id
    )
    book_conversation(
        db, me, people["recent"], datetime(2026, 11, 23, 10, 0), caseworker_id=people["ole"]
    )
    nobodys = book_conversation(db, me, people["recent"], datetime(2026, 11, 23, 11, 0)).id
    with transaction(db) as s:
        row = s.exec(select(Conversation).where(Conversation.id == nobodys)).one()
        row.caseworker_id = None
    day = day_overview(db, me, TODAY)
    assert [(c.name, c.at.hour) for c in day.today_conversations] == [
        ("Carla Ibsen", 8),
        ("Åse Ørsted", 11),
        ("Bo Hansen", 14),
    ]
    theirs = day_overview(db, ole, TODAY)
    assert [(c.name, c.at.hour) for c in theirs.today_conversations] == [("Åse Ørsted", 10)]


def test_only_ones_own_day_unless_team_lead_or_admin(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(PermissionDeniedError):
        day_overview(db, karen(people), TODAY, caseworker_id=people["ole"])
    lead = Actor(people["lead"], "TL", "Tove Leth", "teamlead", "tove")
    seen = day_overview(db, lead, TODAY, caseworker_id=people["ole"])
    assert seen.citizen_ids == [people["theirs"]]
    stranger = Actor(people["other"], "XX", "Xenia Xu", "teamlead", "xenia")
    with pytest.raises(PermissionDeniedError):
        day_overview(db, stranger, TODAY, caseworker_id=people["ole"])
    admin = Actor(None, "AD", "Admin", "admin", "admin")
    assert day_overview(db, admin, TODAY).caseworker_id is None, "no caseload: an empty day"
    assert day_overview(db, admin, TODAY, caseworker_id=people["ole"]).overdue_count >= 1


@pytest.mark.gui
def test_the_today_page_comes_first_and_enter_opens_the_citizen(
    qtbot, db: Database, people: dict[str, int]
) -> None:
    from app.ui.main_window import MainWindow

    i18n.set_language("en")
    ctx = UiContext(db, karen(people), lambda: TODAY)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    page = win.today_page
    assert win.nav.item(0).text() == "Today"
    assert win.pages.currentWidget() is page and page.loaded
    assert page.summary.isVisible()
    text = page.summary.text()
    assert "1 conversation today and 1 tomorrow" in text
    assert "1 milestone past its date" in text
    rows = [[page.table.text(i, c) for c in range(5)] for i in page.table.ids()]
    assert ["Conversations today", "14:00", "Bo Hansen", "Jobsamtale", "Phone"] in [
        r[:4] + [r[4].split(" · ")[0]] for r in rows
    ]
    sections = [r[0] for r in rows]
    assert "Overdue 91–365 days" in sections
    assert ["Milestones past their date", "20/11/2026", "Åse Ørsted", "Søge 5 job om ugen"] in [
        r[:4] for r in rows
    ]
    row = next(n for n, r in enumerate(rows) if r[0] == "Milestones past their date")
    page.table.setFocus()
    page.table.selectRow(row)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert win.pages.currentWidget() is win.citizen_page
    assert win.citizen_page.citizen_id == people["recent"]
    qtbot.keyClick(win.citizen_page, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert win.pages.currentWidget() is page, "back to the day it was opened from"


@pytest.mark.gui
def test_the_worklist_shows_old_overdue_items_grouped_by_age(
    qtbot, db: Database, people: dict[str, int]
) -> None:
    from app.ui.main_window import MainWindow

    i18n.set_language("en")
    win = MainWindow(UiContext(db, karen(people), lambda: TODAY))
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    win.nav.setCurrentRow(win.pages.indexOf(win.worklist))
    page = win.worklist
    groups = [page.table.text(i, 0) for i in page.table.ids()]
    assert "Overdue up to 30 days" in groups and "Overdue 91–365 days" in groups
    assert groups.index("Overdue up to 30 days") < groups.index("Overdue 91–365 days")
    assert not hasattr(page, "show_older"), "nothing overdue is hidden by default"
