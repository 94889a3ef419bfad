"""A team lead makes a goal plan by typing and clicking, sees it evaluated on the dashboard,
changes it, and copies a shipped plan; problems are explained in the editor; caseworkers cannot."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlmodel import select

from app.casework.core.actor import Actor
from app.casework.goals.goal_plans import user_plans
from app.store.engine import Database, transaction
from app.store.models import AuditEvent
from app.ui.casework.context import UiContext
from app.ui.indicators.page import IndicatorsPage
from tests.test_gui_indicators import rows, show
from tests.test_measures import ADULT, born, spell

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)
LEAD = Actor(None, "TL", "Tove Larsen", "teamlead", "tove")


@pytest.fixture
def page(qtbot, db: Database, actor: Actor) -> IndicatorsPage:  # type: ignore[no-untyped-def]
    """Seven citizens in fleksjob since 2025 and six on sygedagpenge in 2025 (two still in 2026)."""
    for _ in range(7):
        spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2025, 1, 1))
    for index in range(6):
        end = None if index < 2 else date(2025, 12, 31)
        spell(db, actor, born(db, actor, ADULT), "sygedagpenge", date(2025, 1, 1), end)
    widget = IndicatorsPage(UiContext(db, LEAD, lambda: TODAY))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.loaded, timeout=20_000)
    return widget


def dialog_of(qtbot, owner):  # type: ignore[no-untyped-def]
    dialog = owner.last_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def click_save(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def pick(combo, code) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(code))


def test_a_team_lead_creates_a_plan_by_typing_and_clicking_and_sees_it_evaluated(
    qtbot, page: IndicatorsPage, db: Database
) -> None:
    page.new_action.trigger()
    editor = dialog_of(qtbot, page)
    assert editor.windowTitle() == "Ny målplan"
    assert editor.form.editor("valid_from").text() == "01.01.2026"
    qtbot.keyClicks(editor.form.editor("name"), "Fleksjob og sygedagpenge 2026")

    # first indicator: full-time persons in fleksjob, at least 5
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    first = dialog_of(qtbot, editor)
    pick(first.form.editor("measure"), "fte")
    assert first.form.editor("label").text() == "Fuldtidspersoner", "the measure's name as a start"
    first.form.editor("label").selectAll()
    qtbot.keyClicks(first.form.editor("label"), "Fuldtidspersoner i fleksjob")
    groups = first.form.editor("groups")
    groups.setFocus()
    groups.setCurrentRow(groups.codes().index("fleksjob"))
    qtbot.keyClick(groups, Qt.Key.Key_Space)
    assert not first.form.editor("kinds").isVisible(), "fte takes no offer kinds"
    pick(first.form.editor("target_kind"), "min")
    assert first.form.editor("minimum").isVisible() and not first.form.editor("compare").isVisible()
    qtbot.keyClicks(first.form.editor("minimum"), "5")
    click_save(qtbot, first)
    assert not first.isVisible()

    # second indicator: persons 18–66 on sygedagpenge, falling compared with last year
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    second = dialog_of(qtbot, editor)
    pick(second.form.editor("measure"), "persons")
    second.form.editor("label").selectAll()
    qtbot.keyClicks(second.form.editor("label"), "Sygedagpengemodtagere falder")
    second.form.editor("groups").tick("sygedagpenge")
    for field, number in (("min_age", "18"), ("max_age", "66")):
        box = second.form.editor(field)
        box.setFocus()
        box.selectAll()
        qtbot.keyClicks(box, number)
    pick(second.form.editor("target_kind"), "down")
    assert second.form.editor("compare").isVisible()
    click_save(qtbot, second)
    assert [editor.table.text(i, 0) for i in editor.table.ids()] == [
        "Fuldtidspersoner i fleksjob",
        "Sygedagpengemodtagere falder",
    ]
    assert editor.table.text(1, 2) == "Sygedagpenge · 18–66 år"
    assert editor.table.text(1, 3) == "falder i forhold til samme periode sidste år"

    with qtbot.waitSignal(page.evaluated, timeout=20_000):
        click_save(qtbot, editor)
    assert page.plan.currentText() == "Fleksjob og sygedagpenge 2026 (egen plan)"
    assert page.plan.currentData() == "fleksjob-og-sygedagpenge-2026"
    shown = rows(page)
    assert shown["Fuldtidspersoner i fleksjob"] == [
        "7 fuldtidspersoner",
        "≥ 5 fuldtidspersoner",
        "7 fuldtidspersoner (01.01.2025–23.11.2025); ±0 fuldtidspersoner",
        "opfyldt",
    ]
    # 2026 counted up to 23 November: 2 on sygedagpenge (<5); 2025 up to 23 November: 6
    assert shown["Sygedagpengemodtagere falder"][0] == "<5 personer"
    assert shown["Sygedagpengemodtagere falder"][3] == "skjult"
    with transaction(db) as s:
        created = s.exec(select(AuditEvent).where(AuditEvent.action == "create_goal_plan")).one()
    details = json.loads(created.details)
    assert created.user_initials == "TL"
    assert [i["measure"] for i in details["new"]["indicators"]] == ["fte", "persons"]
    assert details["new"]["indicators"][1]["params"] == {
        "groups": ["sygedagpenge"],
        "min_age": 18,
        "max_age": 66,
    }


def test_a_plan_made_in_the_app_is_changed_and_reordered_in_the_editor(
    qtbot, page: IndicatorsPage, db: Database
) -> None:
    from app.casework.goals.goal_plans import save_goal_plan
    from app.domain.goalplan import GoalPlan, Indicator, Target

    plan = GoalPlan(
        "",
        "Teamets mål",
        "Herlev Kommune",
        "quarterly",
        (
            Indicator("", "Fleksjob", "fte", {"groups": ["fleksjob"]}, Target(minimum=5)),
            Indicator("", "Sygedagpenge", "persons", {"groups": ["sygedagpenge"]}),
        ),
        editable=True,
    )
    _saved, key = save_goal_plan(db, LEAD, plan)
    page.reload_plans(select=key)
    show(qtbot, page, key, "2026-Q1")
    assert rows(page)["Fleksjob"][3] == "opfyldt"
    page.edit_action.trigger()
    editor = dialog_of(qtbot, page)
    assert editor.windowTitle() == "Ret målplan"
    assert "Id: teamets-maal" in editor.id_label.text()
    editor.table.setFocus()
    editor.table.selectRow(0)
    qtbot.keyClick(editor.table, Qt.Key.Key_Return)
    change = dialog_of(qtbot, editor)
    assert change.form.editor("minimum").text() == "5"
    change.form.editor("minimum").selectAll()
    qtbot.keyClicks(change.form.editor("minimum"), "10")
    click_save(qtbot, change)
    qtbot.keyClick(editor.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert [editor.table.text(i, 0) for i in editor.table.ids()] == ["Sygedagpenge", "Fleksjob"]
    with qtbot.waitSignal(page.evaluated, timeout=20_000):
        click_save(qtbot, editor)
    assert [page.table.text(i, 0) for i in page.table.ids()] == ["Sygedagpenge", "Fleksjob"]
    assert rows(page)["Fleksjob"][1:4:2] == ["≥ 10 fuldtidspersoner", "ikke opfyldt"]
    with transaction(db) as s:
        edit = s.exec(select(AuditEvent).where(AuditEvent.action == "edit_goal_plan")).one()
    details = json.loads(edit.details)
    assert details["old"]["indicators"][0]["target"] == {"minimum": 5.0}
    assert details["new"]["indicators"][1]["target"] == {"minimum": 10.0}


def test_the_editor_explains_problems_and_keeps_nothing_half_saved(
    qtbot, page: IndicatorsPage, db: Database
) -> None:
    page.new_action.trigger()
    editor = dialog_of(qtbot, page)
    click_save(qtbot, editor)
    assert editor.isVisible()
    assert editor.form.error_text("name") == "Giv målplanen et navn"
    qtbot.keyClicks(editor.form.editor("name"), "Tom plan")
    click_save(qtbot, editor)
    assert editor.isVisible() and editor.banner.text() == "En målplan skal have mindst én indikator"
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    indicator = dialog_of(qtbot, editor)
    pick(indicator.form.editor("measure"), "recruitment_orders_matched_share")
    pick(indicator.form.editor("target_kind"), "min")
    qtbot.keyClicks(indicator.form.editor("minimum"), "120")
    qtbot.waitUntil(lambda: indicator.form.error_text("minimum") != "")
    assert indicator.form.error_text("minimum") == "En andel kan højst være 100 %"
    click_save(qtbot, indicator)
    assert indicator.isVisible()
    indicator.reject()
    editor.form.editor("valid_to").selectAll()
    qtbot.keyClicks(editor.form.editor("valid_to"), "01.01.2020")
    qtbot.waitUntil(lambda: editor.form.error_text("valid_to") != "")
    assert editor.form.error_text("valid_to").startswith("Planen slutter")
    editor.reject()
    assert user_plans(db) == []


def test_a_shipped_plan_is_changed_as_a_copy_and_the_file_stays(
    qtbot, page: IndicatorsPage, db: Database
) -> None:
    from app.casework.goals.goal_plans import load_goalplan

    show(qtbot, page, "glostrup-2023", "2026-Q1")
    assert not page.delete_action.isEnabled(), "a shipped plan cannot be deleted"
    page.edit_action.trigger()
    editor = dialog_of(qtbot, page)
    assert (
        editor.form.editor("name").text() == "Kopi af Glostrup 2023–2025: ministermål og lokale mål"
    )
    assert editor.table.rowCount() == len(load_goalplan("glostrup-2023").indicators)
    editor.table.setFocus()
    editor.table.selectRow(3)  # ministermål 3, supplementary: the 190-hour variant
    assert editor.table.text(3, 4) == "Tilnærmelse"
    qtbot.keyClick(editor.table, Qt.Key.Key_Return)
    indicator = dialog_of(qtbot, editor)
    assert indicator.form.editor("measure").value() == "refugee_self_support_share"
    assert indicator.form.editor("min_hours").value() == 190
    assert indicator.form.editor("fidelity").value() == "approximate"
    assert "190" in indicator.form.editor("note").text()
    assert indicator.form.editor("min_age").specialValueText() == "– (18)"
    assert not indicator.form.editor("kinds").isVisible()
    indicator.reject()
    editor.form.editor("name").selectAll()
    qtbot.keyClicks(editor.form.editor("name"), "Glostrup 2026 med måltal")
    with qtbot.waitSignal(page.evaluated, timeout=20_000):
        click_save(qtbot, editor)
    copy = next(p for p in user_plans(db) if p.name == "Glostrup 2026 med måltal")
    assert copy.based_on == "glostrup-2023" and page.plan.currentData() == copy.id
    assert load_goalplan("glostrup-2023").name == "Glostrup 2023–2025: ministermål og lokale mål"
    page.delete_plan(confirmed=True)
    qtbot.waitUntil(lambda: not page.busy, timeout=20_000)
    assert user_plans(db) == []


def test_a_caseworker_cannot_open_the_plan_tools(qtbot, db: Database) -> None:
    worker = UiContext(db, Actor(None, "KL", "Karen Lund", "caseworker", "karen"), lambda: TODAY)
    widget = IndicatorsPage(worker)
    qtbot.addWidget(widget)
    assert not widget.plan_button.isEnabled() and not widget.target_button.isEnabled()


def test_a_goal_the_case_data_cannot_measure_is_kept_with_its_reason(
    qtbot, page: IndicatorsPage, db: Database
) -> None:
    page.new_action.trigger()
    editor = dialog_of(qtbot, page)
    qtbot.keyClicks(editor.form.editor("name"), "Virksomheder 2026")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    goal = dialog_of(qtbot, editor)
    goal.form.editor("label").selectAll()
    qtbot.keyClicks(goal.form.editor("label"), "Virksomhederne er tilfredse")
    pick(goal.form.editor("fidelity"), "not_computable")
    assert (
        not goal.form.editor("measure").isVisible()
        and not goal.form.editor("target_kind").isVisible()
    )
    click_save(qtbot, goal)
    assert goal.isVisible(), "a goal that cannot be computed must say why"
    assert goal.form.error_text("note").startswith("Skriv i en sætning")
    qtbot.keyClicks(
        goal.form.editor("note"), "Måles ved en spørgeundersøgelse blandt virksomhederne."
    )
    click_save(qtbot, goal)
    assert not goal.isVisible()
    assert (
        editor.table.text(0, 1) == "–"
        and editor.table.text(0, 4) == "Kan ikke beregnes ud fra sagsdata"
    )
    with qtbot.waitSignal(page.evaluated, timeout=20_000):
        click_save(qtbot, editor)
    saved = next(p for p in user_plans(db) if p.name == "Virksomheder 2026")
    only = saved.indicators[0]
    assert (only.fidelity, only.measure, only.note) == (
        "not_computable",
        "",
        "Måles ved en spørgeundersøgelse blandt virksomhederne.",
    )
    assert rows(page)["Virksomhederne er tilfredse"][3] == "kan ikke beregnes"
