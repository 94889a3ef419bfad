"""The committee report: a goal plan's indicators for a period as a PDF (reportlab) — a summary
table with status, then per indicator what is counted and a monthly chart with the target line,
the last complete month marked and the current month drawn as incomplete. Only anonymised
figures; suppressed months are gaps. A4, embedded font, "side 1 af 3"."""

from __future__ import annotations

import io
from datetime import date
from html import escape
from typing import Any

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app import i18n
from app.domain.dates import local_today
from app.reports.goalplans import Evaluation, IndicatorResult, SeriesPoint
from app.reports.indicator_text import (
    STATUS,
    comparison_text,
    counted_text,
    fidelity_text,
    figure_text,
    how_text,
    month_label,
    note_text,
    period_text,
    shown,
    target_text,
)
from app.reports.plan_pdf import BOLD, FONT, _numbered_canvas, _register_fonts, letterhead

LINE = colors.HexColor("#1f5f8b")
TARGET = colors.HexColor("#2e7d32")
STATUS_COLOURS = {
    "met": colors.HexColor("#e3f1e4"),
    "not_met": colors.HexColor("#fbe4e4"),
}


def _target_value(r: IndicatorResult) -> float | None:
    target = r.indicator.target
    if target is None:
        return None
    return target.minimum if target.minimum is not None else target.maximum


def _chart(r: IndicatorResult, points: tuple[SeriesPoint, ...], threshold: int) -> Drawing:
    _ = i18n._
    drawing = Drawing(170 * mm, 52 * mm)
    counted = [(i, p) for i, p in enumerate(points) if p.state != "future"]
    known = [(i, p.value) for i, p in counted if p.value is not None]
    if not known:
        drawing.add(
            String(
                0,
                24 * mm,
                _("No figures to show (too few persons)")
                if any(p.suppressed for _i, p in counted)
                else _("No figures for the period"),
                fontName=FONT,
                fontSize=9,
            )
        )
        return drawing
    complete = [(i, v) for i, v in known if points[i].state == "complete"]
    incomplete = [(i, v) for i, v in known if points[i].state == "incomplete"]
    lines = [complete or known[:1]]
    if incomplete and complete:
        lines.append([complete[-1], incomplete[0]])
    elif incomplete:
        lines.append(incomplete)
    goal = _target_value(r)
    if goal is not None:
        lines.append([(0, goal), (max(1, len(points) - 1), goal)])
    top = max([v for _i, v in known] + ([goal] if goal is not None else []) + [1])
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 14 * mm, 10 * mm, 150 * mm, 34 * mm
    plot.data = lines
    plot.lines[0].strokeColor = LINE
    plot.lines[0].strokeWidth = 1.5
    plot.lines[0].symbol = makeMarker("FilledCircle", size=3, fillColor=LINE, strokeColor=LINE)
    index = 1
    if incomplete:
        plot.lines[index].strokeColor = LINE
        plot.lines[index].strokeDashArray = (2, 2)
        plot.lines[index].symbol = makeMarker(
            "Circle", size=4, fillColor=colors.white, strokeColor=LINE
        )
        index += 1
    if goal is not None:
        plot.lines[index].strokeColor = TARGET
        plot.lines[index].strokeWidth = 0.8
        plot.lines[index].strokeDashArray = (4, 2)
    years = {p.label[:4] for p in points}
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(1, len(points) - 1)
    plot.xValueAxis.valueSteps = list(range(len(points)))
    plot.xValueAxis.labelTextFormat = lambda value: (
        month_label(points[int(value)].label, with_year=len(years) > 1)
        if 0 <= int(value) < len(points)
        else ""
    )
    plot.xValueAxis.labels.fontName = plot.yValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, top * 1.15
    plot.yValueAxis.labelTextFormat = lambda value: i18n.format_number(value, 0)
    drawing.add(plot)
    legend = [_("● complete months")]
    if complete:
        last, last_value = complete[-1]
        x = plot.x + plot.width * last / max(1, len(points) - 1)
        y = plot.y + plot.height * last_value / (top * 1.15)
        drawing.add(Circle(x, y, 2.6, fillColor=LINE, strokeColor=colors.white, strokeWidth=0.8))
        drawing.add(
            Line(x, plot.y, x, plot.y + plot.height, strokeColor=colors.grey, strokeWidth=0.4)
        )
        drawing.add(
            String(
                x - 1,
                plot.y + plot.height + 2,
                _("last complete month"),
                fontName=FONT,
                fontSize=6.5,
                textAnchor="end",
                fillColor=colors.HexColor("#555555"),
            )
        )
    if incomplete:
        legend.append(_("○ incomplete month (not over)"))
    if goal is not None:
        legend.append(_("- - target"))
    if any(p.suppressed for p in points):
        legend.append(_("gap: fewer than {n} persons").format(n=threshold))
    drawing.add(
        String(plot.x, 1.5 * mm, "   ".join(legend), fontName=FONT, fontSize=7, fillColor=LINE)
    )
    return drawing


def indicator_report_pdf(evaluation: Evaluation, *, made_on: date | None = None) -> bytes:
    _ = i18n._
    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11)
    title = ParagraphStyle(
        "title", parent=body, fontName=BOLD, fontSize=18, leading=22, spaceAfter=6
    )
    heading = ParagraphStyle(
        "heading", parent=body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=10
    )
    head = letterhead()
    limit = evaluation.threshold
    counted = evaluation.counted or evaluation.period
    made_on = made_on or local_today()
    heading_text = _("Period: {start} – {end}").format(
        start=i18n.format_date(counted.start, "long"), end=i18n.format_date(counted.end, "long")
    )
    notes = [_("Figures for fewer than {n} persons are shown as <{n}.").format(n=limit)]
    if evaluation.as_of <= evaluation.period.end:
        notes.append(
            _("The period is not over: figures are counted up to and including {day}.").format(
                day=i18n.format_date(evaluation.as_of, "long")
            )
        )
    story: list[Any] = [
        Paragraph(escape(head.municipality), body),
        Paragraph(escape(evaluation.plan.name), title),
        Paragraph(escape(heading_text), body),
        Paragraph(escape(" ".join(notes)), small),
        Spacer(1, 6),
    ]
    bold = ParagraphStyle("bold", parent=cell, fontName=BOLD)
    labels = {r.comparison_label for r in evaluation.results if r.comparison_label}
    one_basis = len(labels) == 1
    compared = _("Comparison")
    if one_basis:
        compared += f" ({period_text(next(iter(labels)))})"
    rows = [
        [
            Paragraph(escape(text), bold)
            for text in (_("Indicator"), _("Actual"), _("Target"), compared, _("Status"))
        ]
    ]
    styles = [
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("FONTNAME", (0, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 1), (1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
    ]
    for number, r in enumerate(evaluation.results, start=1):
        label = escape(r.indicator.label)
        if r.indicator.fidelity != "faithful":
            # an approximation or a goal not computable says so beside its figure
            mark = "≈ " if r.indicator.fidelity == "approximate" else "– "
            label += (
                f'<br/><font size="7.5" color="#555555">{mark}'
                f"{escape(fidelity_text(r.indicator))}: {escape(note_text(r.indicator))}</font>"
            )
        rows.append(
            [
                Paragraph(label, cell),
                Paragraph(
                    escape(figure_text(r, limit)).replace(
                        " ", "<br/>" if r.unit in ("fte", "days") else "&nbsp;", 1
                    ),
                    cell,
                ),
                Paragraph(
                    escape(
                        target_text(
                            r.indicator.target.as_dict() if r.indicator.target else None, r.unit
                        )
                        if r.indicator.computable
                        else "–"
                    ),
                    cell,
                ),
                Paragraph(
                    escape(
                        shown(r.comparison, r.comparison_suppressed, limit)
                        if one_basis and r.comparison_label
                        else comparison_text(r, limit)
                    ),
                    cell,
                ),
                Paragraph(escape(_(STATUS[r.status])), cell),
            ]
        )
        if r.status in STATUS_COLOURS:
            styles.append(("BACKGROUND", (4, number), (4, number), STATUS_COLOURS[r.status]))
    table = Table(rows, colWidths=[56 * mm, 32 * mm, 30 * mm, 34 * mm, 22 * mm], repeatRows=1)
    table.setStyle(TableStyle(styles))
    story.append(table)
    for r in evaluation.results:
        parts = [Paragraph(escape(r.indicator.label), heading)]
        if r.indicator.computable:
            parts.append(
                Paragraph(
                    escape(_("What is counted: {text}").format(text=counted_text(r.indicator))),
                    small,
                )
            )
        parts.append(
            Paragraph(escape(_("How computed: {text}").format(text=how_text(r.indicator))), small)
        )
        if r.indicator.computable:
            parts.append(_chart(r, evaluation.series.get(r.indicator.id, ()), limit))
        story.append(KeepTogether(parts))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=20 * mm,
        title=evaluation.plan.name,
        author=head.municipality,
        subject=_("Goals and indicators"),
        creator="Min Plan",
        lang="da-DK" if i18n.current_language() == "da" else "en-GB",
    )

    def footer(page: int, pages: int) -> tuple[str, str]:
        return (
            _("{municipality} · Min Plan · made {date}").format(
                municipality=head.municipality, date=i18n.format_date(made_on, "long")
            ),
            _("page {page} of {pages}").format(page=page, pages=pages),
        )

    doc.build(story, canvasmaker=_numbered_canvas(footer, 8))
    return buffer.getvalue()
