"""The "Min Plan" tab: the plan's texts (LAB § 41) edited in place, and the milestones (delmål).

The texts are saved together with Ctrl+S (one plan version per save); leaving the citizen with
unsaved text asks first. Milestones are saved one action at a time.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.casework.citizens.case_views import MilestoneRow, PlanView, plan_of
from app.casework.core.result import Area
from app.casework.deadlines.today import milestone_overdue
from app.casework.plan.plan import (
    add_milestone,
    changes_since_last_print,
    complete_milestone,
    delete_milestone,
    drop_milestone,
    move_milestone,
    plan_as_of,
    restore_milestone,
    save_plan,
    update_milestone,
)
from app.domain.codes import MILESTONE_STATUSES
from app.domain.dates import local_to_utc
from app.domain.errors import ConflictError, MinPlanError, ValidationError
from app.domain.plan import PLAN_FIELDS, MilestoneState, PlanChange, PlanSnapshot, plan_gaps
from app.i18n import _
from app.ui import colours
from app.ui.casework import prompts
from app.ui.casework.context import UiContext
from app.ui.casework.labels import field_label
from app.ui.casework.record_table import RecordTable
from app.ui.casework.tab import CitizenTab
from app.ui.fields import CodeCombo, DateEdit, LongTextEdit, TextEdit
from app.ui.form import Form, FormDialog

#: Field order on screen: the goal first, the citizen's own words prominently next.
SCREEN_ORDER = (
    "job_goal",
    "education_goal",
    "own_words",
    "job_search",
    "stabilising",
    "other_efforts",
    "status_followup",
)


class MilestoneDialog(FormDialog):
    """A new milestone (title and optional due date), or an edit of one."""

    def __init__(
        self,
        ctx: UiContext,
        citizen_id: int,
        row: MilestoneRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Edit milestone") if row else _("New milestone"), self._store, parent)
        self.ctx, self.citizen_id, self.row = ctx, citizen_id, row
        self.form.add("title", _("&Milestone"), TextEdit())
        self.form.add("due", _("&Due"), DateEdit(today=ctx.today(), field="due"))
        if row is not None:
            self.form.add("status", _("&Status"), CodeCombo(MILESTONE_STATUSES))
            self.form.add(
                "completed_on",
                _("&Reached on"),
                DateEdit(today=ctx.today(), field="completed_on"),
            )
            self.form.add("drop_reason", _("&Reason for dropping"), TextEdit())
            self.form.set_values(
                {
                    "title": row.title,
                    "due": row.due,
                    "status": row.status,
                    "completed_on": row.completed_on,
                    "drop_reason": row.drop_reason,
                }
            )
        self.form.set_validator(self._rules)
        self.resize(480, self.sizeHint().height())

    @staticmethod
    def _rules(values: dict[str, Any]) -> dict[str, ValidationError]:
        if not (values.get("title") or "").strip():
            return {"title": ValidationError("A milestone needs a title", field="title")}
        return {}

    def _store(self, values: dict[str, Any]) -> Any:
        if self.row is None:
            return add_milestone(
                self.ctx.db, self.ctx.actor, self.citizen_id, values["title"], due=values["due"]
            )
        return update_milestone(self.ctx.db, self.ctx.actor, self.row.id, self.row.version, values)


class PlanTab(CitizenTab):
    AREAS = frozenset({Area.PLAN, Area.MILESTONES})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.view: PlanView | None = None
        self.show_deleted = False
        self.form = Form(self)
        for name in SCREEN_ORDER:
            label = field_label(name)
            editor = LongTextEdit(lines=4 if name == "own_words" else 2, compact=True)
            if name == "own_words":
                colours.tint(editor, "own_words")  # readable in a dark palette too
                editor.setPlaceholderText(_("What the citizen wants, in the citizen's own words"))
            self.form.add(name, label, editor)
        self.form.add(
            "agreed_on",
            _("&Agreed with the citizen on"),
            DateEdit(today=ctx.today(), field="agreed_on"),
            hint=_("Printed on the citizen's plan (LAB § 41)."),
        )
        self.gaps = QLabel(self)
        self.gaps.setWordWrap(True)
        self.gaps.setAccessibleName(_("What the plan lacks"))
        self.status = QLabel(self)
        self.save_action = self.make_action(
            _("&Save the plan"), self.save, "Ctrl+S", tip=_("Save the plan texts (a new version)")
        )
        self.milestone_action = self.make_action(
            _("New &milestone…"),
            self.new_milestone,
            "Ctrl+M",
            tip=_("Add a milestone (delmål) to the plan"),
        )
        self.done_action = self.make_action(_("Milestone &reached…"), self.complete_selected)
        self.drop_action = self.make_action(_("&Drop milestone…"), self.drop_selected)
        self.up_action = self.make_action(
            _("Move milestone &up"), lambda: self.move_selected(-1), "Alt+Up"
        )
        self.down_action = self.make_action(
            _("Move milestone do&wn"), lambda: self.move_selected(1), "Alt+Down"
        )
        self.changes_action = self.make_action(
            _("&Changes since the last printed plan…"), self.show_changes
        )
        self.as_of_action = self.make_action(_("The plan as it was on a da&te…"), self.show_as_of)
        self.deleted_action = self.make_action(_("Show deleted milestones"), self.toggle_deleted)
        self.deleted_action.setCheckable(True)

        self.milestones = RecordTable(
            [_("Milestone"), _("Due"), _("Status"), _("Reached or dropped")], self, stretch=0
        )
        self.milestones.setAccessibleDescription(
            _(
                "Each row is a milestone of the plan: its date, its status (a milestone past its "
                "date says overdue) and when it was reached or dropped. Enter changes the "
                "selected milestone."
            )
        )
        self.milestones.activated_id.connect(self.edit_milestone)
        self.milestones.delete_id.connect(self.delete_or_restore)
        self.milestones.setMinimumHeight(170)

        texts = QGroupBox(_("Min Plan"), self)
        texts_layout = QVBoxLayout(texts)
        texts_layout.addWidget(self.gaps)
        texts_layout.addWidget(self.form)
        save_row = QHBoxLayout()
        save_button = QPushButton(_("&Save the plan").replace("&", "") + "  (Ctrl+S)", self)
        save_button.clicked.connect(self.save)
        save_row.addWidget(self.status, 1)
        extra = QPushButton(_("Changes since last print…"), self)
        extra.clicked.connect(self.show_changes)
        save_row.addWidget(extra)
        save_row.addWidget(save_button)
        texts_layout.addLayout(save_row)

        steps = QGroupBox(_("Milestones"), self)
        steps_layout = QVBoxLayout(steps)
        buttons = QGridLayout()
        for i, action in enumerate(
            (
                self.milestone_action,
                self.done_action,
                self.drop_action,
                self.up_action,
                self.down_action,
                self.deleted_action,
            )
        ):
            button = QPushButton(action.text().replace("&", ""), self)
            button.setToolTip(action.toolTip() or action.statusTip())
            button.clicked.connect(action.trigger)
            buttons.addWidget(button, 0, i)
        steps_layout.addLayout(buttons)
        steps_layout.addWidget(self.milestones)

        inner = QWidget(self)
        column = QVBoxLayout(inner)
        column.addWidget(texts)
        column.addWidget(steps, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def title(self) -> str:
        return _("&Min Plan")

    def actions(self) -> list:
        return [
            self.save_action,
            self.milestone_action,
            self.done_action,
            self.drop_action,
            self.up_action,
            self.down_action,
            self.changes_action,
            self.as_of_action,
        ]

    # --- loading ---------------------------------------------------------------------------
    def load(self, citizen_id: int) -> None:
        self.citizen_id = citizen_id
        self.view = plan_of(
            self.ctx.db, self.ctx.actor, citizen_id, include_deleted=self.show_deleted
        )
        self.form.set_values({**self.view.fields, "agreed_on": self.view.agreed_on})
        self._show_status()
        self._show_gaps()
        self.milestones.set_rows(
            [(m.id, self._cells(m, self.ctx.today())) for m in self.view.milestones],
            muted={m.id for m in self.view.milestones if m.deleted or m.status == "dropped"},
        )

    def _show_status(self) -> None:
        if self.view is None or self.view.version is None:
            self.status.setText(_("No plan saved yet"))
        else:
            self.status.setText(
                _("Updated {date}").format(date=i18n.format_date(self.view.updated_on))
            )

    def _show_gaps(self) -> None:
        """What LAB § 41 asks of the plan that it lacks, said before anyone prints it."""
        view = self.view
        if view is None:
            self.gaps.hide()
            return
        states = [
            MilestoneState(m.id, m.title, m.due, m.status, m.completed_on, m.drop_reason)
            for m in view.milestones
            if not m.deleted
        ]
        found = plan_gaps(
            view.fields,
            view.agreed_on,
            view.target_group,
            states,
            self.ctx.today(),
            sick_category=view.sick_category,
        )
        lines = [
            i18n._(g.message).format(
                **{
                    k: i18n.format_date(v) if hasattr(v, "isoformat") else v
                    for k, v in g.params.items()
                }
            )
            for g in found
        ]
        self.gaps.setText(_("Before the plan is printed:") + "\n• " + "\n• ".join(lines))
        self.gaps.setVisible(bool(lines))

    @staticmethod
    def _cells(m: MilestoneRow, today: date) -> list[str]:
        when = ""
        if m.status == "done":
            when = i18n.format_short_date(m.completed_on)
        elif m.status == "dropped":
            when = m.drop_reason or ""
        status = i18n.label(MILESTONE_STATUSES, m.status) + (
            " " + _("(deleted)") if m.deleted else ""
        )
        if not m.deleted and milestone_overdue(m.due, m.status, today):
            status = "⚠ " + _("Overdue") + " · " + status
        return [m.title, i18n.format_short_date(m.due), status, when]

    def has_unsaved_changes(self) -> bool:
        return self.form.is_dirty()

    def discard_changes(self) -> None:
        self.form.mark_clean()

    # --- the plan texts ----------------------------------------------------------------------
    def save(self) -> None:
        if self.citizen_id is None or self.view is None:
            return
        values, problems = self.form.read()
        if problems:
            self.form.show_all_errors()
            return
        try:
            saved = save_plan(
                self.ctx.db,
                self.ctx.actor,
                self.citizen_id,
                # 0: "there was no plan when I opened it", so a plan someone else made meanwhile
                # is a conflict, not something to overwrite
                self.view.version if self.view.version is not None else 0,
                values,
                today=self.ctx.today(),
            )
        except ConflictError as conflict:
            from app.ui.conflict_dialog import ConflictDialog

            ConflictDialog(conflict, parent=self).open()
            return
        except MinPlanError as error:  # kept here: the form keeps the input, shows it at its field
            if not self.form.show_error(error):
                self.ctx.ops.problem.emit(error)
            return
        self.form.mark_clean()
        self.after(saved)

    # --- milestones --------------------------------------------------------------------------
    def _selected(self) -> MilestoneRow | None:
        chosen = self.milestones.selected_id()
        return next(
            (m for m in (self.view.milestones if self.view else ()) if m.id == chosen), None
        )

    def new_milestone(self) -> None:
        if self.citizen_id is not None:
            self.open_dialog(MilestoneDialog(self.ctx, self.citizen_id, parent=self), self.after)

    def edit_milestone(self, milestone_id: int) -> None:
        row = (
            next((m for m in self.view.milestones if m.id == milestone_id), None)
            if self.view
            else None
        )
        if row is not None and not row.deleted and self.citizen_id is not None:
            self.open_dialog(
                MilestoneDialog(self.ctx, self.citizen_id, row, parent=self), self.after
            )

    def complete_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        day = prompts.ask_date(
            self,
            _("Milestone reached"),
            _("Reached on (e.g. today or 20/11)"),
            self.ctx.today(),
            self.ctx.today(),
        )
        if day is not None:
            self.run_change(
                lambda: complete_milestone(
                    self.ctx.db, self.ctx.actor, row.id, day, expected_version=row.version
                )
            )

    def drop_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        reason = prompts.ask_text(self, _("Drop milestone"), _("Why is the milestone dropped?"))
        if reason is not None:
            self.run_change(
                lambda: drop_milestone(
                    self.ctx.db, self.ctx.actor, row.id, reason, expected_version=row.version
                )
            )

    def move_selected(self, steps: int) -> None:
        row = self._selected()
        if row is not None:
            self.run_change(lambda: move_milestone(self.ctx.db, self.ctx.actor, row.id, steps))
            self.milestones.select_id(row.id)

    def delete_or_restore(self, milestone_id: int) -> None:
        row = (
            next((m for m in self.view.milestones if m.id == milestone_id), None)
            if self.view
            else None
        )
        if row is None:
            return
        if row.deleted:
            self.run_change(lambda: restore_milestone(self.ctx.db, self.ctx.actor, row.id))
        elif prompts.confirm(
            self,
            _("Delete milestone"),
            _("Delete the milestone {title!r}? You can restore it later.").format(title=row.title),
        ):
            self.run_change(lambda: delete_milestone(self.ctx.db, self.ctx.actor, row.id))

    def toggle_deleted(self) -> None:
        self.show_deleted = self.deleted_action.isChecked()
        self.reload()

    # --- versions ----------------------------------------------------------------------------
    def show_changes(self) -> None:
        if self.citizen_id is None:
            return
        changes, printed = changes_since_last_print(self.ctx.db, self.ctx.actor, self.citizen_id)
        heading = (
            _("Changes since the plan printed {date}").format(date=i18n.format_date(printed.date()))
            if printed
            else _("The plan has not been printed yet; everything is new")
        )
        body = "\n".join(f"• {describe_change(c)}" for c in changes) or _("Nothing has changed")
        QMessageBox.information(self, _("Changes since last print"), heading + "\n\n" + body)

    def show_as_of(self) -> None:
        if self.citizen_id is None:
            return
        day = prompts.ask_date(
            self,
            _("The plan on a date"),
            _("Show the plan as it was at the end of (date):"),
            self.ctx.today(),
            self.ctx.today(),
        )
        if day is None:
            return
        snapshot = plan_as_of(
            self.ctx.db,
            self.ctx.actor,
            self.citizen_id,
            local_to_utc(datetime.combine(day, time(23, 59, 59))),
        )
        text = describe_snapshot(snapshot) if snapshot else _("There was no plan yet on that date")
        box = QMessageBox(
            QMessageBox.Icon.NoIcon,
            _("The plan on {date}").format(date=i18n.format_date(day)),
            text,
            parent=self,
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()


def describe_change(change: PlanChange) -> str:
    if change.kind == "field":
        return _("{field}: {before} → {after}").format(
            field=field_label(change.subject),
            before=change.before or "–",
            after=change.after or "–",
        )
    if change.kind == "milestone_added":
        return _("New milestone: {title}").format(title=change.subject)
    if change.kind == "milestone_removed":
        return _("Milestone removed: {title}").format(title=change.subject)
    if change.kind == "milestone_status":
        return _("Milestone {title}: {before} → {after}").format(
            title=change.subject,
            before=i18n.label(MILESTONE_STATUSES, change.before),
            after=i18n.label(MILESTONE_STATUSES, change.after),
        )
    return _("Milestone changed: {title}").format(title=change.subject)


def describe_snapshot(snapshot: PlanSnapshot) -> str:
    lines = [
        f"{field_label(k)}: {snapshot.fields.get(k)}" for k in PLAN_FIELDS if snapshot.fields.get(k)
    ]
    lines += [
        f"• {m.title} ({i18n.label(MILESTONE_STATUSES, m.status)})" for m in snapshot.milestones
    ]
    return "\n".join(lines) or _("The plan was empty")
