"""The goal-plan editor: a team lead makes a new plan, changes one made in the app, or edits a
copy of a shipped plan — name, municipality, period of validity, follow-up, and the indicators
(added, changed, removed and reordered). Saving stores the whole plan through
``app.casework.goals.goal_plans.save_goal_plan`` (role-checked and audited there)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import ValidationError
from app.domain.goalplan import FIDELITY, FOLLOW_UP, GoalPlan, Indicator, check_plan_head
from app.i18n import _
from app.reports.indicator_text import target_text
from app.reports.measure_catalog import MEASURES
from app.ui import colours
from app.ui import form as forms
from app.ui.casework.context import UiContext
from app.ui.casework.record_table import RecordTable
from app.ui.fields import CodeCombo, DateEdit, TextEdit
from app.ui.form import FormDialog
from app.ui.indicators.indicator_dialog import IndicatorDialog, params_text


class PlanEditor(FormDialog):
    """Edit a ``GoalPlan`` draft; ``result_value`` is the saved plan's id."""

    def __init__(self, ctx: UiContext, plan: GoalPlan, parent: QWidget | None = None) -> None:
        super().__init__(
            _("Change goal plan") if plan.id else _("New goal plan"), self._save_plan, parent
        )
        self.ctx = ctx
        self.plan = plan
        self.indicators: list[Indicator] = list(plan.indicators)
        self.changed_indicators = False
        self.last_dialog: IndicatorDialog | None = None
        form = self.form
        form.add("name", _("&Name:"), TextEdit())
        form.add("municipality", _("Municipa&lity:"), TextEdit())
        form.add("valid_from", _("Valid &from:"), DateEdit(today=ctx.today(), field="valid_from"))
        form.add("valid_to", _("Valid t&o:"), DateEdit(today=ctx.today(), field="valid_to"))
        form.add("follow_up", _("Follow-&up:"), CodeCombo(FOLLOW_UP))
        self.id_label = QLabel(
            _("Id: {id} (for minplan indicators --plan)").format(id=plan.id)
            if plan.id
            else _("The plan gets its id when it is saved"),
            self,
        )
        colours.tint(self.id_label, "muted")
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.add_widget("", self.id_label)
        form.set_values(
            {
                "name": plan.name,
                "municipality": plan.municipality,
                "valid_from": plan.valid_from,
                "valid_to": plan.valid_to,
                "follow_up": plan.follow_up or "monthly",
            }
        )
        form.set_validator(self._problems)
        self.table = RecordTable(
            [_("Indicator"), _("Measure"), _("Parameters"), _("Target"), _("Computed")],
            self,
            stretch=0,
        )
        self.table.setAccessibleName(_("Goals of the plan"))
        self.table.setAccessibleDescription(
            _(
                "Each row is a goal of the plan with what it counts and its "
                "target. Enter changes the selected goal."
            )
        )
        self.table.setMinimumHeight(220)
        self.table.setWordWrap(False)
        self.table.activated_id.connect(lambda _row: self.edit_indicator())
        self.table.delete_id.connect(lambda _row: self.remove_indicator())
        self.add_button = QPushButton(_("&Add indicator…"), self)
        self.add_button.clicked.connect(lambda: self.add_indicator())
        self.edit_button = QPushButton(_("&Change…"), self)
        self.edit_button.clicked.connect(lambda: self.edit_indicator())
        self.remove_button = QPushButton(_("&Remove"), self)
        self.remove_button.clicked.connect(self.remove_indicator)
        up = QPushButton(_("Move &up"), self)
        up.setToolTip(_("Move the indicator up (Ctrl+Up)"))
        up.clicked.connect(lambda: self.move_indicator(-1))
        down = QPushButton(_("Move do&wn"), self)
        down.setToolTip(_("Move the indicator down (Ctrl+Down)"))
        down.clicked.connect(lambda: self.move_indicator(1))
        self.table.installEventFilter(self)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, up, down):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(_("<b>Indicators</b> (Enter changes, Delete removes)"), box)
        column.addWidget(heading)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        layout: QVBoxLayout = self.layout()
        layout.insertWidget(1, box, 1)
        self._fill()
        self.resize(900, 640)

    # --- the plan ------------------------------------------------------------------------------
    def _problems(self, values: dict[str, Any]) -> dict[str, ValidationError]:
        try:
            check_plan_head(
                values.get("name") or "", values.get("valid_from"), values.get("valid_to")
            )
        except ValidationError as error:
            return {error.field or "name": error}
        return {}

    def draft(self, values: dict[str, Any]) -> GoalPlan:
        return replace(
            self.plan,
            name=(values.get("name") or "").strip(),
            municipality=(values.get("municipality") or "").strip(),
            valid_from=values.get("valid_from"),
            valid_to=values.get("valid_to"),
            follow_up=values.get("follow_up") or "monthly",
            indicators=tuple(self.indicators),
            editable=True,
        )

    def _save_plan(self, values: dict[str, Any]) -> str:
        from app.casework.goals.goal_plans import save_goal_plan

        _saved, key = save_goal_plan(
            self.ctx.db,
            self.ctx.actor,
            self.draft(values),
            expected_version=self.plan.version if self.plan.id else None,
        )
        self.changed_indicators = False
        return key

    # --- the indicators --------------------------------------------------------------------------
    def _fill(self, select: int | None = None) -> None:
        from app import i18n

        self.table.set_rows(
            [
                (
                    index,
                    [
                        indicator.label,
                        i18n._(MEASURES[indicator.measure].title) if indicator.computable else "–",
                        params_text(indicator.measure, indicator.params)
                        if indicator.computable
                        else "",
                        target_text(
                            indicator.target.as_dict() if indicator.target else None,
                            MEASURES[indicator.measure].unit,
                        )
                        if indicator.computable
                        else "",
                        i18n._(FIDELITY[indicator.fidelity]),
                    ],
                )
                for index, indicator in enumerate(self.indicators)
            ]
        )
        header = self.table.horizontalHeader()
        for column, width in ((2, 280), (3, 200)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        if select is not None:
            self.table.select_id(select)
        has_rows = bool(self.indicators)
        self.edit_button.setEnabled(has_rows)
        self.remove_button.setEnabled(has_rows)

    def _changed(self, select: int | None) -> None:
        self.changed_indicators = True
        self.banner.hide()
        self._fill(select)

    def _open(self, dialog: IndicatorDialog, done) -> IndicatorDialog:
        dialog.accepted.connect(lambda: done(dialog.result_value))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.activateWindow()
        self.last_dialog = dialog
        return dialog

    def add_indicator(self) -> IndicatorDialog:
        def done(indicator: Indicator) -> None:
            self.indicators.append(indicator)
            self._changed(len(self.indicators) - 1)

        return self._open(IndicatorDialog(None, self), done)

    def edit_indicator(self) -> IndicatorDialog | None:
        index = self.table.selected_id()
        if index is None:
            return None

        def done(indicator: Indicator) -> None:
            self.indicators[index] = indicator
            self._changed(index)

        return self._open(IndicatorDialog(self.indicators[index], self), done)

    def remove_indicator(self) -> None:
        index = self.table.selected_id()
        if index is None:
            return
        del self.indicators[index]
        self._changed(min(index, len(self.indicators) - 1) if self.indicators else None)

    def move_indicator(self, step: int) -> None:
        index = self.table.selected_id()
        if index is None or not 0 <= index + step < len(self.indicators):
            return
        items = self.indicators
        items[index], items[index + step] = items[index + step], items[index]
        self._changed(index + step)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        """Ctrl+Up / Ctrl+Down in the list move the selected indicator."""
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
        ):
            self.move_indicator(-1 if event.key() == Qt.Key.Key_Up else 1)
            return True
        return super().eventFilter(watched, event)

    # --- leaving -------------------------------------------------------------------------------
    def _dirty(self) -> bool:
        return self.form.is_dirty() or self.changed_indicators

    def reject(self) -> None:
        if self.isVisible() and self._dirty() and not forms.confirm_discard(self):
            return
        self.form.mark_clean()
        self.changed_indicators = False
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if self.isVisible() and self._dirty() and not forms.confirm_discard(self):
            event.ignore()
            return
        self.form.mark_clean()
        self.changed_indicators = False
        super().closeEvent(event)
