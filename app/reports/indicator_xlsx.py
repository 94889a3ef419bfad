"""Indicators as an XLSX workbook (openpyxl), the file a team lead forwards: a summary sheet, and
one sheet per indicator with what is counted, how the goal is computed (faithfully, with a stated
approximation, or not computable and why), its target, its monthly series (with a line chart) and
the period's figure.

Made to be calculated with: every figure is a number — a share a real percentage with a
percentage format (12.5 % is 0.125), a month a date shown as a month — and a suppressed figure
is an empty cell with a comment and a note beside it ("fewer than 5 persons"), so a column stays
numeric. Only anonymised figures go in; text a spreadsheet would run as a formula is neutralised.
The workbook's title and author (the municipality) are set.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from app import i18n
from app.i18n import N_
from app.reports.goalplans import Evaluation, IndicatorResult
from app.reports.indicator_text import (
    STATUS,
    UNIT_NAMES,
    counted_text,
    fidelity_text,
    note_text,
    period_text,
    summary_header,
    target_text,
)
from app.reports.measure_catalog import MEASURES
from app.reports.safe_cells import neutralise

STATE_NOTES = {
    "incomplete": N_("the month is not over: incomplete"),
    "future": N_("not counted yet"),
}
BOLD = Font(bold=True)
#: Number formats by unit; a share is stored as a fraction and shown as a percentage.
FORMATS = {"share": "0.0%", "fte": "0.00", "days": "0.0", "persons": "0", "count": "0"}
MONTH_FORMAT = "mmm yyyy"


def _row(sheet: Worksheet, cells: list[Any]) -> None:
    sheet.append([neutralise(cell) for cell in cells])


def _number(value: float | None, unit: str) -> float | None:
    """The figure as the cell holds it: a share as a fraction (12.5 % → 0.125)."""
    if value is None:
        return None
    return round(value / 100, 6) if unit == "share" else value


def _figure(cell: Cell, value: float | None, suppressed: bool, unit: str, threshold: int) -> None:
    """Put a figure in a cell: a number in the unit's format, or empty with a comment when it
    is suppressed (so the column stays numeric)."""
    cell.value = None if suppressed else _number(value, unit)
    cell.number_format = FORMATS.get(unit, "General")
    if suppressed:
        cell.comment = Comment(_suppressed_note(threshold), "Min Plan")


def _suppressed_note(threshold: int) -> str:
    return i18n._("Suppressed: fewer than {n} persons").format(n=threshold)


def _sheet_name(wanted: str, taken: set[str]) -> str:
    base = "".join(ch for ch in wanted if ch not in "[]:*?/\\")[:31] or "indikator"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f"-{number}"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _summary(sheet: Worksheet, evaluation: Evaluation) -> None:
    _ = i18n._
    counted = evaluation.counted or evaluation.period
    limit = evaluation.threshold
    _row(sheet, [_("Goals and indicators: {plan}").format(plan=evaluation.plan.name)])
    sheet["A1"].font = Font(bold=True, size=14)
    _row(
        sheet,
        [
            _("Period: {start} – {end}").format(
                start=i18n.format_short_date(counted.start),
                end=i18n.format_short_date(counted.end),
            )
        ],
    )
    _row(
        sheet,
        [
            _("Figures for fewer than {n} persons are left empty, with a note.").format(n=limit)
            + " "
            + _("Shares are percentages, months are dates.")
        ],
    )
    sheet.append([])
    _row(sheet, summary_header())
    for cell in sheet[5]:
        cell.font = BOLD
    for r in evaluation.results:
        notes = []
        if r.suppressed:
            notes.append(_suppressed_note(limit))
        if r.comparison_suppressed:
            notes.append(_("comparison suppressed"))
        _row(
            sheet,
            [
                r.indicator.label,
                _(MEASURES[r.indicator.measure].title) if r.indicator.computable else "",
                None,
                _(UNIT_NAMES[r.unit]) if r.unit else "",
                target_text(r.indicator.target.as_dict() if r.indicator.target else None, r.unit)
                if r.indicator.computable
                else "",
                period_text(r.comparison_label),
                None,
                _(STATUS[r.status]),
                fidelity_text(r.indicator),
                "; ".join([note_text(r.indicator), *notes]).strip("; "),
            ],
        )
        row = sheet.max_row
        _figure(sheet.cell(row, 3), r.value, r.suppressed, r.unit, limit)
        if r.comparison_label:
            _figure(sheet.cell(row, 7), r.comparison, r.comparison_suppressed, r.unit, limit)
    widths = (58, 28, 12, 16, 30, 22, 13, 13, 26, 70)
    for column, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=6):
        for cell in (row[0], row[9]):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B6"


def _month(label: str) -> date:
    year, month = label.split("-")
    return date(int(year), int(month), 1)


def _indicator_sheet(sheet: Worksheet, evaluation: Evaluation, r: IndicatorResult) -> None:
    _ = i18n._
    limit = evaluation.threshold
    _row(sheet, [r.indicator.label])
    sheet["A1"].font = Font(bold=True, size=12)
    if r.indicator.computable:
        _row(sheet, [_("What is counted: {text}").format(text=counted_text(r.indicator))])
    _row(sheet, [_("How computed: {text}").format(text=_how(r))])
    if r.indicator.computable:
        _row(
            sheet,
            [
                _("Target: {target}").format(
                    target=target_text(
                        r.indicator.target.as_dict() if r.indicator.target else None, r.unit
                    )
                )
            ],
        )
    if not r.indicator.computable:
        sheet.column_dimensions["A"].width = 100
        return
    sheet.append([])
    _row(sheet, [_("Month"), _("Actual"), _("Note")])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = BOLD
    points = evaluation.series.get(r.indicator.id, ())
    for point in points:
        note = _suppressed_note(limit) if point.suppressed else ""
        if point.state in STATE_NOTES:
            note = ", ".join(filter(None, [note, _(STATE_NOTES[point.state])]))
        _row(sheet, [_month(point.label), None, note])
        row = sheet.max_row
        sheet.cell(row, 1).number_format = MONTH_FORMAT
        sheet.cell(row, 1).alignment = Alignment(horizontal="left")
        _figure(sheet.cell(row, 2), point.value, point.suppressed, r.unit, limit)
    _row(
        sheet,
        [
            _("The period"),
            None,
            ", ".join(
                filter(None, [_(STATUS[r.status]), _suppressed_note(limit) if r.suppressed else ""])
            ),
        ],
    )
    total = sheet.max_row
    sheet.cell(total, 1).font = BOLD
    _figure(sheet.cell(total, 2), r.value, r.suppressed, r.unit, limit)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 40
    if any(isinstance(p.value, float | int) for p in points):
        chart = LineChart()
        chart.title = None
        chart.legend = None
        chart.height, chart.width = 7, 16
        chart.y_axis.number_format = FORMATS.get(r.unit, "General")
        chart.x_axis.number_format = MONTH_FORMAT
        data = Reference(sheet, min_col=2, min_row=header, max_row=header + len(points))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(
            Reference(sheet, min_col=1, min_row=header + 1, max_row=header + len(points))
        )
        sheet.add_chart(chart, f"E{header}")


def _how(r: IndicatorResult) -> str:
    note = note_text(r.indicator)
    return f"{fidelity_text(r.indicator)} — {note}" if note else fidelity_text(r.indicator)


def xlsx_bytes(evaluation: Evaluation) -> bytes:
    from app.reports.plan_pdf import letterhead

    book = Workbook()
    counted = evaluation.counted or evaluation.period
    book.properties.title = f"{evaluation.plan.name} · {period_text(counted.label)}"
    book.properties.creator = letterhead().municipality
    book.properties.lastModifiedBy = "Min Plan"
    book.properties.subject = i18n._("Goals and indicators")
    summary = book.active
    summary.title = i18n._("Summary")[:31]
    taken = {summary.title.lower()}
    _summary(summary, evaluation)
    for r in evaluation.results:
        _indicator_sheet(book.create_sheet(_sheet_name(r.indicator.id, taken)), evaluation, r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
