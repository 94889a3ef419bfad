"""Register an offer (with a type-ahead company picker or a new company), extend, end, cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QWidget

from app.casework.citizens.case_views import OfferRow
from app.casework.offers.companies import CompanyHit, find_companies, last_used_company
from app.casework.offers.offers import register_offer, update_offer
from app.domain.codes import COMPANY_BASED_OFFER_KINDS, OFFER_KINDS
from app.domain.errors import ValidationError
from app.domain.identifiers import normalise_cvr
from app.domain.offers import check_offer
from app.i18n import _
from app.store.engine import Database
from app.ui import colours
from app.ui.casework.context import UiContext
from app.ui.fields import CheckField, CodeCombo, DateEdit, NumberEdit, TextEdit
from app.ui.form import FormDialog


def _hit_text(hit: CompanyHit) -> str:
    return f"{hit.name} ({hit.cvr})" + (f", {hit.city}" if hit.city else "")


class CompanyPicker(QLineEdit):
    """Type part of a name or a CVR number; pick from the list. ``value()`` is the company id."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._hits: dict[str, CompanyHit] = {}
        self._chosen: CompanyHit | None = None
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._picked)
        self.setCompleter(completer)
        self.setPlaceholderText(_("Type a name or CVR number"))
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(self._edited)

    def _edited(self, _text: str) -> None:
        self._chosen = self._hits.get(self.text())
        self._timer.start()
        self.changed.emit()

    def _search(self) -> None:
        hits = find_companies(self.db, self.text(), limit=30)
        self._hits = {_hit_text(h): h for h in hits}
        self._model.setStringList(list(self._hits))
        if self.hasFocus() and hits:
            self.completer().complete()

    def _picked(self, text: str) -> None:
        self._chosen = self._hits.get(text)
        self.setText(text)
        self.changed.emit()

    def hits(self) -> list[str]:
        return self._model.stringList()

    def value(self) -> int | None:
        if not self.text().strip():
            return None
        if self._chosen is None:
            raise ValidationError(
                "Pick the company from the list, or register a new one", field="company_id"
            )
        return self._chosen.id

    def set_value(self, hit: CompanyHit | None) -> None:
        self._chosen = hit
        if hit is not None:
            self._hits[_hit_text(hit)] = hit
        self.setText(_hit_text(hit) if hit else "")


class OfferDialog(FormDialog):
    """Kind, company (the one used last is preselected), dates and hours; start date has the focus."""

    def __init__(self, ctx: UiContext, citizen_id: int, parent: QWidget | None = None) -> None:
        super().__init__(_("New offer"), self._store, parent)
        self.ctx, self.citizen_id = ctx, citizen_id
        form = self.form
        form.add("kind", _("&Kind"), CodeCombo(OFFER_KINDS))
        self.picker = form.add("company_id", _("&Company"), CompanyPicker(ctx.db))
        form.add("new_company", "", CheckField(_("Register a &new company")))
        form.add("cvr", _("C&VR number"), TextEdit())
        form.add("company_name", _("Company &name"), TextEdit())
        form.add("title", _("&Job title / content"), TextEdit())
        form.add("offered_on", _("&Offered on"), DateEdit(today=ctx.today(), field="offered_on"))
        form.add("start_date", _("&Start"), DateEdit(today=ctx.today(), field="start_date"))
        form.add("planned_end", _("Planned &end"), DateEdit(today=ctx.today(), field="planned_end"))
        form.add("hours_per_week", _("&Hours per week"), NumberEdit(field="hours_per_week"))
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        colours.tint(self.warning, "warning")
        self.layout().insertWidget(1, self.warning)
        form.set_values({"offered_on": ctx.today()})
        self.picker.set_value(last_used_company(ctx.db, ctx.actor))
        form.editor("new_company").changed.connect(self._new_company_toggled)
        self._new_company_toggled()
        form.set_validator(self._rules)
        form.mark_clean()
        self.focus_field = "start_date"
        self.resize(520, self.sizeHint().height())

    def _new_company_toggled(self) -> None:
        new = bool(self.form.editor("new_company").value())
        self.picker.setEnabled(not new)
        for name in ("cvr", "company_name"):
            self.form.editor(name).setEnabled(new)

    def _rules(self, values: dict[str, Any]) -> dict[str, ValidationError]:
        problems: dict[str, ValidationError] = {}
        if values.get("new_company"):
            try:
                normalise_cvr(values.get("cvr") or "")
            except ValidationError as error:
                problems["cvr"] = error
            if not (values.get("company_name") or "").strip():
                problems["company_name"] = ValidationError(
                    "Give the company's name", field="company_name"
                )
        try:
            check_offer(
                {
                    k: values.get(k)
                    for k in ("kind", "offered_on", "start_date", "planned_end", "hours_per_week")
                }
            )
        except ValidationError as error:
            problems[error.field or "start_date"] = error
        return problems

    def _store(self, values: dict[str, Any]) -> Any:
        offer = {
            k: values.get(k)
            for k in ("kind", "title", "offered_on", "start_date", "planned_end", "hours_per_week")
        }
        new_company = None
        if values.get("new_company"):
            new_company = {"cvr": values["cvr"], "name": values["company_name"]}
        else:
            offer["company_id"] = values.get("company_id")
            if offer["company_id"] is None and values["kind"] in COMPANY_BASED_OFFER_KINDS:
                raise ValidationError(
                    "This kind of offer takes place at a company; choose one", field="company_id"
                )
        return register_offer(
            self.ctx.db,
            self.ctx.actor,
            self.citizen_id,
            offer,
            new_company=new_company,
            today=self.ctx.today(),
        )


class OfferDatesDialog(FormDialog):
    """Change the planned end (extend) or hours of an offer."""

    def __init__(self, ctx: UiContext, row: OfferRow, parent: QWidget | None = None) -> None:
        super().__init__(_("Edit offer"), self._store, parent)
        self.ctx, self.row = ctx, row
        self.form.add("title", _("&Job title / content"), TextEdit())
        self.form.add("start_date", _("&Start"), DateEdit(today=ctx.today(), field="start_date"))
        self.form.add(
            "planned_end", _("Planned &end"), DateEdit(today=ctx.today(), field="planned_end")
        )
        self.form.add("hours_per_week", _("&Hours per week"), NumberEdit(field="hours_per_week"))
        self.form.set_values(
            {
                "title": row.title,
                "start_date": row.start,
                "planned_end": row.planned_end,
                "hours_per_week": row.hours_per_week,
            }
        )

    def _store(self, values: dict[str, Any]) -> Any:
        return update_offer(self.ctx.db, self.ctx.actor, self.row.id, self.row.version, values)
