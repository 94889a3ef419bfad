"""The committee report: a goal plan's indicators for a period as a PDF with a monthly chart per
indicator (reportlab graphics). Only anonymised figures; suppressed months are gaps."""

from __future__ import annotations

import io
from html import escape
from typing import Any

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app import i18n
from app.reports.indicator_export import STATUS
from app.reports.plan_pdf import BOLD, FONT, _register_fonts, letterhead


def _chart(points: list[tuple[str, float | None]], title: str) -> Drawing:
    drawing = Drawing(170 * mm, 45 * mm)
    known = [(i, v) for i, (_label, v) in enumerate(points) if v is not None]
    if not known:
        drawing.add(
            String(
                0,
                20 * mm,
                i18n._("No figures to show (too few persons)"),
                fontName=FONT,
                fontSize=9,
            )
        )
        return drawing
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 12 * mm, 8 * mm, 150 * mm, 32 * mm
    plot.data = [known]
    plot.lines[0].strokeColor = colors.HexColor("#1f5f8b")
    plot.lines[0].strokeWidth = 1.5
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, max(1, len(points) - 1)
    plot.xValueAxis.valueSteps = list(range(len(points)))
    plot.xValueAxis.labelTextFormat = lambda value: (
        points[int(value)][0][-2:] if 0 <= int(value) < len(points) else ""
    )
    plot.xValueAxis.labels.fontName = plot.yValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.valueMin = 0
    drawing.add(plot)
    drawing.add(String(12 * mm, 42 * mm, title, fontName=FONT, fontSize=8))
    return drawing


def indicator_report_pdf(
    data: dict[str, Any], series: dict[str, list[tuple[str, float | None]]], plan_name: str
) -> bytes:
    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
    title = ParagraphStyle(
        "title", parent=body, fontName=BOLD, fontSize=18, leading=22, spaceAfter=6
    )
    heading = ParagraphStyle(
        "heading", parent=body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8
    )
    head = letterhead()
    story: list = [
        Paragraph(escape(head.municipality), body),
        Paragraph(escape(plan_name), title),
        Paragraph(
            escape(
                i18n._(
                    "Period: {start} – {end}. Figures for fewer than {n} persons are shown as <{n}."
                ).format(
                    start=data["period"]["start"], end=data["period"]["end"], n=data["threshold"]
                )
            ),
            body,
        ),
        Spacer(1, 6),
    ]
    rows = [
        [
            i18n._("Indicator"),
            i18n._("Actual"),
            i18n._("Target"),
            i18n._("Comparison"),
            i18n._("Status"),
        ]
    ]
    for item in data["indicators"]:
        target = item["target"] or {}
        shown_target = (
            f"≥ {target['minimum']:g}"
            if target.get("minimum") is not None
            else f"≤ {target['maximum']:g}"
            if target.get("maximum") is not None
            else {"up": i18n._("rises"), "down": i18n._("falls")}.get(
                target.get("direction", ""), "–"
            )
        )
        value = (
            f"<{data['threshold']}"
            if item["suppressed"]
            else ("–" if item["value"] is None else i18n.format_number(item["value"], 1))
        )
        comparison = item["comparison"]["value"] if item["comparison"] else None
        rows.append(
            [
                Paragraph(escape(item["label"]), body),
                value,
                shown_target,
                "–" if comparison is None else i18n.format_number(comparison, 1),
                i18n._(STATUS[item["status"]]),
            ]
        )
    table = Table(rows, colWidths=[72 * mm, 20 * mm, 18 * mm, 28 * mm, 32 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTNAME", (0, 1), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
            ]
        )
    )
    story.append(table)
    for item in data["indicators"]:
        story.append(
            KeepTogether(
                [
                    Paragraph(escape(item["label"]), heading),
                    _chart(series.get(item["id"], []), item["measure"]),
                ]
            )
        )
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=plan_name,
        author=head.municipality,
        creator="Min Plan",
    ).build(story)
    return buffer.getvalue()
