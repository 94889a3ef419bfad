"""An indicator's monthly trend as a Qt chart: complete months as a solid line, the current
(incomplete) month dashed with a hollow circle, the last complete month as a square, suppressed
months as gaps, and the target as a dashed line. The value axis names the unit; the legend shows
each series' own mark (line, square, hollow circle, dashed line), so it reads without colour."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QChart,
    QLegend,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPen

from app.i18n import _
from app.reports.goalplans import IndicatorResult, SeriesPoint
from app.reports.indicator_text import month_label, month_name, target_text, unit_word

LINE = QColor("#1f5f8b")
TARGET = QColor("#2e7d32")


def _pen(colour: QColor, width: float, dashed: bool = False) -> QPen:
    pen = QPen(colour)
    pen.setWidthF(width)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _segments(points: Sequence[SeriesPoint]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive complete months with a figure (a suppressed month breaks the line)."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, point in enumerate(points):
        if point.state == "complete" and point.value is not None:
            runs[-1].append((index, point.value))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def trend_chart(result: IndicatorResult, points: Sequence[SeriesPoint]) -> QChart:
    chart = QChart()
    chart.setTitle(result.indicator.label)
    title_font = QFont(chart.titleFont())
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    chart.setMargins(chart.margins())
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.legend().setMarkerShape(QLegend.MarkerShape.MarkerShapeFromSeries)
    months = QBarCategoryAxis()
    multi_year = len({p.label[:4] for p in points}) > 1
    months.append([month_label(p.label, with_year=multi_year) for p in points])
    values = QValueAxis()
    values.setTitleText(unit_word(result))
    chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    shown: list[float] = []

    def add(series, name: str | None) -> None:  # type: ignore[no-untyped-def]
        chart.addSeries(series)
        series.attachAxis(months)
        series.attachAxis(values)
        if name:
            series.setName(name)
        else:
            for marker in chart.legend().markers(series):
                marker.setVisible(False)

    runs = _segments(points)
    for number, run in enumerate(runs):
        line = QLineSeries()
        line.setPen(_pen(LINE, 2.2))
        line.setPointsVisible(True)
        for x, y in run:
            line.append(QPointF(x, y))
            shown.append(y)
        add(line, _("Complete months") if number == 0 else None)
    last = runs[-1][-1] if runs else None
    if last is not None:
        mark = QScatterSeries()
        mark.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        mark.setMarkerSize(13)
        mark.setColor(LINE)
        mark.setBorderColor(QColor("white"))
        mark.append(QPointF(*last))
        add(
            mark, _("Last complete month ({month})").format(month=month_name(points[last[0]].label))
        )
    current = next(
        ((i, p) for i, p in enumerate(points) if p.state == "incomplete" and p.value is not None),
        None,
    )
    if current is not None:
        index, point = current
        dashed = QLineSeries()
        dashed.setPen(_pen(LINE, 1.6, dashed=True))
        if last is not None and last[0] == index - 1:
            dashed.append(QPointF(*last))
        dashed.append(QPointF(index, point.value))  # type: ignore[arg-type]
        add(dashed, None)
        hollow = QScatterSeries()
        hollow.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
        hollow.setMarkerSize(11)
        hollow.setColor(QColor("white"))
        hollow.setBorderColor(LINE)
        hollow.append(QPointF(index, point.value))  # type: ignore[arg-type]
        add(hollow, _("Incomplete month ({month})").format(month=month_name(point.label)))
        shown.append(point.value)  # type: ignore[arg-type]
    target = result.indicator.target
    goal = None
    if target is not None:
        goal = target.minimum if target.minimum is not None else target.maximum
    if goal is not None and points:
        line = QLineSeries()
        line.setPen(_pen(TARGET, 1.4, dashed=True))
        line.append(QPointF(0, goal))
        line.append(QPointF(len(points) - 1, goal))
        add(
            line,
            _("Target: {target}").format(
                target=target_text(target.as_dict(), result.unit, unit_word(result))
            ),
        )
        shown.append(goal)
    if not runs and current is None:
        reason = (
            _("Not computable from case data")
            if not result.indicator.computable
            else _("No figures to show (too few persons)")
            if any(p.suppressed for p in points)
            else _("No figures for the period")
        )
        chart.setTitle(f"{result.indicator.label} — {reason}")
    values.setRange(0, max([*shown, 1]) * 1.15)
    # small figures (a share of the population, a few full-time persons) need a decimal
    values.setLabelFormat("%.1f" if max([*shown, 0]) < 5 else "%.0f")
    values.applyNiceNumbers()
    chart.legend().setVisible(True)
    return chart
