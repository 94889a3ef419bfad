"""A small read-only table for one citizen's records (conversations, offers, notes, …).

These lists hold tens of rows, not thousands, so a ``QTableWidget`` filled from plain values is
enough. Enter (or a double-click) activates a row and Delete asks to delete it: every list in the
citizen page answers the keyboard the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal, SignalInstance
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.ui import colours
from app.ui.lazy_table import SIZE_SAMPLE_ROWS, rows_to_read

#: Texts up to this many characters are never cut short by a column sized to its contents: they
#: need no tooltip (a tooltip for each of the 11 000 cells of a jobcenter's users cost 20 ms).
_ALWAYS_SHOWN = 12


class RecordTable(QTableWidget):
    """Rows of text with a record id each; ``activated_id`` on Enter, ``delete_id`` on Delete."""

    activated_id = Signal(int)
    delete_id = Signal(int)

    def __init__(
        self, headers: Sequence[str], parent: QWidget | None = None, *, stretch: int = -1
    ) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        rows_to_read(self)
        header = self.horizontalHeader()
        # Sized from a sample of rows, not all: a jobcenter's 900 users took seconds otherwise.
        header.setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            stretch if stretch >= 0 else len(headers) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.cellDoubleClicked.connect(lambda row, _col: self._emit(self.activated_id, row))
        self._ids: list[int] = []
        self._muted: set[int] = set()

    def set_rows(
        self, rows: Sequence[tuple[int, Sequence[str]]], *, muted: set[int] | None = None
    ) -> None:
        """Replace the content, keeping the selected record selected when it is still there."""
        keep = self.selected_id()
        self._ids = [record_id for record_id, _cells in rows]
        self._muted = muted or set()
        # The columns' widths are left alone until the end: replacing the items of a filled
        # table one by one re-measured every column for each of them (900 rows took minutes).
        header = self.horizontalHeader()
        modes = [header.sectionResizeMode(c) for c in range(self.columnCount())]
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setUpdatesEnabled(False)
        try:
            self.setRowCount(len(rows))
            for row, (_record_id, cells) in enumerate(rows):
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if len(text) > _ALWAYS_SHOWN:  # a text that a narrow column may cut short
                        item.setToolTip(text)
                    self.setItem(row, column, item)
            self._paint_muted()
        finally:
            for column, mode in enumerate(modes):
                header.setSectionResizeMode(column, mode)
            self.setUpdatesEnabled(True)
        if keep is not None and keep in self._ids:
            self.selectRow(self._ids.index(keep))
        elif rows:
            self.selectRow(0)

    def _paint_muted(self) -> None:
        """Muted rows (hidden, cancelled) in a quieter colour that still reads at 4.5:1 on the
        palette's background (Qt's fixed gray had 2.6:1 on white); the row's own text says why
        it is muted, so the colour is never the only sign."""
        quiet = QColor(colours.muted(self.palette()))
        for row, record_id in enumerate(self._ids):
            if record_id not in self._muted:
                continue
            for column in range(self.columnCount()):
                item = self.item(row, column)
                if item is not None:
                    item.setForeground(quiet)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._paint_muted()
        super().changeEvent(event)

    def ids(self) -> list[int]:
        return list(self._ids)

    def selected_id(self) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return self._ids[rows[0].row()] if rows and rows[0].row() < len(self._ids) else None

    def select_id(self, record_id: int) -> None:
        if record_id in self._ids:
            self.selectRow(self._ids.index(record_id))

    def text(self, record_id: int, column: int) -> str:
        item = self.item(self._ids.index(record_id), column)
        return item.text() if item else ""

    def _emit(self, signal: SignalInstance, row: int) -> None:
        if 0 <= row < len(self._ids):
            signal.emit(self._ids[row])

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self._emit(self.activated_id, self.currentRow())
            return
        if event.key() == Qt.Key.Key_Delete and self.currentRow() >= 0:
            self._emit(self.delete_id, self.currentRow())
            return
        super().keyPressEvent(event)
