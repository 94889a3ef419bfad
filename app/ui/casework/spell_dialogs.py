"""Benefit spells and employment outcomes: start, change benefit in one step, correct, register."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from app import i18n
from app.casework.case_views import SpellRow
from app.casework.employment import register_employment
from app.casework.spells import change_benefit, start_spell, update_spell
from app.domain.codes import EMPLOYMENT_KINDS, TARGET_GROUPS
from app.domain.errors import ValidationError
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.casework.offer_dialogs import CompanyPicker
from app.ui.fields import CheckField, CodeCombo, DateEdit, IntEdit, NumberEdit, TextEdit
from app.ui.form import FormDialog


def _spell_fields(dialog: FormDialog, ctx: UiContext) -> None:
    form = dialog.form
    form.add("visited_to_jobcenter", "", CheckField(_("&Visited to the jobcenter")))
    form.add(
        "early_followup_requested_on",
        _("Early follow-up &requested on"),
        DateEdit(today=ctx.today(), field="early_followup_requested_on"),
    )
    form.add("exempt_75", "", CheckField(_("E&xempt from the 75 % rule")))
    form.add("exempt_75_reason", _("Reason for the e&xemption"), TextEdit())
    form.add(
        "agreed_contact_days", _("Agreed &contact every (days)"), IntEdit(minimum=0, maximum=366)
    )


def _spell_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {
        k: values.get(k)
        for k in (
            "visited_to_jobcenter",
            "early_followup_requested_on",
            "exempt_75",
            "exempt_75_reason",
            "agreed_contact_days",
        )
    }
    out["agreed_contact_days"] = out["agreed_contact_days"] or None
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
        self.form.set_values(
            {
                "target_group": row.target_group,
                "start_date": row.start,
                "end_date": row.end,
                "end_reason": row.end_reason,
            }
        )

    def _store(self, values: dict[str, Any]) -> Any:
        try:
            return update_spell(self.ctx.db, self.ctx.actor, self.row.id, self.row.version, values)
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
        data = {
            k: values.get(k)
            for k in (
                "kind",
                "company_id",
                "start_date",
                "end_date",
                "hours_per_week",
                "hours_per_month",
            )
        }
        if data["start_date"] is None:
            raise ValidationError("Give the start date", field="start_date")
        return register_employment(self.ctx.db, self.ctx.actor, self.citizen_id, data)
