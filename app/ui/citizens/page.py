"""The "Mine borgere" page: search as you type, my caseload or all, the list and the overview."""

from __future__ import annotations

import logging

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.casework.citizens.overview import CitizenOverview, GlassNotBrokenError, citizen_overview
from app.casework.privacy.access_log import SEARCH_HITS_KEPT
from app.domain.errors import NotFoundError, PermissionDeniedError
from app.domain.search import LONE_TERM_LENGTH, MAX_SEARCH_CHARS, search_terms
from app.i18n import _, ngettext
from app.ui.casework.context import UiContext
from app.ui.citizens.overview_panel import OverviewPanel
from app.ui.citizens.search_log import SearchLog
from app.ui.citizens.table_model import CitizenTableModel, ListResult

log = logging.getLogger(__name__)

MY_CASELOAD, ALL_CITIZENS = 0, 1
SEARCH_DELAY_MS = 150


class CitizensPage(QWidget):
    """Search field and caseload filter above a lazy citizen table, the overview beside it.

    ``citizen_selected(id)`` fires when the selection moves; ``citizen_activated(id)`` on Enter or
    double-click (the main window opens the citizen there).
    """

    citizen_selected = Signal(int)
    citizen_activated = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search by name, CPR number or birth date (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(MAX_SEARCH_CHARS)  # a pasted page is cut, and the count says so
        self.search.setAccessibleName(_("Search citizens"))
        self.search.setAccessibleDescription(
            _(
                "Type part of a name, a CPR number or a birth date; the list "
                "below shows the citizens found. Enter goes to the first of "
                "them."
            )
        )
        self.scope = QComboBox(self)
        self.scope.addItem(_("My caseload"), MY_CASELOAD)
        self.scope.addItem(_("All citizens"), ALL_CITIZENS)
        self.scope.setAccessibleName(_("Show"))
        if ctx.actor.caseworker_id is None:
            self.scope.setCurrentIndex(ALL_CITIZENS)
            # a QComboBox's model is a QStandardItemModel, which has item(); the stubs say less
            self.scope.model().item(MY_CASELOAD).setEnabled(False)  # type: ignore[attr-defined]
        self.count = QLabel(self)

        self.model = CitizenTableModel(ctx.db, today=ctx.today(), ops=ctx.ops, parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName(_("Citizens"))
        self.table.setAccessibleDescription(
            _(
                "Each row is a citizen. Enter opens the selected citizen; the "
                "overview beside the list shows the citizen in brief."
            )
        )
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        rows.hide()
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 110), (2, 95), (3, 210), (4, 105)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        self.overview = OverviewPanel(self)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.scope)
        bar.addWidget(self.count)
        # As wide as its longest text, so that the search field does not jump while typing
        widest = _("{count} · type at least {n} characters to search").format(
            count=ngettext("{n} citizen", "{n} citizens", 100_000).format(
                n=i18n.format_number(100_000)
            ),
            n=LONE_TERM_LENGTH,
        )
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance(widest) + 4)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.overview)
        split.setStretchFactor(0, 2)  # the list gets room for whole names; the overview the rest
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

        self._last_logged = ""
        self.search_log = SearchLog(self)  # each search's access-log entry, off the key's path
        self.search_log.failed.connect(ctx.ops.problem)
        self._overview_logged: int | None = None
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_typed_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._to_first_hit)
        self.scope.currentIndexChanged.connect(self.apply_filter)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._activated)
        self.apply_filter(background=False)  # the page opens with its rows
        if self.model.rowCount() == 0 and ctx.actor.role in ("teamlead", "admin"):
            # a team lead or an administrator without a caseload of their own would open on an
            # empty list: everybody's is what they came for (read in the background)
            self.scope.setCurrentIndex(ALL_CITIZENS)

    # --- filter ----------------------------------------------------------------------------
    def caseworker_filter(self) -> int | None:
        return self.ctx.actor.caseworker_id if self.scope.currentData() == MY_CASELOAD else None

    def apply_typed_search(self) -> None:
        """What the search field's timer runs once the user pauses: search again only if the
        terms changed (so "Anna " and "Anna J" cost nothing more than "Anna")."""
        self.apply_filter(only_if_changed=True)

    def apply_filter(self, *, only_if_changed: bool = False, background: bool = True) -> None:
        """Search again, keeping the selected citizen selected if still in the result.

        The query runs in the background unless told not to (the list stays usable, and typing
        goes on; a newer search overtakes this one, whose result is then neither shown nor
        logged); the rows, the count, the selection and the access-log entry follow when the
        result is there. ``only_if_changed`` searches only when the terms differ from those of
        the list shown (or of the search on its way)."""
        self._search_timer.stop()
        text, caseworker = self.search.text(), self.caseworker_filter()
        if only_if_changed and self.model.finds_the_same(text, caseworker):
            self._show_count()  # the same rows: the selection and overview stand
            return
        self.model.find(
            text,
            caseworker,
            lambda result: self._found(text, caseworker, result),
            background=background,
        )

    def _found(self, text: str, caseworker: int | None, result: ListResult) -> None:
        """Show a search's result (on the GUI thread): the rows, its access-log entry, the
        count, the selected citizen again if found."""
        selected = self.selected_citizen_id()
        self.model.show(text, caseworker, result)
        total = self.model.rowCount()
        if search_terms(text) and text.strip() != self._last_logged:
            self._last_logged = text.strip()
            self.search_log.record(
                self.ctx.db,
                self.ctx.actor,
                self._last_logged,
                hits=total,
                shown=self.model.first_ids(SEARCH_HITS_KEPT),
            )
        self._show_count()
        if selected is None or not self.select_citizen(selected):
            self.overview.show_nothing()

    def _show_count(self) -> None:
        """How many citizens the list shows, and why the field's text is not searched for."""
        total, typed = self.model.rowCount(), self.search.text()
        counted = ngettext("{n} citizen", "{n} citizens", total).format(n=i18n.format_number(total))
        if typed.strip() and not search_terms(typed):
            counted = _("{count} · type at least {n} characters to search").format(
                count=counted, n=LONE_TERM_LENGTH
            )
        elif len(typed) >= MAX_SEARCH_CHARS:
            counted = _("{count} · a search holds at most {n} characters").format(
                count=counted, n=MAX_SEARCH_CHARS
            )
        self.count.setText(counted)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _to_first_hit(self) -> None:
        """Enter: to the first hit of what is typed, at once, so that the next key (Enter again,
        the arrows) goes to the list. Rows already shown for these terms are not searched for
        again; a search still on its way, or not yet started, is run now."""
        text, caseworker = self.search.text(), self.caseworker_filter()
        if self.model.searching() or not self.model.finds_the_same(text, caseworker):
            self.apply_filter(background=False)
        else:
            self._search_timer.stop()
        if self.model.rowCount():
            self.table.selectRow(0)
            self.table.setFocus()

    # --- selection -------------------------------------------------------------------------
    def selected_citizen_id(self) -> int | None:
        """The citizen under the cursor (the overview's citizen), also within a multiple selection."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        current = self.table.currentIndex()
        if current.isValid() and any(r.row() == current.row() for r in rows):
            return self.model.citizen_id(current.row())
        return self.model.citizen_id(rows[0].row())

    def selected_citizen_ids(self) -> list[int]:
        """All selected citizens (Shift/Ctrl+click or Shift+arrows), in list order."""
        rows = sorted(r.row() for r in self.table.selectionModel().selectedRows())
        return [cid for cid in (self.model.citizen_id(r) for r in rows) if cid is not None]

    def select_citizen(self, citizen_id: int) -> bool:
        row = self.model.row_of(citizen_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        citizen_id = self.selected_citizen_id()
        if citizen_id is None:
            self.overview.show_nothing()
            return
        if citizen_id != self._overview_logged:  # a new look is logged: after the search's entry
            self.search_log.flush()
        self.show_overview(citizen_id, log=citizen_id != self._overview_logged)
        self.citizen_selected.emit(citizen_id)

    def show_overview(self, citizen_id: int, *, log: bool = False) -> None:
        """Show the overview (every read is checked and logged by the use case; ``log`` only
        remembers which citizen was shown). A colleague's citizen is not shown here: the panel says
        so calmly, and opening the case asks for the reason."""
        db, actor, today = self.ctx.db, self.ctx.actor, self.ctx.today()

        def look() -> CitizenOverview | PermissionDeniedError | NotFoundError:
            try:
                return citizen_overview(db, actor, citizen_id, today=today)
            except PermissionDeniedError as refusal:  # shown calmly in the panel
                return refusal
            except NotFoundError as missing:
                if db.is_sqlite:
                    raise
                return missing  # row-level security hides a colleague's citizen found by CPR

        found = self.ctx.ops.now(look)  # any other refusal is shown in the one place
        if found is None:
            self.overview.show_nothing()
        elif isinstance(found, GlassNotBrokenError):  # another caseload: who and whose, no more
            self.overview.show_glimpse(found.glimpse)
        elif isinstance(found, PermissionDeniedError):
            self.overview.show_refusal(i18n.translate_error(found))
        elif isinstance(found, NotFoundError):
            self.overview.show_closed()
        else:
            self.overview.show_overview(found)
            if log:
                self._overview_logged = citizen_id

    def _activated(self) -> None:
        citizen_id = self.selected_citizen_id()
        if citizen_id is not None:
            self.search_log.flush()
            self.citizen_activated.emit(citizen_id)

    # --- after writes ----------------------------------------------------------------------
    def refresh(self, citizen_ids: set[int] | None = None, *, requery: bool = False) -> None:
        """Show fresh data: re-read the changed rows, or re-run the search when membership may change."""
        if requery:  # after the user's own write, which they wait for
            self.apply_filter(background=False)
        else:
            self.model.invalidate(citizen_ids)
        selected = self.selected_citizen_id()
        if selected is not None and (citizen_ids is None or selected in citizen_ids):
            self.show_overview(selected)
