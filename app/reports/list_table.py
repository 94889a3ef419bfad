"""A list as it is shown on screen (a title, column headers, rows of text) as a file: an Excel
workbook or a CSV file in Min Plan's one CSV convention (``app.reports.csv_convention``).

Every cell is neutralised against formula injection; CPR numbers stay text (a leading zero is
kept). The rows are made by the window, so the file holds exactly what the user saw.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from app.reports import csv_convention
from app.reports.safe_cells import neutralise

FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class ListTable:
    """``title`` names the list (the sheet, the printout's heading); ``citizen_ids`` are the
    citizens it names (for the access log), in any order."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    citizen_ids: Sequence[int] = ()
    subtitle: str = ""


def csv_bytes(table: ListTable) -> bytes:
    out = io.StringIO()
    writer = csv_convention.writer(out)
    writer.writerow([neutralise(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue().encode(csv_convention.ENCODING)


def xlsx_bytes(table: ListTable) -> bytes:
    from openpyxl import Workbook  # a third of a second: imported when a list is exported
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = (table.title[:31] or "Min Plan").translate(str.maketrans("[]:*?/\\", "()-----"))
    first = 1
    if table.subtitle:
        sheet.append([neutralise(table.subtitle)])
        sheet.cell(1, 1).font = Font(italic=True)
        first = 2
    sheet.append([neutralise(h) for h in table.headers])
    for cell in sheet[first]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([neutralise(cell) for cell in row])
    for cells in sheet.iter_rows(min_row=first + 1):
        for cell in cells:
            cell.number_format = "@"  # text: a CPR number or a date stays as shown
    for index, header in enumerate(table.headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1])) for r in table.rows[:500]])
        sheet.column_dimensions[sheet.cell(first, index).column_letter].width = min(60, width + 2)
    sheet.freeze_panes = sheet.cell(first + 1, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_bytes(table: ListTable, fmt: str) -> bytes:
    return xlsx_bytes(table) if fmt == "xlsx" else csv_bytes(table)
