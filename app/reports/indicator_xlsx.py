"""Indicators as an XLSX workbook (openpyxl): a summary sheet, and one sheet per indicator with
what is counted, its target, its monthly series (with a line chart) and the period's figure.
Only anonymised figures go in: suppressed cells read "<5"; text that a spreadsheet would run as
a formula is neutralised. Figures are real numbers, so the sheet can calculate with them."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from app import i18n
from app.i18n import N_
from app.reports.goalplans import Evaluation, IndicatorResult
from app.reports.indicator_export import (
    STATUS,
    UNIT_NAMES,
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


def _value(value: float | None, suppressed: bool, threshold: int) -> float | str | None:
    return f"<{threshold}" if suppressed else value


def _row(sheet: Worksheet, cells: list) -> None:
    sheet.append([neutralise(cell) for cell in cells])


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
    _row(sheet, [_("Figures for fewer than {n} persons are shown as <{n}.").format(n=limit)])
    sheet.append([])
    _row(sheet, summary_header())
    for cell in sheet[5]:
        cell.font = BOLD
    for r in evaluation.results:
        _row(
            sheet,
            [
                r.indicator.label,
                _(MEASURES[r.indicator.measure].title),
                _value(r.value, r.suppressed, limit),
                _(UNIT_NAMES[r.unit]),
                target_text(r.indicator.target.as_dict() if r.indicator.target else None, r.unit),
                period_text(r.comparison_label),
                _value(r.comparison, r.comparison_suppressed, limit),
                _(STATUS[r.status]),
            ],
        )
    for column, width in zip("ABCDEFGH", (64, 30, 12, 18, 34, 24, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=6):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _indicator_sheet(sheet: Worksheet, evaluation: Evaluation, r: IndicatorResult) -> None:
    _ = i18n._
    limit = evaluation.threshold
    _row(sheet, [r.indicator.label])
    sheet["A1"].font = Font(bold=True, size=12)
    _row(
        sheet,
        [_("What is counted: {text}").format(text=_(MEASURES[r.indicator.measure].definition))],
    )
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
    sheet.append([])
    _row(sheet, [_("Month"), _("Actual"), _("Note")])
    for cell in sheet[5]:
        cell.font = BOLD
    points = evaluation.series.get(r.indicator.id, ())
    for point in points:
        note = _("suppressed (few persons)") if point.suppressed else ""
        if point.state in STATE_NOTES:
            note = ", ".join(filter(None, [note, _(STATE_NOTES[point.state])]))
        _row(sheet, [point.label, _value(point.value, point.suppressed, limit), note])
    _row(
        sheet,
        [
            _("The period"),
            _value(r.value, r.suppressed, limit),
            _(STATUS[r.status]),
        ],
    )
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 34
    if any(isinstance(p.value, float | int) for p in points):
        chart = LineChart()
        chart.title = None
        chart.legend = None
        chart.height, chart.width = 7, 16
        data = Reference(sheet, min_col=2, min_row=5, max_row=5 + len(points))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=6, max_row=5 + len(points)))
        sheet.add_chart(chart, "E5")


def xlsx_bytes(evaluation: Evaluation) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = i18n._("Summary")[:31]
    taken = {summary.title.lower()}
    _summary(summary, evaluation)
    for r in evaluation.results:
        _indicator_sheet(book.create_sheet(_sheet_name(r.indicator.id, taken)), evaluation, r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
