"""The "Virksomheder" page: find a company as you type; see and log its contacts, recruitment
orders and the citizens placed there (Enter opens the citizen)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.casework.citizens.case_views import CompanyView, company_view
from app.casework.offers.companies import (
    CompanyHit,
    Placement,
    citizens_placed,
    find_companies,
)
from app.domain.codes import (
    COMPANY_CONTACT_KINDS,
    OFFER_KINDS,
    OFFER_STATUSES,
    RECRUITMENT_ORDER_STATUSES,
)
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.casework.record_table import RecordTable
from app.ui.companies.dialogs import CompanyDialog, ContactDialog, OrderDialog
from app.ui.search_box import search_box

LIST_LIMIT = 500


class CompaniesPage(QWidget):
    open_citizen = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: CompanyView | None = None
        self._shown: int | None = None  # the company whose details show (maybe still arriving)
        self.last_dialog = None
        self.search = search_box(
            self,
            name=_("Search companies"),
            description=_(
                "Type part of a company's name or its CVR number; the list "
                "below shows the companies found."
            ),
            placeholder=_("Search companies by name or CVR number"),
            search=self.refresh,
            pause_ms=150,
        )
        self.list = RecordTable([_("Company"), _("CVR number"), _("City")], self, stretch=0)
        # the name gets the room: a long city is cut (its tooltip has it all), so that at 150 %
        # scaling "Andersen & Jessen A/S" is not "Andersen & J…" beside "Vallensbæk Strand"
        self.list.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.list.setColumnWidth(2, self.list.fontMetrics().horizontalAdvance("Vallensbæk") + 16)
        self.list.setAccessibleName(_("Companies"))
        self.list.setAccessibleDescription(
            _(
                "Each row is a company: name, CVR number and city. The details "
                "of the selected company are shown beside the list; Enter "
                "changes the company."
            )
        )
        self.list.itemSelectionChanged.connect(self._selected)
        self.list.activated_id.connect(lambda _id: self.edit_company())

        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.details = QLabel(self)
        self.contacts = RecordTable(
            [_("Date"), _("Kind"), _("By"), _("Contact person"), _("Led to offer"), _("Note")], self
        )
        self.contacts.setAccessibleName(_("Contact persons"))
        self.contacts.setAccessibleDescription(
            _(
                "Each row is a contact with the company: the date, the kind, by "
                "whom, the contact person and whether it led to an offer."
            )
        )
        self.orders = RecordTable(
            [_("Received"), _("Position"), _("Positions"), _("Status"), _("Closed")],
            self,
            stretch=1,
        )
        self.orders.setAccessibleName(_("Recruitment orders"))
        self.orders.setAccessibleDescription(
            _(
                "Each row is a recruitment order: when it came, the position, "
                "how many and its status. Enter changes the selected order."
            )
        )
        self.orders.activated_id.connect(self.edit_order)
        self.placed = RecordTable(
            [_("Citizen"), _("Offer"), _("Start"), _("End"), _("Status")], self, stretch=0
        )
        self.placed.setAccessibleName(_("Citizens placed at the company"))
        self.placed.setAccessibleDescription(
            _("Each row is a citizen in an offer or a job at the company. Enter opens the citizen.")
        )
        self.placed.activated_id.connect(self.open_citizen)

        self.new_action = self._action(_("&New company…"), self.new_company, "Ctrl+Shift+N")
        self.edit_action = self._action(_("Edi&t company…"), self.edit_company)
        self.contact_action = self._action(_("&Log contact…"), self.log_contact, "Ctrl+Shift+L")
        self.order_action = self._action(
            _("New recruitment &order…"), self.new_order, "Ctrl+Shift+O"
        )

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self._button(self.new_action))
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        for action in (self.edit_action, self.contact_action, self.order_action):
            head.addWidget(self._button(action))
        right_layout.addLayout(head)
        right_layout.addWidget(self.details)
        for title, table in (
            (_("Contacts"), self.contacts),
            (_("Recruitment orders"), self.orders),
            (_("Citizens placed here"), self.placed),
        ):
            box = QGroupBox(title, self)
            QVBoxLayout(box).addWidget(table)
            right_layout.addWidget(box, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([460, 720])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.refresh()

    def _action(self, text: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shortcut})")
        action.triggered.connect(lambda _c=False: slot())
        self.addAction(action)
        return action

    def _button(self, action: QAction) -> QPushButton:
        button = QPushButton(action.text(), self)
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        return button

    # --- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        db, text = self.ctx.db, self.search.text()
        self.ctx.ops.read(
            "companies",
            lambda: find_companies(db, text, limit=LIST_LIMIT),
            self._found,
            background=False,
        )

    def _found(self, hits: list[CompanyHit]) -> None:
        self.list.set_rows([(h.id, [h.name, h.cvr, h.city or ""]) for h in hits])
        self._selected()

    def company_id(self) -> int | None:
        return self.list.selected_id()

    def _selected(self) -> None:
        company_id = self.company_id()
        # Nothing is done to a company until its own details are here (not the last one's).
        self.view = None
        for action in (self.edit_action, self.contact_action, self.order_action):
            action.setEnabled(False)
        if company_id is None:
            self._shown = None
            self.heading.setText(_("No company selected"))
            self._clear_details()
            return
        if company_id != self._shown:  # no other company's details while this one's come
            self._shown = company_id
            self.heading.setText(self.list.text(company_id, 0))
            self._clear_details()
        db, actor = self.ctx.db, self.ctx.actor
        # In the background: the citizens placed at a company are looked up among everybody's
        # offers (50–150 ms at 100 000 citizens); a quick run down the list with the arrow keys
        # reads the company it stops at (the runner skips the reads overtaken meanwhile).
        self.ctx.ops.read(
            "company",
            lambda: (
                company_view(db, company_id),
                citizens_placed(db, actor, company_id),
            ),
            self._show,
            owner=self,
        )

    def _clear_details(self) -> None:
        self.details.clear()
        for table in (self.contacts, self.orders, self.placed):
            table.set_rows([])

    def _show(self, found: tuple[CompanyView, list[Placement]]) -> None:
        view, placed = found
        if view.id != self.company_id():
            return  # read for a company no longer selected (the list was emptied meanwhile)
        self.view = view
        for action in (self.edit_action, self.contact_action, self.order_action):
            action.setEnabled(True)
        self.heading.setText(view.name)
        where = ", ".join(
            p for p in (view.address, " ".join(filter(None, (view.postal_code, view.city)))) if p
        )
        employees = (
            _("{n} employees").format(n=view.employees) if view.employees is not None else ""
        )
        local = _("local") if view.local else ""
        self.details.setText(
            " · ".join(p for p in (f"CVR {view.cvr}", where, employees, local) if p)
        )
        self.contacts.set_rows(
            [
                (
                    c.id,
                    [
                        i18n.format_short_date(c.contacted_on),
                        i18n.label(COMPANY_CONTACT_KINDS, c.kind),
                        c.caseworker or "",
                        c.contact_person or "",
                        _("yes") if c.led_to_offer else _("no"),
                        (c.note or "").replace("\n", " "),
                    ],
                )
                for c in view.contacts
            ]
        )
        self.orders.set_rows(
            [
                (
                    o.id,
                    [
                        i18n.format_short_date(o.received_on),
                        o.title,
                        str(o.positions),
                        i18n.label(RECRUITMENT_ORDER_STATUSES, o.status),
                        i18n.format_short_date(o.closed_on),
                    ],
                )
                for o in view.orders
            ]
        )
        self.placed.set_rows(
            [
                (
                    p.citizen_id,
                    [
                        p.citizen_name,
                        i18n.label(OFFER_KINDS, p.offer_kind),
                        i18n.format_short_date(p.start),
                        i18n.format_short_date(p.end),
                        i18n.label(OFFER_STATUSES, p.status),
                    ],
                )
                for p in placed
            ]
        )

    # --- actions -------------------------------------------------------------------------------
    def _open(self, dialog, select_result: bool = False) -> None:
        def done(saved) -> None:
            self.refresh()
            if select_result and saved is not None:
                self.search.blockSignals(True)
                self.search.clear()
                self.search.blockSignals(False)
                self.refresh()
                self.list.select_id(saved.id)

        dialog.accepted.connect(lambda: done(getattr(dialog, "result_value", None)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.last_dialog = dialog

    def new_company(self) -> None:
        self._open(CompanyDialog(self.ctx, parent=self), select_result=True)

    def edit_company(self) -> None:
        if self.view is not None:
            self._open(CompanyDialog(self.ctx, self.view, parent=self))

    def log_contact(self) -> None:
        if self.view is not None:
            self._open(ContactDialog(self.ctx, self.view.id, parent=self))

    def new_order(self) -> None:
        if self.view is not None:
            self._open(OrderDialog(self.ctx, self.view.id, parent=self))

    def edit_order(self, order_id: int) -> None:
        if self.view is None:
            return
        order = next((o for o in self.view.orders if o.id == order_id), None)
        if order is not None:
            self._open(OrderDialog(self.ctx, self.view.id, order, parent=self))
