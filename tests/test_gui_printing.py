"""Printing from the GUI: the preview draws the real PDF pages; the batch runs off the GUI thread."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.casework.actor import Actor
from app.casework.citizens import create_citizen
from app.casework.plan import save_plan
from app.store.engine import Database, transaction
from app.store.models import Caseworker
from app.ui.casework.context import UiContext

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx(db: Database) -> UiContext:
    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        s.add(karen)
        s.flush()
        karen_id = karen.id
    me = Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen")
    for cpr, first in (("150390-1234", "Åse"), ("010185-4321", "Bo"), ("241299-2222", "Carla")):
        citizen = create_citizen(
            db,
            me,
            {"cpr": cpr, "first_name": first, "last_name": "Ørsted", "digital_post_exempt": True},
            today=TODAY,
        ).id
        save_plan(db, me, citizen, None, {"job_goal": "Kok"}, today=TODAY)
    return UiContext(db, me, lambda: TODAY)


def test_pdf_pages_become_images_for_preview_and_printer(
    qtbot, ctx: UiContext, tmp_path: Path
) -> None:
    from app.casework.plan_printing import plan_pdf
    from app.ui.printing import PlanPrinter, page_images

    images = page_images(plan_pdf(ctx.db, ctx.actor, 1, record=False, today=TODAY), dpi=50)
    assert len(images) == 1 and images[0].width() > 100 and not images[0].isNull()
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = PlanPrinter(ctx, parent).preview(1)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    dialog.close()
    saved = PlanPrinter(ctx, parent).save_as(2, tmp_path / "bo.pdf")
    assert saved.read_bytes().startswith(b"%PDF")


def test_batch_dialog_writes_the_paper_plans_off_the_gui_thread(
    qtbot, ctx: UiContext, tmp_path: Path
) -> None:
    from app.ui.printing import BatchPrintDialog

    dialog = BatchPrintDialog(ctx, None)
    qtbot.addWidget(dialog)
    assert "3" in dialog.scope.text()
    dialog.folder.setText(str(tmp_path / "plans"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=20_000)
    dialog.wait()
    assert len(list((tmp_path / "plans").glob("*.pdf"))) == 3
    assert dialog.bar.value() == 3
    assert dialog.cancel_button.text() in ("Luk", "Close")


def test_batch_for_a_selection_of_citizens_in_the_list(qtbot, ctx: UiContext) -> None:
    from PySide6.QtCore import QItemSelectionModel

    from app.ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    table = win.citizens.table
    model = win.citizens.model
    for row in (0, 2):
        table.selectionModel().select(
            model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert len(win.citizens.selected_citizen_ids()) == 2
    win.batch_selected_action.trigger()
    assert "2" in win.last_dialog.scope.text()
    win.last_dialog.reject()
