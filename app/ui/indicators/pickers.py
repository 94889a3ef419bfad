"""Pickers for a measure's parameters: several codes ticked in a list, and an optional whole number.

Like the editors in ``app.ui.fields`` they expose ``value()``, ``set_value()`` and ``changed``,
so a ``Form`` validates them as the user ticks and types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QSpinBox, QWidget

from app import i18n


class CodeChecklist(QListWidget):
    """Codes of a vocabulary with a tick box each (Space ticks the current one); the value is the
    ticked codes in the vocabulary's order."""

    changed = Signal()

    def __init__(
        self,
        vocabulary: Mapping[str, str],
        parent: QWidget | None = None,
        *,
        codes: Sequence[str] | None = None,
        rows: int = 6,
    ) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)
        for code in codes or list(vocabulary):
            item = QListWidgetItem(i18n.label(vocabulary, code), self)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        row_height = self.sizeHintForRow(0) if self.count() else self.fontMetrics().height()
        self.setFixedHeight(
            row_height * min(rows, max(1, self.count())) + 2 * self.frameWidth() + 4
        )
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def codes(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def value(self) -> list[str]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_value(self, codes: Sequence[str] | None) -> None:
        wanted = set(codes or [])
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in wanted
                else Qt.CheckState.Unchecked
            )

    def tick(self, code: str, on: bool = True) -> None:
        """Tick (or untick) one code, as a click on its box would."""
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == code:
                self.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


class OptionalIntEdit(QSpinBox):
    """A whole number, or none: one step below the minimum reads "–" and means no value."""

    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, minimum: int = 0, maximum: int = 120
    ) -> None:
        super().__init__(parent)
        self.setRange(minimum - 1, maximum)
        self.setSpecialValueText("–")
        self.setValue(minimum - 1)
        self.setMinimumWidth(110)
        self.setMaximumWidth(130)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.valueChanged.connect(lambda _v: self.changed.emit())

    def value(self) -> int | None:  # type: ignore[override]  # None: the field left empty
        number = super().value()
        return None if number == self.minimum() else number

    def set_value(self, value: int | None) -> None:
        self.setValue(self.minimum() if value is None else int(value))
