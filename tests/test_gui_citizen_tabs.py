"""The citizen page driven from the keyboard, as a caseworker works: the five common registrations
in at most five keystrokes plus the text typed, validation next to the field, nothing lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QWidget
from sqlmodel import select

from app import i18n
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen
from app.casework.citizens.journal import add_note
from app.casework.core.actor import Actor
from app.casework.offers.companies import create_company
from app.casework.offers.offers import register_offer
from app.casework.plan.plan import save_plan
from app.store.engine import Database, transaction
from app.store.models import BenefitSpell, Conversation, JournalNote, Milestone, Offer, Plan
from app.ui.casework import prompts
from app.ui.casework.citizen_page import CitizenPage
from app.ui.casework.context import UiContext
from app.ui.casework.conversations_tab import ConversationsTab
from app.ui.casework.history_tab import HistoryTab
from app.ui.casework.journal_tab import JournalTab
from app.ui.casework.offers_tab import OffersTab
from app.ui.casework.plan_tab import PlanTab
from app.ui.casework.spells_tab import SpellsTab

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)
CTRL = Qt.KeyboardModifier.ControlModifier


class Keys:
    """Presses keys at the focused widget and counts the ones that are not typed text."""

    def __init__(self, qtbot) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.count = 0

    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.count += 1
        self.qtbot.keyClick(self.focused(), key, modifier)

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focused(), text)


@pytest.fixture
def ctx(db: Database) -> UiContext:
    from app.store.models import Caseworker

    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        s.add(karen)
        s.flush()
        karen_id = karen.id
    return UiContext(db, Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen"), lambda: TODAY)


@pytest.fixture
def citizen(ctx: UiContext) -> int:
    """A synthetic citizen on kontanthjælp with a plan."""
    citizen_id = create_citizen(
        ctx.db,
        ctx.actor,
        {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"},
        today=TODAY,
    ).id
    start_spell(
        ctx.db,
        ctx.actor,
        citizen_id,
        {"target_group": "kontanthjaelp_jobparat", "start_date": date(2026, 3, 3)},
    )
    save_plan(ctx.db, ctx.actor, citizen_id, None, {"job_goal": "Butiksassistent"}, today=TODAY)
    return citizen_id


@pytest.fixture
def page(qtbot, ctx: UiContext, citizen: int) -> CitizenPage:
    i18n.set_language("en")
    widget = CitizenPage(ctx)
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()
    assert widget.open(citizen)
    widget.tabs.currentWidget().setFocus()
    return widget


def active_dialog(qtbot, tab):  # type: ignore[no-untyped-def]
    dialog = tab.last_dialog
    qtbot.waitUntil(lambda: dialog.isVisible())
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def rows(db: Database, model, **where):  # type: ignore[no-untyped-def]
    with transaction(db) as s:
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return s.exec(query).all()


# --- the five common registrations, keyboard only ----------------------------------------------
def test_book_a_conversation_in_three_keystrokes(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_B, CTRL)
    active_dialog(qtbot, page.tab(ConversationsTab))
    keys.type("+7")
    keys.press(Qt.Key.Key_Tab)
    keys.type("10:30")
    keys.press(Qt.Key.Key_Return, CTRL)
    booked = rows(ctx.db, Conversation, citizen_id=citizen)
    assert len(booked) == 1 and booked[0].status == "planned"
    from app.domain.dates import utc_to_local

    assert utc_to_local(booked[0].scheduled_at).replace(tzinfo=None) == datetime(
        2026, 11, 30, 10, 30
    )
    assert keys.count <= 5
    tab = page.tab(ConversationsTab)
    assert tab.table.text(booked[0].id, 0) == "30/11/2026 10:30", "the English UI's one format"


def test_record_the_next_conversation_as_held_in_two_keystrokes(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    from app.casework.conversations.conversations import book_conversation

    booked = book_conversation(ctx.db, ctx.actor, citizen, datetime(2026, 11, 23, 9, 0)).id
    page.open(citizen)
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_H, CTRL)
    active_dialog(qtbot, page.tab(ConversationsTab))
    keys.type("Aftalt praktik")
    keys.press(Qt.Key.Key_Return, CTRL)
    row = rows(ctx.db, Conversation, id=booked)[0]
    assert (row.status, row.held_on, row.note) == ("held", TODAY, "Aftalt praktik")
    assert keys.count <= 5


def test_new_offer_at_the_company_used_last_in_three_keystrokes(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    company = create_company(
        ctx.db, ctx.actor, {"cvr": "29074836", "name": "Bageriet Solsikken ApS"}
    ).id
    register_offer(
        ctx.db,
        ctx.actor,
        citizen,
        {
            "kind": "virksomhedspraktik",
            "company_id": company,
            "offered_on": date(2026, 9, 20),
            "start_date": date(2026, 10, 1),
            "planned_end": date(2026, 10, 28),
        },
        today=TODAY,
    )
    page.open(citizen)
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_T, CTRL)
    dialog = active_dialog(qtbot, page.tab(OffersTab))
    assert "Bageriet Solsikken ApS" in dialog.picker.text()
    keys.type("1.12.2026")
    keys.press(Qt.Key.Key_Tab)
    keys.type("28.12.2026")
    keys.press(Qt.Key.Key_Return, CTRL)
    offers = rows(ctx.db, Offer, citizen_id=citizen)
    assert len(offers) == 2
    new = max(offers, key=lambda o: o.id)
    assert (new.company_id, new.start_date, new.planned_end, new.offered_on) == (
        company,
        date(2026, 12, 1),
        date(2026, 12, 28),
        TODAY,
    )
    assert keys.count <= 5


def test_new_milestone_in_two_keystrokes(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_M, CTRL)
    active_dialog(qtbot, page.tab(PlanTab))
    keys.type("Opdatere CV")
    keys.press(Qt.Key.Key_Return)
    assert [m.title for m in rows(ctx.db, Milestone, citizen_id=citizen)] == ["Opdatere CV"]
    assert keys.count <= 5
    assert page.tab(PlanTab).milestones.rowCount() == 1


def test_journal_note_in_two_keystrokes(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    keys = Keys(qtbot)
    keys.press(Qt.Key.Key_J, CTRL)
    active_dialog(qtbot, page.tab(JournalTab))
    keys.type("Borgeren ringede. Syntetisk note.")
    keys.press(Qt.Key.Key_Return, CTRL)
    notes = rows(ctx.db, JournalNote, citizen_id=citizen)
    assert [n.text for n in notes] == ["Borgeren ringede. Syntetisk note."]
    assert keys.count <= 5


# --- validation, conflicts, unsaved work -----------------------------------------------------
def test_a_booking_at_seven_pm_is_refused_at_the_time_field(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    tab = page.tab(ConversationsTab)
    tab.book()
    dialog = active_dialog(qtbot, tab)
    qtbot.keyClicks(dialog.form.editor("date"), "30.11.2026")
    qtbot.keyClicks(dialog.form.editor("time"), "19:00")
    qtbot.waitUntil(lambda: dialog.form.error_text("time") != "")
    assert "between 7:00 and 18:00" in dialog.form.error_text("time")
    dialog.try_save()
    assert dialog.isVisible()
    assert rows(ctx.db, Conversation, citizen_id=citizen) == []


def test_plan_saved_with_ctrl_s_and_a_concurrent_save_shows_the_conflict(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = page.tab(PlanTab)
    page.show_tab(tab)
    editor = tab.form.editor("own_words")
    editor.setFocus()
    qtbot.keyClicks(editor, "Jeg vil arbejde med mennesker")
    assert tab.has_unsaved_changes()
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)
    plan = rows(ctx.db, Plan, citizen_id=citizen)[0]
    assert plan.own_words == "Jeg vil arbejde med mennesker"
    assert not tab.has_unsaved_changes()

    shown = []
    monkeypatch.setattr(
        "app.ui.conflict_dialog.ConflictDialog.open", lambda self: shown.append(self)
    )
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " og børn")
    save_plan(
        ctx.db, ctx.actor, citizen, plan.version, {"job_goal": "Kok"}, today=TODAY
    )  # someone else, meanwhile
    tab.save()
    assert len(shown) == 1
    assert rows(ctx.db, Plan, citizen_id=citizen)[0].own_words == "Jeg vil arbejde med mennesker"
    assert editor.value().endswith("og børn"), "the user's text is kept"


def test_leaving_a_citizen_with_unsaved_plan_text_asks_first(
    qtbot, page: CitizenPage, citizen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = page.tab(PlanTab)
    tab.form.editor("job_goal").setFocus()
    qtbot.keyClicks(tab.form.editor("job_goal"), " i Roskilde")
    asked = []
    monkeypatch.setattr(
        "app.ui.casework.citizen_page.confirm_discard", lambda parent: asked.append(1) or False
    )
    assert not page.may_leave()
    assert page.tabs.currentWidget() is tab
    monkeypatch.setattr("app.ui.casework.citizen_page.confirm_discard", lambda parent: True)
    assert page.may_leave()
    assert asked == [1]


def test_new_company_with_a_bad_cvr_is_explained_and_nothing_is_written(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    tab = page.tab(OffersTab)
    tab.new_offer()
    dialog = active_dialog(qtbot, tab)
    dialog.form.editor("new_company").setChecked(True)
    qtbot.keyClicks(dialog.form.editor("cvr"), "29074837")
    qtbot.keyClicks(dialog.form.editor("company_name"), "Ny Virksomhed ApS")
    qtbot.waitUntil(lambda: dialog.form.error_text("cvr") != "")
    dialog.try_save()
    assert dialog.isVisible()
    assert rows(ctx.db, Offer, citizen_id=citizen) == []


def test_offer_type_ahead_finds_a_company_by_part_of_its_name(
    qtbot, page: CitizenPage, ctx: UiContext
) -> None:
    create_company(ctx.db, ctx.actor, {"cvr": "47887623", "name": "Nordhavn Lager og Logistik A/S"})
    tab = page.tab(OffersTab)
    tab.new_offer()
    dialog = active_dialog(qtbot, tab)
    dialog.picker.setFocus()
    qtbot.keyClicks(dialog.picker, "lager")
    qtbot.waitUntil(lambda: dialog.picker.hits() != [])
    assert dialog.picker.hits() == ["Nordhavn Lager og Logistik A/S (47887623)"]


def test_a_long_praktik_warns_after_saving(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    company = create_company(
        ctx.db, ctx.actor, {"cvr": "29074836", "name": "Bageriet Solsikken ApS"}
    ).id
    tab = page.tab(OffersTab)
    tab.after(
        register_offer(
            ctx.db,
            ctx.actor,
            citizen,
            {
                "kind": "virksomhedspraktik",
                "company_id": company,
                "start_date": date(2026, 12, 1),
                "planned_end": date(2027, 12, 1),
            },
            today=TODAY,
        )
    )
    assert not tab.notice.isHidden() and "journal" in tab.notice.text()


def test_offer_end_cancel_delete_and_restore(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    offer = register_offer(
        ctx.db,
        ctx.actor,
        citizen,
        {
            "kind": "mentor",
            "offered_on": date(2026, 10, 20),
            "start_date": date(2026, 11, 1),
            "planned_end": date(2027, 1, 31),
        },
        today=TODAY,
    ).id
    tab = page.tab(OffersTab)
    page.open(citizen)
    monkeypatch.setattr(prompts, "ask_date", lambda *a, **k: date(2027, 2, 28))
    tab.table.select_id(offer)
    tab.extend_selected()
    assert rows(ctx.db, Offer, id=offer)[0].planned_end == date(2027, 2, 28)
    monkeypatch.setattr(prompts, "confirm", lambda *a: True)
    tab.delete_or_restore(offer)
    assert tab.table.rowCount() == 0
    tab.deleted_action.trigger()
    tab.delete_or_restore(offer)
    assert rows(ctx.db, Offer, id=offer)[0].deleted_at is None


def test_change_benefit_in_one_step_and_overlap_refused(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    tab = page.tab(SpellsTab)
    page.show_tab(tab)
    qtbot.keyClick(tab, Qt.Key.Key_Y, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = active_dialog(qtbot, tab)
    dialog.form.editor("target_group").set_value("kontanthjaelp_aktivitetsparat")
    dialog.form.editor("start_date").set_value(date(2026, 11, 1))
    dialog.try_save()
    spells = sorted(rows(ctx.db, BenefitSpell, citizen_id=citizen), key=lambda s: s.start_date)
    assert [(s.target_group, s.end_date) for s in spells] == [
        ("kontanthjaelp_jobparat", date(2026, 10, 31)),
        ("kontanthjaelp_aktivitetsparat", None),
    ]
    assert (
        "Kontanthjælp, aktivitetsparat" in page.subheading.text()
        or "activity" in page.subheading.text().lower()
    )

    tab.start_spell()
    dialog = active_dialog(qtbot, tab)
    dialog.form.editor("target_group").set_value("sygedagpenge")
    dialog.form.editor("start_date").set_value(date(2026, 11, 10))
    dialog.try_save()
    assert dialog.isVisible()
    assert "overlaps" in dialog.form.error_text("start_date")
    assert len(rows(ctx.db, BenefitSpell, citizen_id=citizen)) == 2


def test_an_old_journal_note_is_corrected_not_edited(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    old = add_note(
        ctx.db, ctx.actor, citizen, "Borgeren var syg.", today=TODAY - timedelta(days=1)
    ).id
    with transaction(ctx.db) as s:  # written yesterday
        note = s.get(JournalNote, old)
        note.created_at = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    tab = page.tab(JournalTab)
    page.open(citizen)
    tab.edit_or_correct(old)
    dialog = active_dialog(qtbot, tab)
    assert dialog.correcting is not None
    dialog.form.editor("text").setFocus()
    qtbot.keyClicks(dialog.form.editor("text"), "Rettelse: borgeren var til lægen.")
    dialog.try_save()
    notes = rows(ctx.db, JournalNote, citizen_id=citizen)
    assert {n.text for n in notes} == {"Borgeren var syg.", "Rettelse: borgeren var til lægen."}
    assert any(n.corrects_id == old for n in notes)
    assert "Correction of the note of" in tab.table.text(max(n.id for n in notes), 2)


def test_journal_search_filters_as_you_type(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    add_note(ctx.db, ctx.actor, citizen, "Praktik aftalt i bageriet.", today=TODAY)
    add_note(ctx.db, ctx.actor, citizen, "Telefonsamtale om helbred.", today=TODAY)
    tab = page.tab(JournalTab)
    page.open(citizen)
    assert tab.table.rowCount() == 2
    qtbot.keyClicks(tab.search, "bageri")
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1)


def test_history_shows_who_changed_what(
    qtbot, page: CitizenPage, ctx: UiContext, citizen: int
) -> None:
    plan = rows(ctx.db, Plan, citizen_id=citizen)[0]
    save_plan(ctx.db, ctx.actor, citizen, plan.version, {"job_goal": "Kok"}, today=TODAY)
    tab = page.tab(HistoryTab)
    page.open(citizen)
    texts = [tab.table.text(i, 4) for i in tab.table.ids()]
    assert any("Butiksassistent → Kok" in t for t in texts), texts
    assert all(tab.table.text(i, 1) == "KL" for i in tab.table.ids())
