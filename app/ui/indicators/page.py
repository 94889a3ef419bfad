"""The "Mål og indikatorer" page: a goal plan for a period, each indicator with actual, target,
comparison and status, what is counted, and a monthly trend (Qt Charts) with the last complete
month marked and the current month flagged incomplete. Team leads make and change goal plans
(the plan editor), set targets, and export what is shown (XLSX, CSV, PDF), seeing what changed
since the previous export of the same plan and period.

Only anonymised figures are shown: a figure built on fewer persons than the organisation's
threshold reads "<5". The evaluation runs in a worker thread, so the window stays usable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.casework.goals.goal_plans import available_goalplans
from app.domain.anonymise import DEFAULT_THRESHOLD
from app.domain.errors import MinPlanError, ValidationError
from app.domain.goalplan import GoalPlan
from app.domain.periods import parse_period
from app.i18n import N_, _
from app.reports.goalplans import Evaluation, IndicatorResult
from app.reports.indicator_export import PreviousExport
from app.reports.indicator_text import (
    STATUS,
    comparison_text,
    counted_text,
    figure_text,
    how_text,
    month_name,
    target_text,
    unit_word,
)
from app.ui import colours
from app.ui.casework.context import UiContext
from app.ui.casework.record_table import RecordTable
from app.ui.indicators.chart import style_chart, trend_chart

#: The short words of the "How computed" column (the whole sentence is in the tooltip and below).
COMPUTED_SHORT = {
    "faithful": N_("as the plan says"),
    "approximate": N_("≈ approximated"),
    "not_computable": "–",
}


#: The goal plan used last (QSettings key; the page opens on it).
LAST_PLAN_KEY = "indicators/last_plan"


class IndicatorsPage(QWidget):
    evaluated = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation: Evaluation | None = None
        self.previous: PreviousExport | None = None
        self.last_changes: tuple[tuple[str, str, str], ...] = ()
        self.last_dialog: QWidget | None = None
        self.busy = False
        self.plans: dict[str, GoalPlan] = {}
        lead = ctx.actor.role in ("teamlead", "admin")

        self.plan = QComboBox(self)
        self.plan.setMinimumContentsLength(32)
        self.plan.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.plan.activated.connect(lambda _i: self._plan_chosen())
        self.plan_button = QPushButton(_("Goal &plan"), self)
        self.plan_button.setToolTip(_("Make a new goal plan, change or copy one (team leads)"))
        menu = QMenu(self.plan_button)
        self.new_action = self._action(menu, _("&New goal plan…"), self.new_plan)
        self.edit_action = self._action(menu, _("&Change goal plan…"), self.edit_plan)
        self.copy_action = self._action(menu, _("C&opy to a new goal plan…"), self.copy_plan)
        menu.addSeparator()
        self.delete_action = self._action(menu, _("&Delete goal plan…"), self.delete_plan)
        self.plan_button.setMenu(menu)
        self.plan_button.setEnabled(lead)
        self.period = QLineEdit(str(ctx.today().year), self)
        self.period.setMaximumWidth(190)
        self.period.setToolTip(_("2024, 2024-Q1, 2024-03 or 2024-01-01..2024-06-30"))
        self.period.returnPressed.connect(self.refresh)
        self.compare = QComboBox(self)
        self.compare.addItem(_("Same period last year"), "last-year")
        self.compare.addItem(_("Previous period"), "previous")
        self.compare.activated.connect(lambda _i: self.refresh())
        show = QPushButton(_("&Show"), self)
        show.setToolTip(_("Compute the goal plan's figures for the period"))
        show.setAccessibleDescription(show.toolTip())
        show.clicked.connect(self.refresh)
        self.target_button = QPushButton(_("Set &target…"), self)
        self.target_button.setToolTip(_("Set the target of the selected indicator (team leads)"))
        self.target_button.setEnabled(lead)
        self.target_button.clicked.connect(lambda: self.edit_target())
        self.export_button = QPushButton(_("E&xport"), self)
        self.export_button.setToolTip(_("Export what is shown, anonymised (recorded in the log)"))
        exports = QMenu(self.export_button)
        for fmt, text in (("xlsx", _("&XLSX…")), ("csv", _("&CSV…")), ("pdf", _("&PDF report…"))):
            self._action(exports, text, lambda f=fmt: self.export(f))  # type: ignore[misc]  # a lambda's default argument
        self.export_button.setMenu(exports)
        self.how_button = QPushButton(_("How c&omputed…"), self)
        self.how_button.setToolTip(
            _(
                "How each goal of the plan is computed: as the plan says, approximated, or not computable"
            )
        )
        self.how_button.clicked.connect(lambda: self.show_how())

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.export_note = QLabel(self)
        self.export_note.setWordWrap(True)
        colours.tint(self.export_note, "muted")
        self.table = RecordTable(
            [
                _("Indicator"),
                _("Actual"),
                _("Target"),
                _("Comparison"),
                _("Status"),
                _("How computed"),
            ],
            self,
            stretch=0,
        )
        self.table.setAccessibleName(_("Indicators"))
        self.table.setAccessibleDescription(
            _(
                "Each row is a goal of the plan: the actual figure, the target, "
                "the comparison and the status. Enter sets the target of the "
                "selected goal (team leads); the chart below shows its months."
            )
        )
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.activated_id.connect(lambda _row: lead and self.edit_target())
        self.definition = QLabel(self)
        self.definition.setWordWrap(True)
        self.chart = QChart()
        style_chart(self.chart, self.palette())
        self.chart_view = QChartView(self.chart, self)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(260)
        self.chart_view.setAccessibleName(_("Monthly trend of the selected indicator"))
        self.chart_view.setAccessibleDescription(
            _(
                "A chart of the selected indicator month by month: complete months as a solid "
                "line, the last complete month as a square, the current month as a hollow circle "
                "on a dashed line, the target as a dashed line. The figures are in the table "
                "above."
            )
        )

        top = QHBoxLayout()
        plan_label = QLabel(_("&Goal plan:"), self)
        plan_label.setBuddy(self.plan)
        top.addWidget(plan_label)
        top.addWidget(self.plan, 1)
        top.addWidget(self.plan_button)
        # two rows, so that the page fits a laptop's screen (and 1920×1080 at 150 %)
        second = QHBoxLayout()
        for label, widget in ((_("Pe&riod:"), self.period), (_("Compare &with:"), self.compare)):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            second.addWidget(caption)
            second.addWidget(widget)
        second.addWidget(show)
        second.addSpacing(12)
        second.addWidget(self.target_button)
        second.addWidget(self.export_button)
        second.addStretch(1)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.definition)
        lower_layout.addWidget(self.chart_view, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 380])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.note)
        notes = QHBoxLayout()
        notes.addWidget(self.export_note, 1)
        notes.addWidget(self.how_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(notes)
        layout.addWidget(split, 1)
        self.reload_plans()
        self.loaded = False

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """The system switched between light and dark: the chart follows the new palette."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            style_chart(self.chart, self.palette())
        super().changeEvent(event)

    def _action(self, menu: QMenu, text: str, slot: Callable[[], Any]) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    # --- plans ---------------------------------------------------------------------------------
    def reload_plans(self, select: str | None = None) -> None:
        """The shipped plans and the plans made in the app, keeping (or setting) the choice."""
        db = self.ctx.db
        plans = self.ctx.ops.now(lambda: available_goalplans(db))
        if plans is None:  # the database's plans cannot be read (the reason is shown)
            plans = available_goalplans()
        keep = select or self.plan.currentData() or self._opening_plan(plans)
        self.plans = {plan.id: plan for plan in plans}
        self.plan.blockSignals(True)
        self.plan.clear()
        for plan in plans:
            self.plan.addItem(
                _("{name} (own plan)").format(name=plan.name) if plan.editable else plan.name,
                plan.id,
            )
        index = self.plan.findData(keep)
        self.plan.setCurrentIndex(max(0, index))
        self.plan.blockSignals(False)
        self._plan_actions()

    def _opening_plan(self, plans: list[GoalPlan]) -> str | None:
        """At the page's first showing: the plan used last, else a plan valid today (the one
        that began last), else the plan that ended last, else None."""
        from app.ui.settings import qsettings

        last = qsettings().value(LAST_PLAN_KEY)
        ids = {plan.id for plan in plans}
        if isinstance(last, str) and last in ids:
            return last
        today = self.ctx.today()
        valid = [plan for plan in plans if plan.valid_on(today)]
        if valid:
            return max(valid, key=lambda p: (p.valid_from or today.min, p.id)).id
        ended = [plan for plan in plans if plan.valid_to is not None and plan.valid_to < today]
        if ended:  # none is valid today: the one that ended last (the note says so)
            return max(ended, key=lambda p: (p.valid_to, p.id)).id
        return None

    def _plan_chosen(self) -> None:
        """Remember the plan chosen (the page opens on it next time), then show it."""
        from app.ui.settings import qsettings

        store = qsettings()
        store.setValue(LAST_PLAN_KEY, self.plan.currentData())
        store.sync()
        self.refresh()

    def current_plan(self) -> GoalPlan:
        return self.plans[self.plan.currentData()]

    def _plan_actions(self) -> None:
        plan = self.plans.get(self.plan.currentData())
        editable = bool(plan and plan.editable)
        self.delete_action.setEnabled(editable)
        self.edit_action.setText(
            _("&Change goal plan…") if editable else _("&Change goal plan… (a copy)")
        )

    def _open_editor(self, plan: GoalPlan) -> QWidget:
        from app.ui.indicators.plan_editor import PlanEditor

        editor = PlanEditor(self.ctx, plan, self)
        editor.accepted.connect(lambda: self._plan_saved(editor.result_value))
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.open()
        editor.activateWindow()
        self.last_dialog = editor
        return editor

    def _plan_saved(self, key: str | None) -> None:
        self.reload_plans(select=key)
        self.refresh()

    def new_plan(self) -> QWidget:
        from app.reports.plan_pdf import letterhead

        today = self.ctx.today()
        draft = GoalPlan(
            "",
            "",
            letterhead().municipality,
            "monthly",
            (),
            valid_from=today.replace(month=1, day=1),
            valid_to=today.replace(month=12, day=31),
            editable=True,
        )
        return self._open_editor(draft)

    def edit_plan(self) -> QWidget:
        """A plan made in the app opens as it is; a shipped plan opens as a copy to change."""
        plan = self.current_plan()
        return self._open_editor(plan) if plan.editable else self.copy_plan()

    def copy_plan(self) -> QWidget:
        from app.casework.goals.goal_plans import copy_of
        from app.casework.goals.goal_targets import with_user_targets

        plan = with_user_targets(self.ctx.db, self.current_plan())
        return self._open_editor(copy_of(plan, _("Copy of {name}").format(name=plan.name)))

    def delete_plan(self, confirmed: bool | None = None) -> None:
        from app.casework.goals.goal_plans import delete_goal_plan
        from app.ui.casework import prompts

        plan = self.current_plan()
        if not plan.editable:
            return
        if confirmed is None:
            confirmed = prompts.confirm(
                self,
                _("Delete goal plan"),
                _("Delete the goal plan “{name}”? Its exports stay in the log.").format(
                    name=plan.name
                ),
            )
        if not confirmed:
            return
        deleted = self.ctx.ops.write(
            lambda: delete_goal_plan(
                self.ctx.db, self.ctx.actor, plan.id, expected_version=plan.version
            )
        )
        if deleted is None:
            return
        self.reload_plans()
        self.refresh()

    # --- evaluating ----------------------------------------------------------------------------
    @property
    def results(self) -> tuple[IndicatorResult, ...]:
        return self.evaluation.results if self.evaluation else ()

    @property
    def threshold(self) -> int:
        return self.evaluation.threshold if self.evaluation else DEFAULT_THRESHOLD

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self.loaded and not self.busy:
            self.refresh()

    def refresh(self) -> None:
        """Evaluate the chosen plan and period in the background; ``evaluated`` when shown."""
        from app.casework.goals.goal_evaluation import evaluate_plan
        from app.reports.indicator_export import previous_export

        self._plan_actions()
        try:
            period = parse_period(self.period.text())
            plan = self.current_plan()
        except ValidationError as error:  # the period as typed: the field keeps it
            self.ctx.ops.problem.emit(error)
            return
        except KeyError:
            return
        db, today, compare = self.ctx.db, self.ctx.today(), self.compare.currentData()

        def work() -> tuple[Evaluation, PreviousExport | None]:
            evaluation = evaluate_plan(db, plan, period, compare=compare, as_of=today)
            return evaluation, previous_export(db, evaluation)

        self.busy = True
        self.export_button.setEnabled(False)
        self.note.setText(
            _("Counting {plan} for {period}…").format(plan=plan.name, period=period.label)
        )
        # Through the window's operations runner: a newer request overtakes an older one, and a
        # page closed while counting is not called back.
        self.ctx.ops.read(
            "indicators", work, self._evaluated, failed=self._not_evaluated, owner=self
        )

    def _not_evaluated(self, _error: MinPlanError) -> None:
        self.busy = False
        self.export_button.setEnabled(True)
        self.note.setText("")

    def _evaluated(self, result: tuple[Evaluation, PreviousExport | None]) -> None:
        self.busy = False
        self.export_button.setEnabled(True)
        self.evaluation, self.previous = result
        self.loaded = True
        self._show()
        self.evaluated.emit()

    def _notes(self, evaluation: Evaluation) -> str:
        today = self.ctx.today()
        limit = evaluation.threshold
        parts = [_("Figures for fewer than {n} persons are shown as <{n}.").format(n=limit)]
        last_complete = today.replace(day=1) - timedelta(days=1)
        parts.append(
            _("Last complete month: {month}.").format(
                month=month_name(last_complete.strftime("%Y-%m"))
            )
        )
        if evaluation.counted is None:
            parts.append(_("The period has not begun: there is nothing to count yet."))
        elif evaluation.period.start <= today <= evaluation.period.end:
            parts.append(
                _(
                    "The period is not over: {month} is incomplete, figures count up to {day}."
                ).format(
                    month=month_name(today.strftime("%Y-%m")), day=i18n.format_short_date(today)
                )
            )
        plan = evaluation.plan
        if (plan.valid_from or plan.valid_to) and not (
            plan.valid_on(evaluation.period.start) and plan.valid_on(evaluation.period.end)
        ):
            parts.append(
                _("The period lies outside the plan's validity ({start}–{end}).").format(
                    start=i18n.format_short_date(plan.valid_from),
                    end=i18n.format_short_date(plan.valid_to),
                )
            )
        return " ".join(parts)

    def _export_text(self) -> str:
        previous = self.previous
        if previous is None:
            return _("This plan and period have not been exported before.")
        head = _("Last exported {when} by {who} ({format})").format(
            when=i18n.format_datetime_local(previous.occurred_at),
            who=previous.user,
            format=previous.format.upper(),
        )
        if not previous.changes:
            return head + ": " + _("the figures shown are the same.")
        changes = "; ".join(f"{label}: {before} → {now}" for label, before, now in previous.changes)
        return head + ": " + _("changed since then: {changes}").format(changes=changes)

    def _show(self) -> None:
        evaluation = self.evaluation
        assert evaluation is not None
        limit = evaluation.threshold
        self.note.setText(self._notes(evaluation))
        self.export_note.setText(self._export_text())
        rows = []
        for index, r in enumerate(evaluation.results):
            figure = figure_text(r, limit)
            if r.indicator.fidelity == "approximate" and r.value is not None:
                figure = "≈ " + figure  # an approximation says so beside its figure
            rows.append(
                (
                    index,
                    [
                        r.indicator.label,
                        figure,
                        target_text(
                            r.indicator.target.as_dict() if r.indicator.target else None,
                            r.unit,
                            unit_word(r),
                        )
                        if r.indicator.computable
                        else "–",
                        comparison_text(r, limit),
                        _(STATUS[r.status]),
                        _(COMPUTED_SHORT[r.indicator.fidelity]),
                    ],
                )
            )
        self.table.set_rows(
            rows,
            muted={
                i
                for i, r in enumerate(evaluation.results)
                if r.status in ("suppressed", "not_computable")
            },
        )
        for row, r in enumerate(evaluation.results):
            item = self.table.item(row, 1)
            if item is not None:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column in (0, 1, 5):
                cell = self.table.item(row, column)
                if cell is not None:
                    cell.setToolTip(f"{cell.text()}\n{how_text(r.indicator)}")
        self._selected()

    # --- targets and exports -------------------------------------------------------------------
    def edit_target(self, values: dict | None = None) -> QWidget | None:
        """Set the selected indicator's target: with ``values`` at once, else in a dialog."""
        from app.casework.goals.goal_targets import set_target
        from app.ui.indicators.indicator_dialog import TargetDialog

        index = self.table.selected_id()
        if index is None or index >= len(self.results):
            return None
        result = self.results[index]
        if not result.indicator.computable:
            self.ctx.ops.problem.emit(
                ValidationError("A goal that cannot be computed from case data has no target")
            )
            return None
        plan_id = self.plan.currentData()
        if values is None:
            dialog = TargetDialog(self.ctx, plan_id, result, self)
            dialog.accepted.connect(lambda: self._target_saved(index))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            dialog.activateWindow()
            self.last_dialog = dialog
            return dialog
        saved = self.ctx.ops.write(
            lambda: set_target(self.ctx.db, self.ctx.actor, plan_id, result.indicator.id, values)
        )
        if saved is None:
            return None
        self._target_saved(index)
        return None

    def _target_saved(self, index: int) -> None:
        self.reload_plans()
        self.refresh()
        self.table.select_id(index)

    def export(self, fmt: str, path: Path | None = None) -> Path | None:
        """Export what is shown (anonymised) as XLSX, CSV or PDF; recorded in the audit log."""
        from app.casework.goals.indicator_exports import export_indicators
        from app.reports.indicator_export import previous_export

        evaluation = self.evaluation
        if evaluation is None or self.busy:
            return None
        if path is None:
            suggested = str(
                Path.home()
                / f"{evaluation.plan.id}-{evaluation.period.label}.{fmt}".replace("..", "_")
            )
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Export indicators"), suggested, f"*.{fmt}"
            )
            if not chosen:
                return None
            path = Path(chosen if chosen.lower().endswith(f".{fmt}") else f"{chosen}.{fmt}")
        self.last_changes = self.previous.changes if self.previous else ()
        db, actor = self.ctx.db, self.ctx.actor

        def export() -> PreviousExport | None:
            try:
                export_indicators(db, actor, evaluation, fmt, path)
            except OSError as error:
                raise ValidationError(
                    "Cannot write {path}: {reason}", path=str(path), reason=str(error)
                ) from error
            return previous_export(db, evaluation)

        written = self.ctx.ops.write(lambda: (export(),))
        if written is None:
            return None
        self.previous = written[0]
        text = _("Exported to {path}.").format(path=path)
        if self.last_changes:
            text += " " + _(
                "Changed since the last export of this plan and period: {changes}"
            ).format(changes="; ".join(f"{label}: {b} → {a}" for label, b, a in self.last_changes))
        self.export_note.setText(text)
        return path

    def show_how(self) -> QWidget | None:
        """A window with the plan's table: each goal, how it is computed, and whether faithfully,
        approximately or not at all (the same table as in the help, made from the plan itself)."""
        from app.casework.goals.goal_targets import with_user_targets
        from app.reports.goalplan_help import plan_markdown
        from app.ui.indicators.how_dialog import HowDialog

        db, shown = self.ctx.db, self.plans.get(self.plan.currentData())
        if shown is None:
            return None
        plan = self.ctx.ops.now(lambda: with_user_targets(db, shown))
        if plan is None:
            return None
        dialog = HowDialog(plan.name, plan_markdown(plan, i18n.current_language()), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.last_dialog = dialog
        return dialog

    def _selected(self) -> None:
        index = self.table.selected_id()
        if index is None or index >= len(self.results) or self.evaluation is None:
            return
        result = self.results[index]
        lines = []
        if result.indicator.computable:
            lines.append(_("What is counted: {text}").format(text=counted_text(result.indicator)))
        lines.append(_("How computed: {text}").format(text=how_text(result.indicator)))
        self.definition.setText("\n".join(lines))
        self.points = self.evaluation.series.get(result.indicator.id, ())
        self.chart = trend_chart(result, self.points, self.palette())
        self.chart_view.setChart(self.chart)
