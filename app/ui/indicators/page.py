"""The "Mål og indikatorer" page: a goal plan for a period, each indicator with actual, target,
comparison and status, what is counted, and a monthly trend (Qt Charts). Only anonymised figures
are shown: a figure built on fewer persons than the threshold reads "<5"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain.anonymise import DEFAULT_THRESHOLD
from app.domain.errors import MinPlanError, ValidationError
from app.domain.periods import parse_period
from app.i18n import N_, _
from app.reports.goalplans import IndicatorResult, available_goalplans, evaluate, monthly_series
from app.reports.measures import MEASURES
from app.ui.casework.context import UiContext
from app.ui.casework.record_table import RecordTable

STATUS = {
    "met": N_("met"),
    "not_met": N_("not met"),
    "no_target": N_("no target"),
    "suppressed": N_("suppressed"),
}
#: Units shown after a figure (counts of persons or offers need none).
UNITS = {"fte": N_("full-time persons"), "share": "%", "days": N_("days")}


def _number(value: float | None, threshold: int, suppressed: bool = False) -> str:
    if suppressed:
        return f"<{threshold}"
    if value is None:
        return "–"
    return i18n.format_number(value, 1 if value % 1 else 0)


def _target(result: IndicatorResult) -> str:
    target = result.indicator.target
    if target is None:
        return _("no target")
    if target.minimum is not None:
        return "≥ " + i18n.format_number(target.minimum)
    if target.maximum is not None:
        return "≤ " + i18n.format_number(target.maximum)
    return _("rises") if target.direction == "up" else _("falls")


class IndicatorsPage(QWidget):
    problem = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.results: list[IndicatorResult] = []
        self.threshold = DEFAULT_THRESHOLD
        self.plans = {plan.id: plan for plan in available_goalplans()}
        self.plan = QComboBox(self)
        for plan in self.plans.values():
            self.plan.addItem(plan.name, plan.id)
        self.period = QLineEdit(str(ctx.today().year), self)
        self.period.setToolTip(_("2024, 2024-Q1, 2024-03 or 2024-01-01..2024-06-30"))
        self.compare = QComboBox(self)
        self.compare.addItem(_("Same period last year"), "last-year")
        self.compare.addItem(_("Previous period"), "previous")
        self.target_button = QPushButton(_("Set &target…"), self)
        self.target_button.setToolTip(_("Set the target of the selected indicator (team leads)"))
        self.target_button.setEnabled(ctx.actor.role in ("teamlead", "admin"))
        self.target_button.clicked.connect(self.edit_target)
        export_xlsx = QPushButton(_("Export &XLSX…"), self)
        export_xlsx.clicked.connect(lambda: self.export("xlsx"))
        export_csv = QPushButton(_("Export &CSV…"), self)
        export_csv.clicked.connect(lambda: self.export("csv"))
        export_pdf = QPushButton(_("Export &PDF…"), self)
        export_pdf.clicked.connect(lambda: self.export("pdf"))
        self.export_buttons = (export_xlsx, export_csv, export_pdf)
        show = QPushButton(_("&Show"), self)
        show.clicked.connect(self.refresh)
        self.period.returnPressed.connect(self.refresh)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.table = RecordTable(
            [_("Indicator"), _("Actual"), _("Target"), _("Comparison"), _("Status")],
            self,
            stretch=0,
        )
        self.table.itemSelectionChanged.connect(self._selected)
        self.definition = QLabel(self)
        self.definition.setWordWrap(True)
        self.chart = QChart()
        self.chart.legend().hide()
        self.chart_view = QChartView(self.chart, self)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        top = QHBoxLayout()
        for label, widget in (
            (_("Goal plan:"), self.plan),
            (_("Period:"), self.period),
            (_("Compare with:"), self.compare),
        ):
            top.addWidget(QLabel(label, self))
            top.addWidget(widget)
        top.addWidget(show)
        top.addStretch(1)
        top.addWidget(self.target_button)
        top.addWidget(export_xlsx)
        top.addWidget(export_csv)
        top.addWidget(export_pdf)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.addWidget(self.definition)
        lower_layout.addWidget(self.chart_view, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(split, 1)
        self.loaded = False

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def refresh(self) -> None:
        try:
            period = parse_period(self.period.text())
            plan = self.plans[self.plan.currentData()]
            self.results = evaluate(
                self.ctx.db,
                plan,
                period,
                compare=self.compare.currentData(),
                threshold=self.threshold,
            )
            self.series = monthly_series(self.ctx.db, plan, period, threshold=self.threshold)
        except MinPlanError as error:
            self.problem.emit(error)
            return
        self.loaded = True
        today = self.ctx.today()
        incomplete = period.start <= today <= period.end
        last_complete = today.replace(day=1) - timedelta(days=1)
        text = _(
            "Figures for fewer than {n} persons are shown as <{n}. Last complete month: {month}."
        ).format(n=self.threshold, month=last_complete.strftime("%m.%Y"))
        if incomplete:
            text += " " + _("The period is not over yet: the current month is incomplete.")
        self.note.setText(text)
        self.table.set_rows(
            [
                (
                    index,
                    [
                        r.indicator.label,
                        _number(r.value, self.threshold, r.suppressed)
                        + (" " + _(UNITS[r.unit]) if r.unit in UNITS and not r.suppressed else ""),
                        _target(r),
                        _number(r.comparison, self.threshold)
                        + (f" ({r.comparison_label})" if r.comparison_label else ""),
                        _(STATUS[r.status]),
                    ],
                )
                for index, r in enumerate(self.results)
            ],
            muted={i for i, r in enumerate(self.results) if r.status == "suppressed"},
        )
        self._selected()

    def edit_target(self, values: dict | None = None) -> None:
        """Set the selected indicator's target: a lower limit, an upper limit, or rises/falls."""
        from app.casework.goal_targets import set_target
        from app.ui.casework import prompts

        index = self.table.selected_id()
        if index is None or index >= len(self.results):
            return
        indicator = self.results[index].indicator
        if values is None:
            kinds = [
                _("At least …"),
                _("At most …"),
                _("Rises compared with last year"),
                _("Falls compared with last year"),
                _("No target"),
            ]
            choice = prompts.choose(self, _("Set target"), indicator.label, kinds)
            if choice is None:
                return
            values = {"minimum": None, "maximum": None, "direction": None}
            if choice in (0, 1):
                text = prompts.ask_text(self, _("Set target"), _("The limit (a number):"))
                if text is None:
                    return
                try:
                    number = float(text.replace(",", "."))
                except ValueError:
                    self.problem.emit(ValidationError("{text!r} is not a number", text=text))
                    return
                values["minimum" if choice == 0 else "maximum"] = number
            elif choice in (2, 3):
                values["direction"] = "up" if choice == 2 else "down"
        try:
            set_target(self.ctx.db, self.ctx.actor, self.plan.currentData(), indicator.id, values)
        except MinPlanError as error:
            self.problem.emit(error)
            return
        self.refresh()
        self.table.select_id(index)

    def export(self, fmt: str, path: Path | None = None) -> Path | None:
        """Export what is shown (anonymised) to XLSX or CSV; recorded in the audit log."""
        from app.reports.goalplans import with_user_targets
        from app.reports.indicator_export import export_indicators

        if not self.results:
            return None
        plan = with_user_targets(self.ctx.db, self.plans[self.plan.currentData()])
        period = parse_period(self.period.text())
        if path is None:
            suggested = str(Path.home() / f"{plan.id}-{period.label}.{fmt}".replace("..", "_"))
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Export indicators"), suggested, f"*.{fmt}"
            )
            if not chosen:
                return None
            path = Path(chosen)
        from app.reports.indicator_export import changes_since_last_export, records

        changes = changes_since_last_export(
            self.ctx.db, plan.id, period, records(plan, period, self.results, self.threshold)
        )
        try:
            export_indicators(
                self.ctx.db, self.ctx.actor, plan, period, self.results, self.threshold, fmt, path
            )
        except (MinPlanError, OSError) as error:
            self.problem.emit(
                error
                if isinstance(error, MinPlanError)
                else ValidationError(
                    "Cannot write {path}: {reason}", path=str(path), reason=str(error)
                )
            )
            return None
        self.last_changes = changes
        if changes:
            lines = [
                f"{label}: {_number(before, self.threshold)} → {_number(after, self.threshold)}"
                for label, before, after in changes
            ]
            self.note.setText(
                _("Changed since the last export of this plan and period: {changes}").format(
                    changes="; ".join(lines)
                )
            )
        return path

    def _selected(self) -> None:
        index = self.table.selected_id()
        if index is None or index >= len(self.results):
            return
        result = self.results[index]
        measure = MEASURES[result.indicator.measure]
        self.definition.setText(_("What is counted: {text}").format(text=_(measure.definition)))
        self._chart(result)

    def _chart(self, result: IndicatorResult) -> None:
        """A fresh chart per indicator: the monthly series, suppressed months left as gaps."""
        chart = QChart()
        chart.legend().hide()
        chart.setTitle(result.indicator.label)
        points = self.series.get(result.indicator.id, [])
        line = QLineSeries()
        for number, (_label, value) in enumerate(points):
            if value is not None:
                line.append(number, value)
        chart.addSeries(line)
        months = QBarCategoryAxis()
        months.append([label for label, _value in points])
        values = QValueAxis()
        known = [v for _label, v in points if v is not None]
        values.setRange(0, max([*known, 1]) * 1.15)
        values.setLabelFormat("%.0f")
        values.applyNiceNumbers()
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        line.attachAxis(months)
        line.attachAxis(values)
        self.chart_view.setChart(chart)
        self.chart = chart
        self.points = points
