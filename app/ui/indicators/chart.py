"""An indicator's monthly trend as a Qt chart: complete months as a solid line, the current
(incomplete) month dashed with a hollow circle, the last complete month as a square, suppressed
months as gaps, and the target as a dashed line. The value axis names the unit; the legend shows
each series' own mark (line, square, hollow circle, dashed line), so it reads without colour.

The chart follows the palette (``style_chart``): its background is the palette's base colour, its
title, axis labels and legend the palette's text colour, its grid a faint mix of the two, and the
lines the meaning colours of ``app.ui.colours`` chosen for a light or a dark palette, so that a
dark system palette gives a dark chart with readable text (contrast ≥ 4.5:1) instead of Qt
Charts' fixed white theme."""

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
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette, QPen

from app.i18n import _
from app.reports.goalplans import IndicatorResult, SeriesPoint
from app.reports.indicator_text import month_label, month_name, target_text, unit_word
from app.ui import colours

#: The dynamic property that names a series' part ("line", "last", "current", "hollow", "target").
PART = "minplanChartPart"


def chart_colours(palette: QPalette | None = None) -> dict[str, QColor]:
    """The chart's colours for ``palette`` (the application's by default): background, text
    (title, axis labels, legend), grid, axis line, the trend and the target."""
    palette = palette if palette is not None else QGuiApplication.palette()
    dark = colours.is_dark(palette)
    ground = palette.color(QPalette.ColorRole.Base)
    ink = palette.color(QPalette.ColorRole.Text)
    if colours.contrast(ink, ground) < colours.MINIMUM_CONTRAST:  # a theme too faint to read
        ground = QColor("#1e1e1e" if dark else "#ffffff")
        ink = QColor("#e6e6e6" if dark else "#000000")

    def mix(share: float) -> QColor:
        return QColor(
            round(ink.red() * share + ground.red() * (1 - share)),
            round(ink.green() * share + ground.green() * (1 - share)),
            round(ink.blue() * share + ground.blue() * (1 - share)),
        )

    dark = ground.lightness() < 128  # the lines are chosen for the chart's own background
    return {
        "background": ground,
        "text": ink,
        "grid": mix(0.18),
        "axis": mix(0.55),
        "line": QColor(colours.TEXT["info"][1 if dark else 0]),
        "target": QColor(colours.TEXT["ok"][1 if dark else 0]),
    }


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


def style_chart(chart: QChart, palette: QPalette | None = None) -> None:
    """Colour ``chart`` for ``palette``: background, title, axes, grid, legend and each series
    by its part (called again when the system switches between light and dark)."""
    ink = chart_colours(palette)
    chart.setBackgroundBrush(QBrush(ink["background"]))
    chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
    chart.setBackgroundRoundness(0)
    chart.setPlotAreaBackgroundVisible(False)
    chart.setTitleBrush(QBrush(ink["text"]))
    chart.legend().setLabelColor(ink["text"])
    chart.legend().setBrush(QBrush(ink["background"]))
    chart.legend().setPen(QPen(Qt.PenStyle.NoPen))
    for axis in chart.axes():
        axis.setLabelsColor(ink["text"])
        axis.setTitleBrush(QBrush(ink["text"]))
        axis.setLinePenColor(ink["axis"])
        axis.setGridLineColor(ink["grid"])
    for series in chart.series():
        part = series.property(PART)
        if isinstance(series, QLineSeries) and part in ("line", "current"):
            series.setPen(_pen(ink["line"], 2.2 if part == "line" else 1.6, part == "current"))
        elif isinstance(series, QLineSeries) and part == "target":
            series.setPen(_pen(ink["target"], 1.4, dashed=True))
        elif isinstance(series, QScatterSeries) and part == "last":
            series.setColor(ink["line"])
            series.setBorderColor(ink["background"])
        elif isinstance(series, QScatterSeries) and part == "hollow":
            series.setColor(ink["background"])
            series.setBorderColor(ink["line"])


def trend_chart(
    result: IndicatorResult, points: Sequence[SeriesPoint], palette: QPalette | None = None
) -> QChart:
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

    def add(series, name: str | None, part: str) -> None:
        series.setProperty(PART, part)
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
        line.setPointsVisible(True)
        for x, y in run:
            line.append(QPointF(x, y))
            shown.append(y)
        add(line, _("Complete months") if number == 0 else None, "line")
    last = runs[-1][-1] if runs else None
    if last is not None:
        mark = QScatterSeries()
        mark.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        mark.setMarkerSize(13)
        mark.append(QPointF(*last))
        add(
            mark,
            _("Last complete month ({month})").format(month=month_name(points[last[0]].label)),
            "last",
        )
    current = next(
        ((i, p) for i, p in enumerate(points) if p.state == "incomplete" and p.value is not None),
        None,
    )
    if current is not None:
        index, point = current
        dashed = QLineSeries()
        if last is not None and last[0] == index - 1:
            dashed.append(QPointF(*last))
        dashed.append(QPointF(index, point.value))  # type: ignore[arg-type]  # a drawn point has one
        add(dashed, None, "current")
        hollow = QScatterSeries()
        hollow.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
        hollow.setMarkerSize(11)
        hollow.append(QPointF(index, point.value))  # type: ignore[arg-type]  # a drawn point has one
        add(
            hollow,
            _("Incomplete month ({month})").format(month=month_name(point.label)),
            "hollow",
        )
        shown.append(point.value)  # type: ignore[arg-type]  # a drawn point has a value
    target = result.indicator.target
    goal = None
    if target is not None:
        goal = target.minimum if target.minimum is not None else target.maximum
    if target is not None and goal is not None and points:
        line = QLineSeries()
        line.append(QPointF(0, goal))
        line.append(QPointF(len(points) - 1, goal))
        add(
            line,
            _("Target: {target}").format(
                target=target_text(target.as_dict(), result.unit, unit_word(result))
            ),
            "target",
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
    style_chart(chart, palette)
    return chart
