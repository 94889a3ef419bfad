"""The bundle as one ``.xlsx`` workbook: a sheet per file (``citizens``, ``spells`` …), the same
columns as the CSV files. CPR and CVR numbers are text cells formatted as text (``@``), so a
spreadsheet keeps their leading zeros when they are edited; dates are date cells; yes/no and
codes are text, as in the CSV files. Written in streaming mode (rows are not kept by openpyxl).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, BinaryIO

from app.casework.bundle.format import FILE_NAMES, SPECS
from app.reports.safe_cells import neutralise_reversibly

#: Columns holding CPR numbers, CVR numbers or initials: always text.
TEXT_COLUMNS = frozenset(
    {"cpr", "cvr", "company_cvr", "initials", "caseworker", "postal_code", "phone"}
)


def sheet_name(file_name: str) -> str:
    return file_name.removesuffix(".csv")


def write_workbook(handle: BinaryIO, rows: dict[str, list[list[Any]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name in FILE_NAMES:
        sheet = book.create_sheet(sheet_name(name))
        columns = SPECS[name].column_names
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows[name]:
            sheet.append(
                [_cell(sheet, WriteOnlyCell, c, v) for c, v in zip(columns, row, strict=True)]
            )
    book.save(handle)


def _cell(sheet: Any, make: Any, column: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        cell = make(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = make(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, str):
        cell = make(sheet, value=neutralise_reversibly(value))
        if column in TEXT_COLUMNS:
            cell.number_format = "@"
        return cell
    return value
