"""The "Historik" tab: the citizen's audit trail, newest first, filterable by area."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.casework.history import HistoryEntry, citizen_history
from app.i18n import N_, _
from app.ui.casework.context import UiContext
from app.ui.casework.labels import field_label
from app.ui.casework.record_table import RecordTable
from app.ui.casework.tab import CitizenTab

ENTITIES = {
    "citizen": N_("Citizen"),
    "benefit_spell": N_("Benefit spell"),
    "plan": N_("Plan"),
    "milestone": N_("Milestone"),
    "offer": N_("Offer"),
    "conversation": N_("Conversation"),
    "employment": N_("Employment"),
    "journal_note": N_("Journal note"),
    "plan_version": N_("Printed plan"),
}
ACTIONS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "restore": N_("restored"),
    "hand_over": N_("handed over"),
    "book_conversation": N_("booked"),
    "record_conversation": N_("recorded"),
    "reschedule": N_("moved"),
    "end_offer": N_("ended"),
    "extend_offer": N_("extended"),
    "cancel_offer": N_("cancelled"),
    "change_benefit": N_("benefit changed"),
    "end_spell": N_("ended"),
    "end_employment": N_("ended"),
    "change_hours": N_("hours changed"),
    "correct_note": N_("correction written"),
    "print_plan": N_("printed"),
    "save_plan": N_("saved"),
    "search_journal": N_("searched"),
    "view": N_("opened"),
}


def _value(value: object) -> str:
    if value is None or value == "":
        return "–"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def describe(entry: HistoryEntry) -> str:
    parts = [f"{field_label(c.field)}: {_value(c.old)} → {_value(c.new)}" for c in entry.changes]
    if entry.purpose:
        parts.append(_("reason: {text}").format(text=entry.purpose))
    if entry.criterion:
        parts.append(_("search: {text}").format(text=entry.criterion))
    return "; ".join(parts)


class HistoryTab(CitizenTab):
    AREAS = frozenset({"history"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.area = QComboBox(self)
        self.area.addItem(_("All areas"), None)
        for code, label in ENTITIES.items():
            self.area.addItem(_(label), code)
        self.area.currentIndexChanged.connect(self.reload)
        self.table = RecordTable([_("When"), _("Who"), _("Area"), _("What"), _("Details")], self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Show:"), self))
        top.addWidget(self.area)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def title(self) -> str:
        return _("&History")

    def load(self, citizen_id: int) -> None:
        self.citizen_id = citizen_id
        entries = citizen_history(self.ctx.db, citizen_id, entity=self.area.currentData())
        self.table.set_rows(
            [
                (
                    e.id,
                    [
                        e.when.strftime("%d.%m.%Y %H:%M"),
                        e.who,
                        _(ENTITIES[e.entity]) if e.entity in ENTITIES else (e.entity or ""),
                        _(ACTIONS[e.action]) if e.action in ACTIONS else e.action,
                        describe(e),
                    ],
                )
                for e in entries
            ]
        )
