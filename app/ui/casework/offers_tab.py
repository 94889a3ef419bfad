"""The "Tilbud" tab: the citizen's offers; register (Ctrl+T), edit, end, extend, cancel, delete."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import i18n
from app.casework.citizens.case_views import OfferRow, offers_of
from app.casework.core.result import Area, Saved
from app.casework.offers.offers import (
    cancel_offer,
    delete_offer,
    end_offer,
    extend_offer,
    restore_offer,
)
from app.domain.codes import OFFER_KINDS, OFFER_STATUSES
from app.i18n import _
from app.ui import colours
from app.ui.casework import prompts
from app.ui.casework.context import UiContext
from app.ui.casework.offer_dialogs import OfferDatesDialog, OfferDialog
from app.ui.casework.record_table import RecordTable
from app.ui.casework.tab import CitizenTab


class OffersTab(CitizenTab):
    AREAS = frozenset({Area.OFFERS})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: dict[int, OfferRow] = {}
        self.show_deleted = False
        self.table = RecordTable(
            [
                _("Kind"),
                _("Company"),
                _("Title"),
                _("Offered on"),
                _("Start"),
                _("Planned end"),
                _("Ended"),
                _("Hours per week"),
                _("Status"),
            ],
            self,
            stretch=2,
        )
        self.table.setAccessibleName(_("Offers"))
        self.table.setAccessibleDescription(
            _(
                "Each row is an offer: what kind, where, from when to when and "
                "its status. Enter changes the selected offer."
            )
        )
        self.table.activated_id.connect(self.edit)
        self.table.delete_id.connect(self.delete_or_restore)
        self.new_action = self.make_action(
            _("New &offer…"),
            self.new_offer,
            "Ctrl+T",
            tip=_("Register an offer; the company you used last is suggested"),
        )
        self.end_action = self.make_action(_("&End offer…"), self.end_selected)
        self.extend_action = self.make_action(_("E&xtend offer…"), self.extend_selected)
        self.cancel_action = self.make_action(_("Cancel o&ffer…"), self.cancel_selected)
        self.deleted_action = self.make_action(_("Show deleted offers"), self.toggle_deleted)
        self.deleted_action.setCheckable(True)
        buttons = QHBoxLayout()
        for action in (
            self.new_action,
            self.end_action,
            self.extend_action,
            self.cancel_action,
            self.deleted_action,
        ):
            button = QPushButton(action.text().replace("&", ""), self)
            button.setToolTip(action.toolTip() or action.statusTip())
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        colours.tint(self.notice, "warning")
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)

    def title(self) -> str:
        return _("Offer&s")

    def actions(self) -> list:
        return [self.new_action, self.end_action, self.extend_action, self.cancel_action]

    def load(self, citizen_id: int) -> None:
        if citizen_id != self.citizen_id:
            self.notice.hide()
        self.citizen_id = citizen_id
        rows = offers_of(self.ctx.db, self.ctx.actor, citizen_id, include_deleted=self.show_deleted)
        self.rows = {r.id: r for r in rows}
        self.table.set_rows(
            [(r.id, self._cells(r)) for r in rows],
            muted={r.id for r in rows if r.deleted or r.status == "cancelled"},
        )

    @staticmethod
    def _cells(r: OfferRow) -> list[str]:
        status = i18n.label(OFFER_STATUSES, r.status) + (" " + _("(deleted)") if r.deleted else "")
        return [
            i18n.label(OFFER_KINDS, r.kind),
            r.company or "",
            r.title or "",
            i18n.format_short_date(r.offered_on),
            i18n.format_short_date(r.start),
            i18n.format_short_date(r.planned_end),
            i18n.format_short_date(r.actual_end),
            i18n.format_number(r.hours_per_week, 1) if r.hours_per_week is not None else "",
            status,
        ]

    def after(self, saved) -> None:
        super().after(saved)
        if isinstance(saved, Saved):
            self.written(saved)

    def written(self, saved: Saved) -> None:
        """Duration warnings stay visible above the list: they call for an assessment in the journal."""
        self.notice.setText("\n".join(saved.warnings))
        self.notice.setVisible(bool(saved.warnings))

    def _selected(self) -> OfferRow | None:
        return self.rows.get(self.table.selected_id() or -1)

    def new_offer(self) -> None:
        if self.citizen_id is not None:
            self.open_dialog(OfferDialog(self.ctx, self.citizen_id, self), self.after)

    def edit(self, offer_id: int) -> None:
        row = self.rows.get(offer_id)
        if row is not None and not row.deleted:
            self.open_dialog(OfferDatesDialog(self.ctx, row, self), self.after)

    def end_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        day = prompts.ask_date(
            self, _("End offer"), _("Last day of the offer:"), self.ctx.today(), self.ctx.today()
        )
        if day is not None:
            self.run_change(
                lambda: end_offer(
                    self.ctx.db, self.ctx.actor, row.id, day, expected_version=row.version
                )
            )

    def extend_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        day = prompts.ask_date(
            self, _("Extend offer"), _("New planned end:"), self.ctx.today(), row.planned_end
        )
        if day is not None:
            self.run_change(
                lambda: extend_offer(
                    self.ctx.db, self.ctx.actor, row.id, day, expected_version=row.version
                )
            )

    def cancel_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        reason = prompts.ask_text(self, _("Cancel offer"), _("Why is the offer cancelled?"))
        if reason is not None:
            self.run_change(
                lambda: cancel_offer(
                    self.ctx.db, self.ctx.actor, row.id, reason, expected_version=row.version
                )
            )

    def delete_or_restore(self, offer_id: int) -> None:
        row = self.rows.get(offer_id)
        if row is None:
            return
        if row.deleted:
            self.run_change(lambda: restore_offer(self.ctx.db, self.ctx.actor, row.id))
        elif prompts.confirm(
            self,
            _("Delete offer"),
            _("Delete this offer (registered by mistake)? You can restore it later."),
        ):
            self.run_change(lambda: delete_offer(self.ctx.db, self.ctx.actor, row.id))

    def toggle_deleted(self) -> None:
        self.show_deleted = self.deleted_action.isChecked()
        self.reload()
