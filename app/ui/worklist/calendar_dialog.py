"""Export booked conversations to a calendar file (.ics) for Outlook and other calendars."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from app.casework.conversations.calendar_export import export_calendar
from app.domain.errors import ValidationError
from app.i18n import _
from app.ui.casework.citizen_dialog import CaseworkerCombo
from app.ui.casework.context import UiContext
from app.ui.fields import DateEdit
from app.ui.form import FormDialog


class CalendarDialog(FormDialog):
    """``result_value`` is the number of conversations written."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Export calendar"), self._store, parent)
        self.ctx = ctx
        self.form.add("caseworker_id", _("Case&worker"), CaseworkerCombo(ctx))
        self.form.add("start", _("&From"), DateEdit(today=ctx.today(), field="start"))
        self.form.add("end", _("&To"), DateEdit(today=ctx.today(), field="end"))
        self.path = self.add_save_path(_("Export calendar"), _("Calendar (*.ics)"), ".ics")
        name = f"minplan-{(ctx.actor.initials or 'samtaler').lower()}.ics"
        self.form.set_values(
            {
                "caseworker_id": ctx.actor.caseworker_id,
                "start": ctx.today(),
                "end": ctx.today() + timedelta(days=30),
                "path": str(Path.home() / name),
            }
        )
        self.form.mark_clean()

    def _store(self, values: dict[str, Any]) -> int:
        if values.get("caseworker_id") is None:
            raise ValidationError("Choose a caseworker", field="caseworker_id")
        if values.get("start") is None or values.get("end") is None:
            raise ValidationError("Give the period", field="start")
        if values["end"] < values["start"]:
            raise ValidationError(
                "End date {end} is before start date {start}",
                field="end",
                start=values["start"].isoformat(),
                end=values["end"].isoformat(),
            )
        return self.write_path(
            values,
            lambda path: export_calendar(
                self.ctx.db,
                self.ctx.actor,
                values["caseworker_id"],
                values["start"],
                values["end"],
                path,
            ),
        )
