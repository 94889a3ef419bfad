"""Casework dialogs driven as a user would: type, see problems next to fields, save."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from app.casework.core.actor import Actor
from app.store.engine import Database, transaction
from app.store.models import Caseworker, Citizen
from app.ui.casework.citizen_dialog import CitizenDialog
from app.ui.casework.context import UiContext

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx(db: Database) -> UiContext:
    with transaction(db) as s:
        worker = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        s.add(worker)
        s.flush()
        worker_id = worker.id
    return UiContext(db, Actor(worker_id, "KL", "Karen Lund", "caseworker", "karen"), lambda: TODAY)


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_new_citizen_explains_a_bad_cpr_next_to_the_field_and_saves_nothing(
    qtbot, ctx: UiContext
) -> None:
    dialog = CitizenDialog(ctx)
    qtbot.addWidget(dialog)
    _type(qtbot, dialog.form.editor("cpr"), "310290-1234")
    qtbot.waitUntil(lambda: dialog.form.error_text("cpr") != "")
    assert "gyldig fødselsdato" in dialog.form.error_text("cpr")
    dialog.try_save()
    assert dialog.result() == 0
    with transaction(ctx.db) as s:
        assert s.exec(select(Citizen)).all() == []


def test_new_citizen_is_saved_in_my_caseload(qtbot, ctx: UiContext) -> None:
    dialog = CitizenDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    _type(qtbot, dialog.form.editor("cpr"), "150390-1234")
    _type(qtbot, dialog.form.editor("first_name"), "Åse")
    _type(qtbot, dialog.form.editor("last_name"), "Ørsted")
    qtbot.keyClick(
        dialog.form.editor("last_name"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert dialog.result() == 1, (dialog.form.problems(), dialog.banner.text())
    with transaction(ctx.db) as s:
        row = s.exec(select(Citizen)).one()
        assert (row.first_name, row.last_name, row.caseworker_id, row.birth_date) == (
            "Åse",
            "Ørsted",
            ctx.actor.caseworker_id,
            date(1990, 3, 15),
        )
    assert dialog.result_value == row.id


def test_the_spell_dialog_asks_only_for_the_facts_of_the_chosen_benefit(
    qtbot, ctx: UiContext
) -> None:
    from app.ui.casework.spell_dialogs import StartSpellDialog

    dialog = StartSpellDialog(ctx, 1)
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form

    def shown(name: str) -> bool:
        return form.editor(name).isVisibleTo(dialog)

    form.editor("target_group").set_value("sygedagpenge")
    assert shown("absence_start_on") and shown("sick_category")
    assert not shown("first_request_on") and not shown("ledighed_hours")
    form.editor("target_group").set_value("kontanthjaelp_jobparat")
    assert shown("first_request_on") and shown("work_duty") and not shown("absence_start_on")
    form.editor("target_group").set_value("dagpenge")
    assert (
        shown("ledighed_hours")
        and shown("new_dagpengeperiode_on")
        and shown("visited_to_jobcenter")
    )
