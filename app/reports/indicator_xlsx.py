"""Indicators as an XLSX workbook (openpyxl): a summary sheet and one sheet per indicator with its
monthly series. Only anonymised figures go in: suppressed cells read "<5"."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

STATUS_DA = {
    "met": "opfyldt",
    "not_met": "ikke opfyldt",
    "no_target": "intet mål",
    "suppressed": "skjult (få personer)",
}


def xlsx_bytes(
    data: dict[str, Any], series: dict[str, list[tuple[str, float | None]]] | None = None
) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "Oversigt"
    summary.append(
        [
            f"Mål og indikatorer: {data['plan']}",
            f"{data['period']['start']} – {data['period']['end']}",
        ]
    )
    summary.append(["Tal under", data["threshold"], "vises som", f"<{data['threshold']}"])
    summary.append([])
    header = ["Indikator", "Mål (measure)", "Værdi", "Enhed", "Mål", "Sammenligning", "Status"]
    summary.append(header)
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
        summary.append(
            [
                item["label"],
                item["measure"],
                value,
                item["unit"],
                shown_target,
                comparison,
                STATUS_DA.get(item["status"], item["status"]),
            ]
        )
    summary.column_dimensions["A"].width = 70
    for item in data["indicators"]:
        sheet = book.create_sheet(item["id"][:31])
        sheet.append([item["label"]])
        sheet["A1"].font = Font(bold=True)
        sheet.append(["Måned", "Værdi"])
        for label, value in (series or {}).get(item["id"], []):
            sheet.append([label, f"<{data['threshold']}" if value is None else value])
        sheet.column_dimensions["A"].width = 14
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
