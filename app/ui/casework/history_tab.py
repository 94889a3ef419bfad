"""The "Historik" tab: the citizen's audit trail, newest first, filterable by area."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app import i18n
from app.casework.core.result import Area
from app.casework.privacy.history import HistoryEntry, citizen_history
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.casework.record_table import RecordTable
from app.ui.casework.tab import CitizenTab
from app.wording.audit_labels import ENTITIES, action_label, entity_label

#: Areas offered in the filter (the case's own areas; company and settings events are not here).
AREAS = (
    "citizen",
    "benefit_spell",
    "plan",
    "milestone",
    "offer",
    "conversation",
    "employment",
    "journal_note",
    "plan_version",
    "deadline_snooze",
)


def describe(entry: HistoryEntry) -> str:
    return entry.summary


class HistoryTab(CitizenTab):
    AREAS = frozenset({Area.HISTORY})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.area = QComboBox(self)
        self.area.addItem(_("All areas"), None)
        for code in AREAS:
            self.area.addItem(_(ENTITIES[code]), code)
        self.area.currentIndexChanged.connect(self.reload)
        self.table = RecordTable([_("When"), _("Who"), _("Area"), _("What"), _("Details")], self)
        self.table.setAccessibleName(_("History"))
        self.table.setAccessibleDescription(
            _(
                "Each row is a change to the citizen's case: when, by whom, in "
                "which area and what changed."
            )
        )
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Show:"), self))
        top.addWidget(self.area)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def title(self) -> str:
        return _("Histor&y")

    def load(self, citizen_id: int) -> None:
        self.citizen_id = citizen_id
        entries = citizen_history(
            self.ctx.db, self.ctx.actor, citizen_id, entity=self.area.currentData()
        )
        self.table.set_rows(
            [
                (
                    e.id,
                    [
                        i18n.format_datetime(e.when),
                        e.who,
                        entity_label(e.entity),
                        action_label(e.action),
                        describe(e),
                    ],
                )
                for e in entries
            ]
        )
        for row, entry in enumerate(entries):  # the whole line where the column cuts it
            item = self.table.item(row, 4)
            if item is not None:
                item.setToolTip(entry.summary)
                self.table.item(row, 1).setToolTip(entry.os_user or "")  # type: ignore[union-attr]  # the row was just filled
