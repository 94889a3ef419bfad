"""The "Forløb" tab: benefit spells (ydelsesforløb) and employment outcomes."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app import i18n
from app.casework.benefits.employment import change_flexjob_hours, end_employment
from app.casework.benefits.spells import end_spell
from app.casework.citizens.case_views import EmploymentRow, SpellRow, employment_of, spells_of
from app.casework.core.result import Area
from app.domain.codes import EMPLOYMENT_KINDS, TARGET_GROUPS
from app.domain.errors import ValidationError
from app.i18n import _
from app.ui.casework import prompts
from app.ui.casework.context import UiContext
from app.ui.casework.record_table import RecordTable
from app.ui.casework.spell_dialogs import (
    ChangeBenefitDialog,
    EditSpellDialog,
    EmploymentDialog,
    StartSpellDialog,
)
from app.ui.casework.tab import CitizenTab


def _buttons(parent: QWidget, actions: list) -> QHBoxLayout:
    row = QHBoxLayout()
    for action in actions:
        button = QPushButton(action.text().replace("&", ""), parent)
        button.setToolTip(action.toolTip() or action.statusTip())
        button.clicked.connect(action.trigger)
        row.addWidget(button)
    row.addStretch(1)
    return row


class SpellsTab(CitizenTab):
    AREAS = frozenset({Area.SPELLS, Area.EMPLOYMENT})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.spells: dict[int, SpellRow] = {}
        self.jobs: dict[int, EmploymentRow] = {}
        self.spell_table = RecordTable(
            [_("Benefit"), _("Start"), _("End"), _("End reason"), _("Agreed contact")],
            self,
            stretch=3,
        )
        self.spell_table.setAccessibleDescription(
            _(
                "Each row is a benefit period: the benefit, its start and end, why it ended and "
                "the agreed contact. Enter changes the selected period."
            )
        )
        self.spell_table.activated_id.connect(self.edit_spell)
        self.job_table = RecordTable(
            [_("Kind"), _("Company"), _("Start"), _("End"), _("Hours"), _("Result")],
            self,
            stretch=1,
        )
        self.job_table.setAccessibleDescription(
            _(
                "Each row is a job or an education: the kind, the company, start and end, hours "
                "and the result."
            )
        )
        self.change_action = self.make_action(
            _("&Change benefit…"),
            self.change_benefit,
            "Ctrl+Shift+Y",
            tip=_("End the current benefit and start the next in one step"),
        )
        self.start_action = self.make_action(_("&Start benefit spell…"), self.start_spell)
        self.end_action = self.make_action(_("E&nd benefit spell…"), self.end_spell)
        self.job_action = self.make_action(
            _("Register &employment…"),
            self.register_job,
            "Ctrl+Shift+E",
            tip=_("Job, paid hours, fleksjob or education"),
        )
        self.end_job_action = self.make_action(_("End employ&ment…"), self.end_job)
        self.hours_action = self.make_action(_("Change fleksjob &hours…"), self.change_hours)
        spells = QGroupBox(_("Benefit spells"), self)
        spells_layout = QVBoxLayout(spells)
        spells_layout.addLayout(
            _buttons(self, [self.change_action, self.start_action, self.end_action])
        )
        spells_layout.addWidget(self.spell_table)
        jobs = QGroupBox(_("Employment and education"), self)
        jobs_layout = QVBoxLayout(jobs)
        jobs_layout.addLayout(
            _buttons(self, [self.job_action, self.end_job_action, self.hours_action])
        )
        jobs_layout.addWidget(self.job_table)
        layout = QVBoxLayout(self)
        layout.addWidget(spells, 3)
        layout.addWidget(jobs, 2)

    def title(self) -> str:
        return _("&Benefit history")

    def actions(self) -> list:
        return [
            self.change_action,
            self.start_action,
            self.end_action,
            self.job_action,
            self.end_job_action,
            self.hours_action,
        ]

    def load(self, citizen_id: int) -> None:
        self.citizen_id = citizen_id
        spells = spells_of(self.ctx.db, self.ctx.actor, citizen_id)
        self.spells = {s.id: s for s in spells}
        self.spell_table.set_rows(
            [
                (
                    s.id,
                    [
                        i18n.label(TARGET_GROUPS, s.target_group),
                        i18n.format_short_date(s.start),
                        i18n.format_short_date(s.end) if s.end else _("ongoing"),
                        s.end_reason or "",
                        _("every {days} days").format(days=s.agreed_contact_days)
                        if s.agreed_contact_days
                        else "",
                    ],
                )
                for s in spells
            ],
            muted={s.id for s in spells if s.end is not None},
        )
        jobs = employment_of(self.ctx.db, self.ctx.actor, citizen_id)
        self.jobs = {j.id: j for j in jobs}
        self.job_table.set_rows(
            [
                (
                    j.id,
                    [
                        i18n.label(EMPLOYMENT_KINDS, j.kind),
                        j.company or "",
                        i18n.format_short_date(j.start),
                        i18n.format_short_date(j.end),
                        self._hours(j),
                        self._result(j),
                    ],
                )
                for j in jobs
            ],
            muted={j.id for j in jobs if j.end is not None},
        )

    @staticmethod
    def _hours(j: EmploymentRow) -> str:
        if j.hours_per_month is not None:
            return _("{hours} per month").format(hours=i18n.format_number(j.hours_per_month, 1))
        if j.hours_per_week is not None:
            return _("{hours} per week").format(hours=i18n.format_number(j.hours_per_week, 1))
        return ""

    @staticmethod
    def _result(j: EmploymentRow) -> str:
        if j.completed is None:
            return ""
        return _("finished") if j.completed else _("dropped out")

    def _current(self) -> SpellRow | None:
        return next((s for s in self.spells.values() if s.end is None), None)

    def change_benefit(self) -> None:
        current = self._current()
        if current is None:
            self.start_spell()
            return
        self.open_dialog(ChangeBenefitDialog(self.ctx, current, self), self.after)

    def start_spell(self) -> None:
        if self.citizen_id is not None:
            self.open_dialog(StartSpellDialog(self.ctx, self.citizen_id, self), self.after)

    def edit_spell(self, spell_id: int) -> None:
        row = self.spells.get(spell_id)
        if row is not None:
            self.open_dialog(EditSpellDialog(self.ctx, row, self), self.after)

    def end_spell(self) -> None:
        row = self.spells.get(self.spell_table.selected_id() or -1) or self._current()
        if row is None or row.end is not None:
            return
        day = prompts.ask_date(
            self,
            _("End benefit spell"),
            _("Last day on the benefit:"),
            self.ctx.today(),
            self.ctx.today(),
        )
        if day is None:
            return
        reason = prompts.ask_text(self, _("End benefit spell"), _("Why does the spell end?"))
        if reason is not None:
            self.run_change(
                lambda: end_spell(
                    self.ctx.db, self.ctx.actor, row.id, day, reason, expected_version=row.version
                )
            )

    def register_job(self) -> None:
        if self.citizen_id is not None:
            self.open_dialog(EmploymentDialog(self.ctx, self.citizen_id, self), self.after)

    def end_job(self) -> None:
        row = self.jobs.get(self.job_table.selected_id() or -1)
        if row is None or row.end is not None:
            return
        day = prompts.ask_date(
            self, _("End employment"), _("Last day:"), self.ctx.today(), self.ctx.today()
        )
        if day is None:
            return
        completed = None
        if row.kind == "education":
            completed = prompts.confirm(
                self, _("End education"), _("Was the education finished? (No = dropped out)")
            )
        self.run_change(
            lambda: end_employment(
                self.ctx.db,
                self.ctx.actor,
                row.id,
                day,
                completed=completed,
                expected_version=row.version,
            )
        )

    def change_hours(self) -> None:
        row = self.jobs.get(self.job_table.selected_id() or -1)
        if row is None or row.kind != "flexjob" or row.end is not None:
            prompts.show_notice(
                self, _("Change fleksjob hours"), _("Select an ongoing fleksjob first.")
            )
            return
        text = prompts.ask_text(self, _("Change fleksjob hours"), _("New hours per week:"))
        if text is None:
            return
        try:
            hours = float(text.replace(",", "."))
        except ValueError:
            self.ctx.ops.problem.emit(ValidationError("{text!r} is not a number", text=text))
            return
        day = prompts.ask_date(
            self,
            _("Change fleksjob hours"),
            _("New hours from:"),
            self.ctx.today(),
            self.ctx.today(),
        )
        if day is not None:
            self.run_change(
                lambda: change_flexjob_hours(
                    self.ctx.db, self.ctx.actor, row.id, hours, day, expected_version=row.version
                )
            )
