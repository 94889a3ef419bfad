"""The "I dag" page, the first a caseworker sees: the morning summary above one list of the day.

The list holds, in this order: today's and tomorrow's booked conversations, every overdue legal
deadline grouped by age, the deadlines due within 7 days, the citizens who need a conversation
booked, and the caseworker's own milestones past their date. Enter (or a double-click) on a line
opens the citizen. The data comes from ``app.casework.deadlines.today.own_day_overview``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.day import DayOverview
from app.i18n import _
from app.reports.list_table import ListTable
from app.ui.casework.record_table import RecordTable
from app.ui.list_output import ListSource, cpr_text, export_list, print_list
from app.ui.today.lines import DayLine, day_lines, headers, summary

if TYPE_CHECKING:
    from app.ui.casework.context import UiContext


class TodayPage(QWidget):
    """``open_citizen(id)`` on Enter."""

    open_citizen = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.day: DayOverview | None = None
        self.lines: list[DayLine] = []
        self.loaded = False
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName(_("Today in brief"))
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.summary.setFont(font)
        self.refresh_button = QPushButton(_("Refresh"), self)
        self.refresh_button.setToolTip(_("Read the day again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.print_button = QPushButton(_("Print the list…"), self)
        self.print_button.setToolTip(_("On paper; CPR numbers masked unless you choose (logged)"))
        self.export_button = QPushButton(_("Export the list…"), self)
        self.export_button.setToolTip(
            _("As XLSX or CSV; CPR numbers masked unless you choose (logged)")
        )
        self.print_button.clicked.connect(self.print_list)
        self.export_button.clicked.connect(self.export_list)
        self.table = RecordTable(headers(), self, stretch=3)
        # what and its details share the width (at 150 % the details alone took two thirds)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(_("Today's work"))
        self.table.setAccessibleDescription(
            _("Conversations, deadlines and milestones; Enter opens the citizen")
        )
        self.table.activated_id.connect(self._activated)
        self.table.itemSelectionChanged.connect(self._explain)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.refresh_button)
        self.buttons.addWidget(self.print_button)
        self.buttons.addWidget(self.export_button)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.explanation)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self.loaded:
            first = self.day is None
            self.refresh()
            if first:  # the first page at start: the keyboard is in the list, Enter opens
                self.focus_list()

    def refresh(self) -> None:
        # imported here: the page's module needs no SQLAlchemy, so that a start can build it
        # before the ORM is loaded (issue #19)
        from app.casework.deadlines.today import own_day_overview

        db, actor, today = self.ctx.db, self.ctx.actor, self.ctx.today()
        self.ctx.ops.read(
            "today", lambda: own_day_overview(db, actor, today), self._show, background=False
        )

    def show_day(self, day: DayOverview) -> None:
        """Show a day read before the page was shown (a start's first screen, read through the
        driver): the page then does not read it again when it is shown."""
        self._show(day)
        self.focus_list()

    def _show(self, day: DayOverview) -> None:
        self.day = day
        self.loaded = True
        if self.day.caseworker_id is None:
            self.lines = []
            self.summary.setText(
                _("You have no caseload of your own; the Deadlines page shows everybody's.")
            )
        else:
            self.lines = day_lines(self.day)
            self.summary.setText(summary(self.day))
        keep = self.table.selected_id()
        self.table.set_rows([(index, line.cells) for index, line in enumerate(self.lines)])
        actionable = [n for n, line in enumerate(self.lines) if line.citizen_id is not None]
        if actionable and (keep is None or keep not in actionable):
            self.table.selectRow(actionable[0])  # not a "nothing today" line
        self._explain()

    def selected_line(self) -> DayLine | None:
        index = self.table.selected_id()
        return self.lines[index] if index is not None and index < len(self.lines) else None

    def _explain(self) -> None:
        line = self.selected_line()
        self.explanation.setText(line.explanation if line else "")

    def _activated(self, index: int) -> None:
        if 0 <= index < len(self.lines) and self.lines[index].citizen_id is not None:
            self.open_citizen.emit(self.lines[index].citizen_id)

    def list_source(self) -> ListSource:
        """The day as a list to print or export (what the table shows, plus the CPR number)."""

        def table(full_cpr: bool) -> ListTable:
            heads = headers()
            heads.insert(3, _("CPR number"))
            rows = []
            for line in self.lines:
                cells = line.cells
                cells.insert(3, cpr_text(line.cpr, full_cpr) if line.cpr else "")
                rows.append(cells)
            ids = [line.citizen_id for line in self.lines if line.citizen_id is not None]
            title = _("Today") + " — " + self.ctx.actor.display
            return ListTable(title, heads, rows, ids, self.summary.text())

        def criterion() -> str:
            day = self.day.today.isoformat() if self.day else ""
            worker = self.day.caseworker_id if self.day else None
            return f"day={day}; caseworker={worker}"

        return ListSource("today", criterion, table)

    def print_list(self) -> None:
        self.ctx.ops.write(lambda: print_list(self.ctx, self, self.list_source()))

    def export_list(self) -> None:
        self.ctx.ops.write(lambda: export_list(self.ctx, self, self.list_source()))

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
