"""A read-only table for long lists (everybody's deadlines: tens of thousands of rows).

``RecordTable`` makes a ``QTableWidgetItem`` per cell up front, which for 11 000 rows held the
window still for two seconds. Here the rows are a list of ids and a function that formats one
row; a row is formatted when it is first painted (or read), and only once. The keyboard and the
methods are ``RecordTable``'s: Enter (or a double-click) activates a row with its id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.ui import colours

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
#: Rows sampled when a column is sized to its content (Qt's default reads 1 000 rows per column).
SIZE_SAMPLE_ROWS = 60


def rows_to_read(view: QTableView) -> None:
    """A table of whole rows to read and pick one of: no editing, no word wrap, no row numbers,
    Tab leaves it (the record tables and the lazy big lists alike)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()


class LazyRowsModel(QAbstractTableModel):
    """Rows by id, each formatted by ``cells_of(position)`` when first needed; the ``muted``
    ids are drawn in ``muted_colour``."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.ids: list[int] = []
        self._cells_of: Callable[[int], Sequence[str]] = lambda _row: ()
        self._cells: dict[int, tuple[str, ...]] = {}
        self.muted: set[int] = set()
        self.muted_colour = QColor()

    def set_rows(
        self,
        ids: Sequence[int],
        cells_of: Callable[[int], Sequence[str]],
        muted: set[int] | None = None,
    ) -> None:
        self.beginResetModel()
        self.ids = list(ids)
        self._cells_of = cells_of
        self._cells = {}
        self.muted = muted or set()
        self.endResetModel()

    def cells(self, row: int) -> tuple[str, ...]:
        found = self._cells.get(row)
        if found is None:
            found = self._cells[row] = tuple(self._cells_of(row))
        return found

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> str | QColor | None:
        if role in (_DISPLAY, _TOOLTIP) and 0 <= index.row() < len(self.ids):
            cells = self.cells(index.row())
            return cells[index.column()] if index.column() < len(cells) else ""
        if role == _FOREGROUND and self.muted and 0 <= index.row() < len(self.ids):
            return self.muted_colour if self.ids[index.row()] in self.muted else None
        return None


class LazyTable(QTableView):
    """``RecordTable``'s ways for a long list: ``activated_id`` on Enter, ids, selected id, text."""

    activated_id = Signal(int)

    def __init__(
        self, headers: Sequence[str], parent: QWidget | None = None, *, stretch: int = -1
    ) -> None:
        super().__init__(parent)
        self.rows = LazyRowsModel(headers, self)
        self.setModel(self.rows)
        rows_to_read(self)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            stretch if stretch >= 0 else len(headers) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.doubleClicked.connect(lambda index: self._emit(index.row()))

    def set_rows(
        self,
        ids: Sequence[int],
        cells_of: Callable[[int], Sequence[str]],
        *,
        muted: set[int] | None = None,
    ) -> None:
        """Replace the content (``cells_of(position)`` formats a row when it is shown), keeping
        the selected record selected when it is still there. ``muted`` rows (deactivated,
        cancelled) are drawn in a quieter colour that still reads at 4.5:1 (``colours.muted``);
        the row's own text says why, so the colour is never the only sign."""
        keep = self.selected_id()
        self.rows.muted_colour = QColor(colours.muted(self.palette()))
        self.rows.set_rows(ids, cells_of, muted)
        if keep is not None and keep in self.rows.ids:
            self.selectRow(self.rows.ids.index(keep))
        elif self.rows.ids:
            self.selectRow(0)

    def rowCount(self) -> int:  # noqa: N802 (QTableWidget's name)
        return self.rows.rowCount()

    def columnCount(self) -> int:  # noqa: N802
        return self.rows.columnCount()

    def header_text(self, column: int) -> str:
        return self.rows.headers[column]

    def ids(self) -> list[int]:
        return list(self.rows.ids)

    def selected_id(self) -> int | None:
        chosen = self.selectionModel().selectedRows() if self.selectionModel() else []
        row = chosen[0].row() if chosen else -1
        return self.rows.ids[row] if 0 <= row < len(self.rows.ids) else None

    def select_id(self, record_id: int) -> None:
        if record_id in self.rows.ids:
            self.selectRow(self.rows.ids.index(record_id))

    def text(self, record_id: int, column: int) -> str:
        return self.rows.cells(self.rows.ids.index(record_id))[column]

    def _emit(self, row: int) -> None:
        if 0 <= row < len(self.rows.ids):
            self.activated_id.emit(self.rows.ids[row])

    def is_muted(self, record_id: int) -> bool:
        return record_id in self.rows.muted

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.rows.muted_colour = QColor(colours.muted(self.palette()))
            self.viewport().update()
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)
