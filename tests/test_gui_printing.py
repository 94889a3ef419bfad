"""Printing from the GUI: the preview draws the real PDF pages; the batch runs off the GUI thread."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.casework.plan.plan import save_plan
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
    from app.casework.plan.plan_printing import plan_pdf
    from app.ui.printing import PlanPrinter, page_images

    images = page_images(plan_pdf(ctx.db, ctx.actor, 1, record=False, today=TODAY), dpi=50)
    assert len(images) == 1 and images[0].width() > 100 and not images[0].isNull()
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = PlanPrinter(ctx, parent).preview(1)
    assert dialog.isVisible()
    dialog.close()
    saved = PlanPrinter(ctx, parent).save_as(2, tmp_path / "bo.pdf")
    assert saved.read_bytes().startswith(b"%PDF")


def _printed(ctx: UiContext, citizen_id: int) -> tuple[int, list]:
    from sqlmodel import select

    from app.casework.plan.plan import plan_versions
    from app.store.models import AuditEvent

    with transaction(ctx.db) as s:
        events = s.exec(
            select(AuditEvent).where(
                AuditEvent.action == "print_plan", AuditEvent.citizen_id == citizen_id
            )
        ).all()
        count = len(events)
    return count, [v for v in plan_versions(ctx.db, ctx.actor, citizen_id) if v[3] is not None]


def test_the_preview_keeps_its_printer_alive_while_it_repaints(qtbot, ctx: UiContext) -> None:
    """The printer used to be collected when ``preview`` returned; the next repaint crashed."""
    import gc

    from PySide6.QtWidgets import QWidget

    from app.ui.printing import PlanPrinter

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = PlanPrinter(ctx, parent).preview(1)
    gc.collect()
    for _ in range(3):
        dialog.preview.updatePreview()
        qtbot.wait(20)
    assert dialog.printer().pageLayout().orientation().name == "Portrait"
    assert dialog.preview.zoomMode() == dialog.preview.ZoomMode.FitToWidth
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.close()


def test_a_preview_closed_without_printing_records_nothing(qtbot, ctx: UiContext) -> None:
    from PySide6.QtWidgets import QWidget

    from app.ui.printing import PlanPrinter

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = PlanPrinter(ctx, parent).preview(1)
    qtbot.wait(50)
    dialog.reject()
    assert _printed(ctx, 1) == (0, [])


def test_printing_from_the_preview_records_the_printed_plan_version(
    qtbot, ctx: UiContext, tmp_path: Path
) -> None:
    """What the preview's print button does after the print dialog is accepted: paint the pages
    on the printer, then accept; only then the audit event and the printed version."""
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QWidget

    from app.ui.printing import PlanPrinter

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = PlanPrinter(ctx, parent).preview(1)
    out = tmp_path / "printed.pdf"
    dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer().setOutputFileName(str(out))
    with qtbot.waitSignal(dialog.printed) as signal:
        dialog.preview.print_()
        dialog.accept()
    assert out.read_bytes().startswith(b"%PDF")
    count, versions = _printed(ctx, 1)
    assert count == 1 and [v[0] for v in versions] == [signal.args[0]]


def test_a_failed_print_records_nothing(qtbot, ctx: UiContext, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QWidget

    from app.ui.printing import PlanPrinter

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = PlanPrinter(ctx, parent).preview(1)
    dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer().setOutputFileName(str(tmp_path / "no-such-folder" / "x.pdf"))
    with qtbot.assertNotEmitted(dialog.printed):
        dialog.preview.print_()
        dialog.accept()
    assert _printed(ctx, 1) == (0, [])


def test_a_colleagues_citizen_is_refused_before_the_preview_opens(qtbot, ctx: UiContext) -> None:
    from PySide6.QtWidgets import QWidget

    from app.casework.core.actor import Actor
    from app.domain.errors import PermissionDeniedError
    from app.ui.printing import PlanPrinter

    with transaction(ctx.db) as s:
        other = Caseworker(initials="OL", name="Ole Lund", team="Team Job", role="caseworker")
        s.add(other)
        s.flush()
        other_actor = Actor(other.id, "OL", "Ole Lund", "caseworker", "ole")
    parent = QWidget()
    qtbot.addWidget(parent)
    colleague = UiContext(ctx.db, other_actor, ctx.today)
    with pytest.raises(PermissionDeniedError):
        PlanPrinter(colleague, parent).preview(1)


def test_closing_a_running_batch_stops_it_and_waits(qtbot, ctx: UiContext, tmp_path: Path) -> None:
    from app.ui.printing import BatchPrintDialog

    dialog = BatchPrintDialog(ctx, None)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path / "plans"))
    dialog.start()
    dialog.reject()
    assert not dialog.thread.isRunning()


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
    # gone when closed, not one hidden dialog (and thread) per use for the rest of the day
    assert win.last_dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    win.last_dialog.reject()
