"""Register a new citizen or edit one's master data (CPR checked as you type)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from app.casework.admin.users import active_caseworkers
from app.casework.citizens.citizens import MasterData, create_citizen, update_citizen
from app.domain.citizens import citizen_errors
from app.domain.codes import LANGUAGES
from app.domain.errors import DuplicateError
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.fields import CheckField, CodeCombo, TextEdit
from app.ui.form import FormDialog


class CaseworkerCombo(CodeCombo):
    """Active caseworkers by name and initials; the value is the caseworker's id."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        choices = {str(w.id): w.label for w in active_caseworkers(ctx.db)}
        super().__init__({}, parent, allow_empty=True, codes=[])
        for key, text in choices.items():
            self.addItem(text, int(key))


class CitizenDialog(FormDialog):
    """``result_value`` is the saved citizen's id, or ``("open", id)`` to open an existing one."""

    def __init__(
        self, ctx: UiContext, *, citizen: MasterData | None = None, parent: QWidget | None = None
    ) -> None:
        """``citizen``: the master data to edit (read by the caller), or None for a new one."""
        citizen_id = citizen.id if citizen is not None else None
        title = _("New citizen") if citizen_id is None else _("Edit citizen")
        super().__init__(title, self._store, parent)
        self.ctx = ctx
        self.citizen_id = citizen_id
        self.version: int | None = None
        form = self.form
        form.add("cpr", _("&CPR number"), TextEdit())
        form.add("first_name", _("&First name"), TextEdit())
        form.add("last_name", _("&Last name"), TextEdit())
        form.add("address", _("&Address"), TextEdit())
        form.add("postal_code", _("Postal c&ode"), TextEdit())
        form.add("city", _("C&ity"), TextEdit())
        form.add("phone", _("&Phone"), TextEdit())
        form.add("email", _("&E-mail"), TextEdit())
        form.add("language", _("Lan&guage"), CodeCombo(LANGUAGES))
        if citizen_id is None:
            form.add("caseworker_id", _("Case&worker"), CaseworkerCombo(ctx))
        form.add("refugee_or_reunified", _("Flags"), CheckField(_("&Refugee or family-reunified")))
        form.add("refugee_year", _("Year of residence &permit"), TextEdit())
        form.add("disability", "", CheckField(_("&Disability / reduced functional capacity")))
        form.add(
            "digital_post_exempt",
            "",
            CheckField(_("E&xempt from digital post (needs the plan on paper)")),
        )
        form.set_validator(
            lambda values: citizen_errors(self._domain_values(values), today=ctx.today())
        )
        if citizen is not None:
            self._load(citizen)
        elif ctx.actor.caseworker_id is not None:
            form.editor("caseworker_id").set_value(ctx.actor.caseworker_id)
            form.mark_clean()
        self.resize(520, self.sizeHint().height())

    def _load(self, citizen: MasterData) -> None:
        values = dict(citizen.values)
        self.version = citizen.version
        values["cpr"] = f"{values['cpr'][:6]}-{values['cpr'][6:]}"
        values["refugee_year"] = str(values["refugee_year"] or "")
        self.form.set_values(values)

    @staticmethod
    def _domain_values(values: dict[str, Any]) -> dict[str, Any]:
        cleaned = dict(values)
        cleaned["refugee_year"] = (values.get("refugee_year") or "").strip() or None
        return cleaned

    def _store(self, values: dict[str, Any]) -> int | tuple[str, int]:
        data = self._domain_values(values)
        owner = data.pop("caseworker_id", None)
        try:
            if self.citizen_id is None:
                return create_citizen(
                    self.ctx.db, self.ctx.actor, data, caseworker_id=owner, today=self.ctx.today()
                ).id
            return update_citizen(
                self.ctx.db,
                self.ctx.actor,
                self.citizen_id,
                self.version,
                data,
                today=self.ctx.today(),
            ).id
        except DuplicateError as duplicate:
            if self._offer_existing(duplicate):
                return ("open", duplicate.existing_id)
            raise

    def _offer_existing(self, duplicate: DuplicateError) -> bool:
        from app import i18n

        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Citizen already registered"),
            i18n.translate_error(duplicate),
            parent=self,
        )
        open_button = box.addButton(
            _("&Open the existing citizen"), QMessageBox.ButtonRole.AcceptRole
        )
        box.addButton(_("Back to the form"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(open_button)
        box.exec()
        return box.clickedButton() is open_button
