"""Register or edit a company, log a contact, register or close a recruitment order."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from app.casework.citizens.case_views import CompanyView, OrderRow
from app.casework.offers.companies import (
    create_company,
    log_contact,
    save_recruitment_order,
    update_company,
)
from app.domain.codes import COMPANY_CONTACT_KINDS, RECRUITMENT_ORDER_STATUSES
from app.domain.errors import ValidationError
from app.domain.identifiers import normalise_cvr
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.fields import CheckField, CodeCombo, DateEdit, IntEdit, LongTextEdit, TextEdit
from app.ui.form import FormDialog


class CompanyDialog(FormDialog):
    """CVR checked as you type (modulus 11); a CVR already registered is refused."""

    def __init__(
        self, ctx: UiContext, company: CompanyView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Edit company") if company else _("New company"), self._store, parent)
        self.ctx, self.company = ctx, company
        self.form.add("cvr", _("C&VR number"), TextEdit())
        self.form.add("name", _("&Name"), TextEdit())
        self.form.add("address", _("&Address"), TextEdit())
        self.form.add("postal_code", _("Postal c&ode"), TextEdit())
        self.form.add("city", _("C&ity"), TextEdit())
        self.form.add("employees", _("&Employees"), IntEdit(minimum=0, maximum=1_000_000))
        self.form.add(
            "local",
            "",
            CheckField(_("&Local: the company is in the kommune")),
            hint=_("Counts for goals on local companies (also set by the kommune's postal codes)"),
        )
        if company is not None:
            self.form.set_values(
                {
                    k: getattr(company, k)
                    for k in ("cvr", "name", "address", "postal_code", "city", "employees", "local")
                }
            )
        self.form.set_validator(self._rules)

    @staticmethod
    def _rules(values: dict[str, Any]) -> dict[str, ValidationError]:
        problems: dict[str, ValidationError] = {}
        try:
            normalise_cvr(values.get("cvr") or "")
        except ValidationError as error:
            problems["cvr"] = error
        if not (values.get("name") or "").strip():
            problems["name"] = ValidationError("Give the company's name", field="name")
        return problems

    def _store(self, values: dict[str, Any]) -> Any:
        values = {**values, "employees": values.get("employees") or None}
        if self.company is None:
            return create_company(self.ctx.db, self.ctx.actor, values)
        return update_company(
            self.ctx.db, self.ctx.actor, self.company.id, self.company.version, values
        )


class ContactDialog(FormDialog):
    def __init__(self, ctx: UiContext, company_id: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Log company contact"), self._store, parent)
        self.ctx, self.company_id = ctx, company_id
        self.form.add("contacted_on", _("&Date"), DateEdit(today=ctx.today(), field="contacted_on"))
        self.form.add("kind", _("&Kind"), CodeCombo(COMPANY_CONTACT_KINDS))
        self.form.add("contact_person", _("Contact &person"), TextEdit())
        self.form.add("led_to_offer", "", CheckField(_("Led to an &offer")))
        self.form.add("note", _("&Note"), LongTextEdit(lines=3))
        self.form.set_values({"contacted_on": ctx.today()})

    def _store(self, values: dict[str, Any]) -> Any:
        return log_contact(self.ctx.db, self.ctx.actor, self.company_id, values)


class OrderDialog(FormDialog):
    """A recruitment order; closing it means choosing the outcome and the closing date."""

    def __init__(
        self,
        ctx: UiContext,
        company_id: int,
        order: OrderRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Recruitment order"), self._store, parent)
        self.ctx, self.company_id, self.order = ctx, company_id, order
        self.form.add(
            "received_on", _("&Received on"), DateEdit(today=ctx.today(), field="received_on")
        )
        self.form.add("title", _("&Position"), TextEdit())
        self.form.add("positions", _("&Number of positions"), IntEdit(minimum=1, maximum=1000))
        self.form.add("status", _("&Status"), CodeCombo(RECRUITMENT_ORDER_STATUSES))
        self.form.add("closed_on", _("&Closed on"), DateEdit(today=ctx.today(), field="closed_on"))
        if order is None:
            self.form.set_values({"received_on": ctx.today(), "positions": 1, "status": "open"})
        else:
            self.form.set_values(
                {
                    k: getattr(order, k)
                    for k in ("received_on", "title", "positions", "status", "closed_on")
                }
            )

    def _store(self, values: dict[str, Any]) -> Any:
        return save_recruitment_order(
            self.ctx.db,
            self.ctx.actor,
            self.company_id,
            values,
            order_id=self.order.id if self.order else None,
            expected_version=self.order.version if self.order else None,
        )
