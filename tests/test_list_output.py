"""Lists on paper and in a spreadsheet: Today, Deadlines and the citizen list, CPR numbers masked
unless chosen, each print and export in the access log with the citizens it names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from qt_reads import wait_idle
from sqlmodel import select

from app import i18n
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, AuditSubject
from app.ui.casework.context import UiContext
from tests.test_today import TODAY, karen, make_people

pytestmark = pytest.mark.gui


@pytest.fixture
def people(db: Database) -> dict[str, int]:
    return make_people(db)


@pytest.fixture
def win(qtbot, db: Database, people: dict[str, int]):
    from app.ui.main_window import MainWindow

    i18n.set_language("en")
    window = MainWindow(UiContext(db, karen(people), lambda: TODAY))
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    return window


def events(db: Database, action: str) -> list[tuple[AuditEvent, list[int]]]:
    with transaction(db) as s:
        found = s.exec(select(AuditEvent).where(AuditEvent.action == action)).all()
        return [
            (
                e,
                sorted(
                    s.exec(
                        select(AuditSubject.citizen_id).where(AuditSubject.event_seq == e.seq)
                    ).all()
                ),
            )
            for e in found
        ]


def test_today_as_csv_masks_the_cpr_and_is_logged(
    win,
    db: Database,
    people: dict[str, int],
    tmp_path: Path,
) -> None:
    from app.ui.list_output import export_list

    path = export_list(
        win.ctx,
        win,
        win.today_page.list_source(),
        path=tmp_path / "i-dag.csv",
        fmt="csv",
        full_cpr=False,
    )
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Section", "When", "Citizen", "CPR number", "What", "Details"]
    assert ["Conversations today", "14:00", "Bo Hansen", "010185-XXXX"] in [r[:4] for r in rows]
    assert "010185-4321" not in text
    ((event, subjects),) = events(db, "export_list")
    assert "list=today" in event.criterion and "cpr=masked" in event.criterion
    assert people["recent"] in subjects and people["old"] in subjects
    assert people["theirs"] not in subjects


def test_the_deadlines_as_xlsx_with_full_cpr(
    win,
    db: Database,
    people: dict[str, int],
    tmp_path: Path,
) -> None:
    from app.ui.list_output import export_list

    win.nav.setCurrentRow(win.pages.indexOf(win.worklist))
    path = export_list(
        win.ctx, win, win.current_list(), path=tmp_path / "frister.xlsx", fmt="xlsx", full_cpr=True
    )
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:4] == ["Group", "Due", "Citizen", "CPR number"]
    assert any(r[2] == "Bo Hansen" and r[3] == "010185-4321" for r in values[2:])
    assert any(str(r[0]).startswith("Overdue 91–365 days") for r in values[2:])
    ((event, _subjects),) = events(db, "export_list")
    assert "list=deadlines" in event.criterion and "cpr=full" in event.criterion


def test_the_citizen_list_printed_and_exported_from_the_file_menu(
    qtbot,
    win,
    db: Database,
    people: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from app.ui import list_output

    win.focus_search()
    win.citizens.scope.setCurrentIndex(1)  # all citizens
    wait_idle(qtbot, win.ctx.ops)
    source = win.current_list()
    table = source.table(False)
    assert [r[0] for r in table.rows] == ["Bo Hansen", "Carla Ibsen", "Åse Ørsted"]
    assert all(r[1].endswith("-XXXX") for r in table.rows)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "list.pdf"))
    assert list_output.print_list(win.ctx, win, source, full_cpr=False, printer=printer)
    assert (tmp_path / "list.pdf").stat().st_size > 1000
    ((event, subjects),) = events(db, "print_list")
    assert "list=citizens" in event.criterion and "scope=all" in event.criterion
    assert subjects == sorted([people["recent"], people["old"], people["theirs"]])

    chosen = tmp_path / "borgere.xlsx"
    monkeypatch.setattr(list_output.ListOptions, "exec", lambda self: 1)
    monkeypatch.setattr(
        list_output.QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), "")
    )
    win.export_list_action.trigger()  # File → Export the list (the options: XLSX, masked)
    names = [row[0].value for row in load_workbook(chosen).active.iter_rows(min_row=3)]
    assert names == ["Bo Hansen", "Carla Ibsen", "Åse Ørsted"]
    assert len(events(db, "export_list")) == 1
