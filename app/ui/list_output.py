"""Print a list or save it as a spreadsheet: the Today page, the Deadlines list, the citizen list.

``ListSource`` is what a page offers: the list's name (for the access log), its criterion (the
filter shown) and ``table(full_cpr)`` — the rows as shown, with the CPR numbers masked unless the
user chose them in full. ``ListOptions`` asks that choice (and the format for an export);
``print_list`` and ``export_list`` do the rest through ``app.casework.citizens.list_export``, so both are
recorded in the access log. A print is recorded only once the print dialog was accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.identifiers import format_cpr, masked_cpr
from app.i18n import _
from app.reports.list_table import ListTable

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from app.ui.casework.context import UiContext


def cpr_text(cpr: str, full: bool) -> str:
    """``150390-1234`` in full, else ``150390-XXXX``."""
    return format_cpr(cpr) if full else masked_cpr(cpr)


@dataclass
class ListSource:
    name: str  # "today", "deadlines" or "citizens"
    criterion: Callable[[], str]
    table: Callable[[bool], ListTable]


class ListOptions(QDialog):
    """Full CPR numbers or masked (the default), and for an export the format."""

    def __init__(self, title: str, *, export: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.format = QComboBox(self)
        self.format.addItem(_("Excel workbook (.xlsx)"), "xlsx")
        self.format.addItem(_("CSV file (.csv)"), "csv")
        self.format.setAccessibleName(_("Format"))
        self.full_cpr = QCheckBox(_("&Full CPR numbers"), self)
        self.full_cpr.setToolTip(_("Otherwise the last four digits are masked (150390-XXXX)"))
        form = QFormLayout()
        if export:
            form.addRow(_("&Format:"), self.format)
        form.addRow("", self.full_cpr)
        note = QLabel(_("The list and the citizens it names are recorded in the access log."), self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)


def list_html(table: ListTable) -> str:
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in table.headers)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in table.rows
    )
    subtitle = f"<p>{escape(table.subtitle)}</p>" if table.subtitle else ""
    return (
        f"<h2>{escape(table.title)}</h2>{subtitle}"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def print_list(
    ctx: UiContext,
    parent: QWidget,
    source: ListSource,
    *,
    full_cpr: bool | None = None,
    printer: QPrinter | None = None,
) -> bool:
    """Ask, then print; True once printed (and recorded). Tests pass ``full_cpr`` and a
    ``printer`` (a PDF file) to skip the dialogs."""
    if full_cpr is None:
        options = ListOptions(_("Print the list"), export=False, parent=parent)
        if options.exec() != QDialog.DialogCode.Accepted:
            return False
        full_cpr = options.full_cpr.isChecked()
    table = source.table(full_cpr)
    if printer is None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # not needed to show a list

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    document = QTextDocument()
    document.setHtml(list_html(table))
    document.print_(printer)
    from app.casework.citizens.list_export import record_list_print

    record_list_print(
        ctx.db,
        ctx.actor,
        source.name,
        table,
        criterion=source.criterion(),
        full_cpr=full_cpr,
    )
    return True


def export_list(
    ctx: UiContext,
    parent: QWidget,
    source: ListSource,
    *,
    path: Path | None = None,
    fmt: str | None = None,
    full_cpr: bool | None = None,
) -> Path | None:
    """Ask for the options and the file, then write it; the path written, or None if cancelled.
    Raises ``MinPlanError`` (a full disk, a folder without rights) for the caller to show."""
    if fmt is None or full_cpr is None:
        options = ListOptions(_("Export the list"), export=True, parent=parent)
        if options.exec() != QDialog.DialogCode.Accepted:
            return None
        fmt, full_cpr = options.format.currentData(), options.full_cpr.isChecked()
    if path is None:
        suggested = str(Path.home() / f"min-plan-{source.name}-{ctx.today().isoformat()}.{fmt}")
        pattern = _("Excel workbook (*.xlsx)") if fmt == "xlsx" else _("CSV file (*.csv)")
        chosen, _filter = QFileDialog.getSaveFileName(
            parent, _("Export the list"), suggested, pattern
        )
        if not chosen:
            return None
        path = Path(chosen if chosen.lower().endswith(f".{fmt}") else f"{chosen}.{fmt}")
    from app.casework.citizens.list_export import export_list as export_use_case

    export_use_case(
        ctx.db,
        ctx.actor,
        source.name,
        source.table(full_cpr),
        path,
        fmt,
        criterion=source.criterion(),
        full_cpr=full_cpr,
    )
    return path
