"""Indicators as an XLSX workbook (openpyxl): a summary sheet and one sheet per indicator with its
monthly series. Only anonymised figures go in: suppressed cells read "<5"."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from app.reports.safe_cells import neutralise

STATUS_DA = {
    "met": "opfyldt",
    "not_met": "ikke opfyldt",
    "no_target": "intet mål",
    "suppressed": "skjult (få personer)",
}


def _append(sheet: Any, row: list[Any]) -> None:
    """A row with formula-looking text neutralised (openpyxl stores text starting with ``=`` as a
    formula, and the labels come from user-made goal-plan files)."""
    sheet.append([neutralise(value) for value in row])


def xlsx_bytes(
    data: dict[str, Any], series: dict[str, list[tuple[str, float | None]]] | None = None
) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "Oversigt"
    _append(
        summary,
        [
            f"Mål og indikatorer: {data['plan']}",
            f"{data['period']['start']} – {data['period']['end']}",
        ],
    )
    _append(summary, ["Tal under", data["threshold"], "vises som", f"<{data['threshold']}"])
    _append(summary, [])
    header = ["Indikator", "Mål (measure)", "Værdi", "Enhed", "Mål", "Sammenligning", "Status"]
    _append(summary, header)
    for cell in summary[4]:
        cell.font = Font(bold=True)
    for item in data["indicators"]:
        target = item["target"] or {}
        shown_target = (
            f">= {target['minimum']:g}"
            if target.get("minimum") is not None
            else f"<= {target['maximum']:g}"
            if target.get("maximum") is not None
            else target.get("direction", "")
        )
        comparison = item["comparison"]["value"] if item["comparison"] else None
        value = f"<{data['threshold']}" if item["suppressed"] else item["value"]
        _append(
            summary,
            [
                item["label"],
                item["measure"],
                value,
                item["unit"],
                shown_target,
                comparison,
                STATUS_DA.get(item["status"], item["status"]),
            ],
        )
    summary.column_dimensions["A"].width = 70
    for item in data["indicators"]:
        sheet = book.create_sheet(item["id"][:31])
        _append(sheet, [item["label"]])
        sheet["A1"].font = Font(bold=True)
        _append(sheet, ["Måned", "Værdi"])
        for label, value in (series or {}).get(item["id"], []):
            _append(sheet, [label, f"<{data['threshold']}" if value is None else value])
        sheet.column_dimensions["A"].width = 14
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
