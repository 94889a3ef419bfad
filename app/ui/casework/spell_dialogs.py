"""Benefit spells and employment outcomes: start, change benefit in one step, correct, register."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from app import i18n
from app.casework.benefits.employment import register_employment
from app.casework.benefits.spells import change_benefit, start_spell, update_spell
from app.casework.citizens.case_views import SpellRow
from app.domain.codes import EMPLOYMENT_KINDS, SICK_CATEGORIES, TARGET_GROUPS
from app.domain.errors import ValidationError
from app.domain.spells import FACT_GROUPS, SPELL_FACTS
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.casework.offer_dialogs import CompanyPicker
from app.ui.fields import CheckField, CodeCombo, DateEdit, IntEdit, NumberEdit, TextEdit
from app.ui.form import FormDialog


def _spell_fields(dialog: FormDialog, ctx: UiContext) -> None:
    form = dialog.form
    today = ctx.today()
    form.add(
        "first_request_on",
        _("First &request for help"),
        DateEdit(today=today, field="first_request_on"),
        hint=_("The day the citizen first asked the kommune for help; the 6 months count from it."),
    )
    form.add("visited_to_jobcenter", "", CheckField(_("&Visited to the jobcenter")))
    form.add(
        "new_dagpengeperiode_on",
        _("New dagpenge&periode from"),
        DateEdit(today=today, field="new_dagpengeperiode_on"),
        hint=_(
            "Only when a new dagpengeperiode begins: the count of unemployment starts from zero."
        ),
    )
    form.add(
        "ledighed_hours",
        _("Accumulated &unemployment (hours)"),
        NumberEdit(field="ledighed_hours"),
        hint=_("From the a-kasse; without it Min Plan counts the earlier dagpenge spells."),
    )
    form.add("ledighed_on", _("… known &on"), DateEdit(today=today, field="ledighed_on"))
    form.add("part_time_insured", "", CheckField(_("&Part-time insured (30 hours a week)")))
    form.add(
        "absence_start_on",
        _("First day of &absence"),
        DateEdit(today=today, field="absence_start_on"),
        hint=_("Follow-up counts from the first day of absence, not from the spell's start."),
    )
    form.add(
        "sick_category",
        _("Sick-leave &category"),
        CodeCombo(SICK_CATEGORIES, allow_empty=True),
    )
    form.add(
        "early_followup_requested_on",
        _("Early follow-up &requested on"),
        DateEdit(today=today, field="early_followup_requested_on"),
    )
    form.add(
        "offer_exempt_from",
        _("Exempt from offers &from"),
        DateEdit(today=today, field="offer_exempt_from"),
    )
    form.add(
        "offer_exempt_to",
        _("Exempt from offers &until"),
        DateEdit(today=today, field="offer_exempt_to"),
    )
    form.add("work_duty", "", CheckField(_("Ar&bejdspligt")))
    form.add("exempt_75", "", CheckField(_("E&xempt from the 75 % rule")))
    form.add("exempt_75_reason", _("Reason for the e&xemption"), TextEdit())
    form.add(
        "agreed_contact_days", _("Agreed &contact every (days)"), IntEdit(minimum=0, maximum=366)
    )
    group = form.editor("target_group")
    group.changed.connect(lambda: _show_for(form, group.value()))
    _show_for(form, group.value())


def _show_for(form: Any, target_group: str | None) -> None:
    """Show only the facts that belong to the chosen benefit."""
    for name, groups in FACT_GROUPS.items():
        form.set_row_visible(name, target_group in groups)


def _spell_values(values: dict[str, Any]) -> dict[str, Any]:
    """The spell's facts (LAB § 9) from the form: a fact of another benefit is not kept."""
    group = values.get("target_group")
    out = {}
    for k in SPELL_FACTS:
        value = values.get(k)
        if k in FACT_GROUPS and group not in FACT_GROUPS[k]:
            value = False if isinstance(value, bool) else None  # a hidden field is not kept
        out[k] = value
    out["agreed_contact_days"] = out["agreed_contact_days"] or None
    out["sick_category"] = out["sick_category"] or None
    return out


class StartSpellDialog(FormDialog):
    def __init__(self, ctx: UiContext, citizen_id: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Start benefit spell"), self._store, parent)
        self.ctx, self.citizen_id = ctx, citizen_id
        self.form.add("target_group", _("&Benefit"), CodeCombo(TARGET_GROUPS))
        self.form.add("start_date", _("&Start"), DateEdit(today=ctx.today(), field="start_date"))
        self.form.add(
            "end_date",
            _("E&nd (last day, if known)"),
            DateEdit(today=ctx.today(), field="end_date"),
        )
        _spell_fields(self, ctx)

    def _store(self, values: dict[str, Any]) -> Any:
        data = {
            "target_group": values["target_group"],
            "start_date": values["start_date"],
            "end_date": values["end_date"],
            **_spell_values(values),
        }
        try:
            return start_spell(self.ctx.db, self.ctx.actor, self.citizen_id, data)
        except ValidationError as error:
            if error.field in ("start", None):
                error.field = "start_date"
            if error.field == "end":
                error.field = "end_date"
            raise


class ChangeBenefitDialog(FormDialog):
    """Ends the current spell the day before the new benefit starts, and starts it: one step."""

    def __init__(self, ctx: UiContext, current: SpellRow, parent: QWidget | None = None) -> None:
        super().__init__(_("Change benefit"), self._store, parent)
        self.ctx, self.current = ctx, current
        info = QLabel(
            _("Now: {benefit} since {date}").format(
                benefit=i18n.label(TARGET_GROUPS, current.target_group),
                date=i18n.format_date(current.start),
            ),
            self,
        )
        self.layout().insertWidget(0, info)
        others = [code for code in TARGET_GROUPS if code != current.target_group]
        self.form.add("target_group", _("&New benefit"), CodeCombo(TARGET_GROUPS, codes=others))
        self.form.add(
            "start_date", _("New benefit &from"), DateEdit(today=ctx.today(), field="start_date")
        )
        self.form.add("reason", _("&Reason"), TextEdit())
        _spell_fields(self, ctx)
        self.form.set_values({"start_date": ctx.today()})
        self.focus_field = "target_group"

    def _store(self, values: dict[str, Any]) -> Any:
        if values.get("start_date") is None:
            raise ValidationError("Give the start date", field="start_date")
        try:
            return change_benefit(
                self.ctx.db,
                self.ctx.actor,
                self.current.id,
                values["target_group"],
                values["start_date"],
                reason=values["reason"],
                expected_version=self.current.version,
                extra=_spell_values(values),
            )
        except ValidationError as error:
            if error.field in ("start", None):
                error.field = "start_date"
            raise


class EditSpellDialog(FormDialog):
    def __init__(self, ctx: UiContext, row: SpellRow, parent: QWidget | None = None) -> None:
        super().__init__(_("Correct benefit spell"), self._store, parent)
        self.ctx, self.row = ctx, row
        self.form.add("target_group", _("&Benefit"), CodeCombo(TARGET_GROUPS))
        self.form.add("start_date", _("&Start"), DateEdit(today=ctx.today(), field="start_date"))
        self.form.add(
            "end_date", _("E&nd (last day)"), DateEdit(today=ctx.today(), field="end_date")
        )
        self.form.add("end_reason", _("End &reason"), TextEdit())
        _spell_fields(self, ctx)
        self.form.set_values(
            {
                "target_group": row.target_group,
                "start_date": row.start,
                "end_date": row.end,
                "end_reason": row.end_reason,
                **{name: row.facts.get(name) for name in SPELL_FACTS},
            }
        )
        _show_for(self.form, row.target_group)

    def _store(self, values: dict[str, Any]) -> Any:
        data = {
            "target_group": values["target_group"],
            "start_date": values["start_date"],
            "end_date": values["end_date"],
            "end_reason": values["end_reason"],
            **_spell_values(values),
        }
        try:
            return update_spell(self.ctx.db, self.ctx.actor, self.row.id, self.row.version, data)
        except ValidationError as error:
            error.field = {"start": "start_date", "end": "end_date", None: "start_date"}.get(
                error.field, error.field
            )
            raise


class EmploymentDialog(FormDialog):
    """An outcome: ordinary job, paid hours (per month), fleksjob (per week) or education."""

    def __init__(self, ctx: UiContext, citizen_id: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Register employment or education"), self._store, parent)
        self.ctx, self.citizen_id = ctx, citizen_id
        self.form.add("kind", _("&Kind"), CodeCombo(EMPLOYMENT_KINDS))
        self.form.add("company_id", _("&Company"), CompanyPicker(ctx.db))
        self.form.add("start_date", _("&Start"), DateEdit(today=ctx.today(), field="start_date"))
        self.form.add("end_date", _("E&nd"), DateEdit(today=ctx.today(), field="end_date"))
        self.form.add(
            "hours_per_week",
            _("Hours per &week (fleksjob, job)"),
            NumberEdit(field="hours_per_week"),
        )
        self.form.add(
            "hours_per_month",
            _("Hours per &month (paid hours)"),
            NumberEdit(field="hours_per_month"),
        )

    def _store(self, values: dict[str, Any]) -> Any:
        if values.get("start_date") is None:
            raise ValidationError("Give the start date", field="start_date")
        # The use case takes the employment's fields from the form's values.
        return register_employment(self.ctx.db, self.ctx.actor, self.citizen_id, values)
