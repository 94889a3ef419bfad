"""The "Frister" page: one list each morning instead of alert spam.

Three groups — overdue, due within 7 days, and needs booking (a conversation requirement due within
30 days with no conversation booked) — for my caseload, a colleague's, a team's or everybody's.
Every overdue item is shown, however old, grouped by how long ago it fell due.
An item disappears by itself once the conversation or offer that meets it is recorded, because
the list is computed from the case data each time it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.casework.admin.users import active_caseworkers
from app.casework.core.result import Area
from app.casework.deadlines.deadline_rule_files import load_rule_sets
from app.casework.deadlines.deadlines import CitizenDeadline, worklist
from app.casework.deadlines.snooze import active_snoozes, snooze_deadline
from app.casework.deadlines.today import (
    NEEDS_BOOKING_DAYS,
    OVERDUE_BANDS,
    needs_booking,
    overdue_band,
)
from app.domain.codes import TARGET_GROUPS
from app.i18n import N_, _
from app.reports.list_table import ListTable
from app.ui.casework import prompts
from app.ui.casework.context import UiContext
from app.ui.lazy_table import LazyTable
from app.ui.list_output import ListSource, cpr_text, export_list, print_list
from app.ui.operations import Change
from app.wording.deadline_text import explain, rule_title, status_label

GROUPS = {
    "overdue": N_("Overdue"),
    "due_soon": N_("Due within 7 days"),
    "needs_booking": N_("Needs booking"),
}
__all__ = ["NEEDS_BOOKING_DAYS", "WorkItem", "WorklistPage", "work_items"]


@dataclass(frozen=True)
class WorkItem:
    group: str
    item: CitizenDeadline
    band: int = 0  # for an overdue item: its index in ``OVERDUE_BANDS`` (how long ago it fell due)

    def group_label(self) -> str:
        if self.group == "overdue":
            return _(OVERDUE_BANDS[self.band][1])
        return _(GROUPS[self.group])


def work_items(found: Iterable[CitizenDeadline], today: date) -> list[WorkItem]:
    """Sort open requirements into the three groups; anything else is not on the list. Every
    overdue item is kept, grouped by age (the most recent group first, so the oldest do not bury
    them; by due date within a group, then by name in Danish order, as ``found`` has them: the
    sort is stable, and a name compared as text would put Å before Æ and Ø)."""
    items = []
    for entry in found:
        d = entry.deadline
        if d.status == "overdue":
            items.append(WorkItem("overdue", entry, overdue_band(d.due, today)))
        elif d.status == "due_soon":
            items.append(WorkItem("due_soon", entry))
        elif needs_booking(entry, today):
            items.append(WorkItem("needs_booking", entry))
    order = {"overdue": 0, "due_soon": 1, "needs_booking": 2}
    return sorted(items, key=lambda w: (order[w.group], w.band, w.item.deadline.due))


#: The table's column of the caseworker's initials (hidden in one's own caseload).
_CASEWORKER = 7


class WorklistPage(QWidget):
    open_citizen = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[WorkItem] = []
        self.scope = QComboBox(self)
        self.scope.setAccessibleName(_("Whose deadlines"))
        self.group = QComboBox(self)
        self.group.addItem(_("All groups"), None)
        for code, label in GROUPS.items():
            self.group.addItem(_(label), code)
        self.show_snoozed = QCheckBox(_("Show items put aside"), self)
        self.show_snoozed.toggled.connect(self._show)
        self.summary = QLabel(self)
        self.snooze_button = QPushButton(_("Put &aside…"), self)
        self.snooze_button.setToolTip(
            _("Hide the selected item until a date (a reason is required and logged)")
        )
        self.snooze_button.clicked.connect(self.snooze_selected)
        refresh = QPushButton(_("&Refresh"), self)
        refresh.setToolTip(_("Read the deadlines again"))
        refresh.setAccessibleDescription(refresh.toolTip())
        refresh.clicked.connect(self.refresh)
        self.print_button = QPushButton(_("Print the list…"), self)
        self.print_button.setToolTip(_("On paper; CPR numbers masked unless you choose (logged)"))
        self.print_button.clicked.connect(self.print_list)
        self.export_button = QPushButton(_("Export the list…"), self)
        self.export_button.setToolTip(
            _("As XLSX or CSV; CPR numbers masked unless you choose (logged)")
        )
        self.export_button.clicked.connect(self.export_list)
        self.table = LazyTable(
            [
                _("Group"),
                _("Due"),
                _("Citizen"),
                _("Benefit"),
                _("Requirement"),
                _("Status"),
                _("Booked"),
                _("Caseworker"),
            ],
            self,
        )
        self.table.setAccessibleName(_("Deadlines"))
        # The benefit's name can be long ("Uddannelseshjælp, aktivitetsparat"): sized to its
        # content, everybody's list pushed the requirement off a laptop screen. It keeps a width
        # the user may drag; the whole text is in the tooltip. The requirement keeps a readable
        # width of its own too: as the stretching column it was squeezed to a few letters at
        # 150 % on a laptop; now the table scrolls sideways instead, and the last column takes
        # what room is left.
        header = self.table.horizontalHeader()
        for column, width in ((3, 190), (4, 260)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        # what is required and its state right after whom it concerns, the benefit after them:
        # on a narrow screen the row's point is in view before the table scrolls sideways
        header.moveSection(4, 3)
        header.moveSection(5, 4)
        self.table.setAccessibleDescription(
            _(
                "Each row is a legal deadline of a citizen: what is due, by "
                "when and its state (overdue, due soon or open). Enter opens "
                "the citizen."
            )
        )
        self.table.activated_id.connect(self._activated)
        # a method, not a lambda: Qt drops the connection when this page goes
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # What is shown on one line, what can be done on the next: on one line they made the page
        # wider than a laptop's screen at 150 %.
        top = QHBoxLayout()
        self.scope_label = QLabel(_("&Show:"), self)  # Alt+its letter reaches the scope by keys
        self.scope_label.setBuddy(self.scope)
        top.addWidget(self.scope_label)
        top.addWidget(self.scope)
        top.addWidget(self.group)
        top.addWidget(self.show_snoozed)
        top.addStretch(1)
        actions = QHBoxLayout()
        for button in (refresh, self.snooze_button, self.print_button, self.export_button):
            actions.addWidget(button)
        actions.addStretch(1)
        # the counts on a line of their own, wrapped: they grow with the data and used to widen
        # the window past a laptop's screen
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.explanation)
        self._fill_scopes()
        self.scope.currentIndexChanged.connect(self.refresh)
        ctx.ops.changed.connect(self._changed)
        self.group.currentIndexChanged.connect(self._show)
        self.loaded = False

    def _fill_scopes(self) -> None:
        actor = self.ctx.actor
        workers = active_caseworkers(self.ctx.db)
        team = next((w.team for w in workers if w.id == actor.caseworker_id), None)
        colleagues = [(w.id, w.label, w.team) for w in workers]
        if actor.caseworker_id is not None:
            self.scope.addItem(_("My caseload"), ("mine", {actor.caseworker_id}))
        if team and actor.role in ("teamlead", "admin"):
            self.scope.addItem(
                _("My team: {team}").format(team=team),
                ("team", {c for c, _n, t in colleagues if t == team}),
            )
        if actor.role in ("teamlead", "admin") or actor.caseworker_id is None:
            self.scope.addItem(_("Everybody"), ("all", None))
        for worker_id, name, _team in colleagues:
            if worker_id != actor.caseworker_id:
                self.scope.addItem(name, ("colleague", {worker_id}))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def refresh(self) -> None:
        """Read the list again: in the background for a team or everybody (seconds at a large
        jobcenter), at once for one caseload."""
        kind, ids = self.scope.currentData() or ("all", None)
        db, actor, today = self.ctx.db, self.ctx.actor, self.ctx.today()
        loaded = load_rule_sets()
        if loaded.problem is not None:
            self.ctx.ops.problem.emit(loaded.problem)

        def work() -> tuple[dict, list[WorkItem]]:
            found = worklist(db, actor, today, caseworker_ids=ids, rules=loaded.book)
            items = work_items(found, today)
            found.let_go()  # the requirements not on the list, freed a slice at a time
            return active_snoozes(db, today), items

        # one's own caseload: the caseworker column would show one's own initials on every row
        self.table.setColumnHidden(_CASEWORKER, kind == "mine")
        background = kind in ("all", "team")
        if background:
            self.summary.setText(_("Reading the deadlines…"))
        self.ctx.ops.read("worklist", work, self._read, background=background, owner=self)

    def _changed(self, change: Change) -> None:
        if self.loaded and change.touches(
            Area.CONVERSATIONS, Area.OFFERS, Area.SPELLS, Area.DEADLINES
        ):
            self.refresh()

    def _read(self, result: tuple[dict, list[WorkItem]]) -> None:
        self.snoozed, self.items = result
        self.loaded = True
        self._show()

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(GROUPS, 0)
        for item in self.items:
            result[item.group] += 1
        return result

    def _show(self) -> None:
        wanted = self.group.currentData()
        snoozed = {} if self.show_snoozed.isChecked() else getattr(self, "snoozed", {})
        # Only the citizens with an item put aside are looked up: the window waits for this
        # list (32 000 items for everybody at 300 000 citizens).
        aside = {citizen_id for citizen_id, _rule, _due in snoozed}
        shown = [
            w
            for w in self.items
            if (wanted is None or w.group == wanted)
            and (w.item.citizen_id not in aside or self._snooze_of(w) is None)
        ]
        self._shown = shown
        # Each row is formatted when it is first shown: everybody's list has ~11 000 rows at a
        # large jobcenter, and formatting them all held the window still for two seconds.
        self.table.set_rows(range(len(shown)), lambda index: self._cells(shown[index]))
        counts = self.counts()
        self.summary.setText(
            _("{overdue} overdue · {soon} due within 7 days · {booking} need booking").format(
                overdue=counts["overdue"], soon=counts["due_soon"], booking=counts["needs_booking"]
            )
        )
        self._show_explanation()

    def _cells(self, w: WorkItem) -> list[str]:
        d = w.item.deadline
        booked = i18n.format_datetime(w.item.next_booked)
        snooze = self._snooze_of(w)
        if snooze is not None:
            booked = _("aside until {date}").format(date=i18n.format_short_date(snooze[0]))
        return [
            w.group_label(),
            i18n.format_short_date(d.due),
            w.item.name,
            i18n.label(TARGET_GROUPS, d.target_group),
            rule_title(d.title),
            f"{status_label(d.status)} ({d.done}/{d.required})",
            booked,
            w.item.caseworker or "",
        ]

    def list_source(self) -> ListSource:
        """The list as shown (the scope, the group, the items put aside or not) with CPR numbers."""

        def table(full_cpr: bool) -> ListTable:
            heads = [self.table.header_text(c) for c in range(self.table.columnCount())]
            heads.insert(3, _("CPR number"))
            rows = []
            for index, w in enumerate(getattr(self, "_shown", [])):
                cells = [self.table.text(index, c) for c in range(self.table.columnCount())]
                cells.insert(3, cpr_text(w.item.cpr, full_cpr))
                rows.append(cells)
            ids = [w.item.citizen_id for w in getattr(self, "_shown", [])]
            subtitle = (
                f"{self.scope.currentText()} · {self.group.currentText()} · {self.summary.text()}"
            )
            return ListTable(_("Deadlines"), heads, rows, ids, subtitle)

        def criterion() -> str:
            kind, ids = self.scope.currentData() or ("all", None)
            who = ",".join(str(i) for i in sorted(ids)) if ids else "all"
            return (
                f"scope={kind}:{who}; group={self.group.currentData() or 'all'}; "
                f"aside={'shown' if self.show_snoozed.isChecked() else 'hidden'}; "
                f"as_of={self.ctx.today().isoformat()}"
            )

        return ListSource("deadlines", criterion, table)

    def print_list(self) -> None:
        self.ctx.ops.write(lambda: print_list(self.ctx, self, self.list_source()))

    def export_list(self) -> None:
        self.ctx.ops.write(lambda: export_list(self.ctx, self, self.list_source()))

    def _snooze_of(self, w: WorkItem) -> tuple[date, str] | None:
        return getattr(self, "snoozed", {}).get(
            (w.item.citizen_id, w.item.deadline.rule_id, w.item.deadline.due)
        )

    def snooze_selected(self) -> None:
        index = self.table.selected_id()
        if index is None or index >= len(self._shown):
            return
        entry = self._shown[index].item
        until = prompts.ask_date(
            self,
            _("Put aside"),
            _("Put aside until (date):"),
            self.ctx.today(),
            self.ctx.today() + timedelta(days=7),
        )
        if until is None:
            return
        reason = prompts.ask_text(
            self, _("Put aside"), _("Why is the deadline put aside? (Logged)")
        )
        if reason is None:
            return
        self.ctx.ops.write(
            lambda: snooze_deadline(
                self.ctx.db,
                self.ctx.actor,
                entry.citizen_id,
                entry.deadline.rule_id,
                entry.deadline.due,
                until,
                reason,
                today=self.ctx.today(),
            )
        )  # the change comes back through ``_changed``

    def _selection_changed(self, *_: object) -> None:
        self._show_explanation()

    def _show_explanation(self) -> None:
        index = self.table.selected_id()
        if index is None or index >= len(self._shown):
            self.explanation.clear()
            return
        self.explanation.setText(explain(self._shown[index].item.deadline))

    def _activated(self, index: int) -> None:
        if 0 <= index < len(self._shown):
            self.open_citizen.emit(self._shown[index].item.citizen_id)
