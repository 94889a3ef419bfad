"""Honest states: a step past its date is overdue wherever it shows, a conversation is recorded as
held only on a day that has come, the overview names the citizen's language, and the plan prints
in Danish and in the citizen's language from the menu."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QMessageBox

from app import i18n
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen
from app.casework.citizens.overview import citizen_overview
from app.casework.conversations.conversations import book_conversation
from app.casework.core.actor import Actor
from app.casework.plan.plan import add_milestone, save_plan
from app.store.engine import Database, transaction
from app.store.models import Caseworker
from app.ui.casework import prompts
from app.ui.casework.context import UiContext
from app.ui.casework.conversations_tab import ConversationsTab
from app.ui.casework.plan_tab import PlanTab

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx(db: Database) -> UiContext:
    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        s.add(karen)
        s.flush()
        karen_id = karen.id
    return UiContext(db, Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen"), lambda: TODAY)


@pytest.fixture
def citizen(ctx: UiContext) -> int:
    """A synthetic citizen who reads English, with one step past its date and one ahead."""
    citizen_id = create_citizen(
        ctx.db,
        ctx.actor,
        {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted", "language": "en"},
        today=TODAY,
    ).id
    start_spell(
        ctx.db,
        ctx.actor,
        citizen_id,
        {"target_group": "kontanthjaelp_jobparat", "start_date": date(2026, 3, 3)},
    )
    save_plan(ctx.db, ctx.actor, citizen_id, None, {"job_goal": "Butiksassistent"}, today=TODAY)
    add_milestone(ctx.db, ctx.actor, citizen_id, "Få kørekort", due=date(2026, 11, 1))
    add_milestone(ctx.db, ctx.actor, citizen_id, "CV færdigt", due=date(2026, 12, 1))
    return citizen_id


def test_a_step_past_its_date_is_overdue_in_the_overview_and_the_plan_tab(
    qtbot, ctx: UiContext, citizen: int
) -> None:
    from app.ui.casework.citizen_page import CitizenPage
    from app.ui.citizens.overview_panel import overview_html

    i18n.set_language("en")
    view = citizen_overview(ctx.db, ctx.actor, citizen, today=TODAY)
    assert [(m.title, m.overdue) for m in view.milestones] == [
        ("Få kørekort", True),
        ("CV færdigt", False),
    ]
    html = overview_html(view)
    assert "overdue: due 01/11/2026, not reached" in html
    assert "Preferred language: English" in html
    page = CitizenPage(ctx)
    qtbot.addWidget(page)
    assert page.open(citizen)
    table = page.tab(PlanTab).milestones
    statuses = [table.text(i, 2) for i in table.ids()]
    assert statuses == ["⚠ Overdue · Planned", "Planned"]


def test_held_is_never_a_future_booking_by_default_nor_a_future_day(
    qtbot, ctx: UiContext, citizen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.casework.citizen_page import CitizenPage
    from app.ui.casework.conversation_dialogs import OutcomeDialog

    i18n.set_language("en")
    ahead = book_conversation(ctx.db, ctx.actor, citizen, datetime(2026, 12, 3, 10, 0)).id
    page = CitizenPage(ctx)
    qtbot.addWidget(page)
    assert page.open(citizen)
    tab = page.tab(ConversationsTab)
    tab.table.select_id(ahead)
    notices: list[str] = []
    monkeypatch.setattr(prompts, "show_notice", lambda parent, title, text: notices.append(text))
    tab.record_next_held()
    assert notices and "No booked conversation has come yet" in notices[0]
    assert getattr(tab, "last_dialog", None) is None, "no dialog for a booking in the future"

    earlier = book_conversation(ctx.db, ctx.actor, citizen, datetime(2026, 11, 23, 9, 0)).id
    page.open(citizen)
    tab.table.select_id(ahead)
    assert tab._due_to_record().id == earlier, "today's booking, not the selected future one"

    row = tab.rows[earlier]
    dialog = OutcomeDialog(ctx, row, "held", page)
    qtbot.addWidget(dialog)
    dialog.form.editor("held_on").set_value(date(2026, 11, 24))
    _values, problems = dialog.form.read()
    assert "held_on" in problems, "a conversation cannot be held tomorrow"
    assert "future" in i18n.translate_error(problems["held_on"])


def test_the_menu_prints_in_danish_and_in_english_and_warns_of_overdue_steps(
    qtbot, ctx: UiContext, citizen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui import printing
    from app.ui.main_window import MainWindow

    i18n.set_language("en")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.open_citizen(citizen)
    printed: list[str | None] = []
    monkeypatch.setattr(
        printing.PlanPrinter,
        "preview",
        lambda self, cid, *, large=False, language=None: (
            printed.append(language) or SimpleNamespace(printed=SimpleNamespace(connect=print))
        ),
    )
    asked: list[str] = []

    def answer(parent, title, text, buttons, default):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    texts = [a.text() for a in win.plan_menu.actions()]
    assert "Print the plan in Da&nish…" in texts and "Print the plan in En&glish…" in texts
    win.print_danish_action.trigger()
    win.print_other_action.trigger()
    win.print_action.trigger()
    assert printed == ["da", "en", None]
    assert "Få kørekort (due 01/11/2026)" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Cancel)
    win.print_action.trigger()
    assert printed == ["da", "en", None], "cancelled: nothing printed"
