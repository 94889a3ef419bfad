"""The conflict dialog: someone else saved the same record; show both values, lose nothing.

The user sees, field by field, the value now in the database and the value they tried to save.
Nothing is overwritten silently: the form stays open with the user's text, so they can copy what
they need, reload the record and save again.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain.errors import ConflictError
from app.i18n import _
from app.ui.casework.labels import field_label


def _show(value: object) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return i18n.format_datetime_local(value)
    if isinstance(value, date):
        return i18n.format_date(value)
    return str(value)


class ConflictDialog(QDialog):
    def __init__(self, conflict: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Changed by someone else"))
        layout = QVBoxLayout(self)
        message = QLabel(
            i18n.translate_error(conflict)
            + "\n"
            + _(
                "Nothing was saved. Your text is still in the form: compare the values below, then reopen the "
                "record to see the saved version and make your change again."
            ),
            self,
        )
        message.setWordWrap(True)
        layout.addWidget(message)
        fields = list(dict.fromkeys([*conflict.attempted, *conflict.current]))
        self.table = QTableWidget(len(fields), 3, self)
        self.table.setHorizontalHeaderLabels(
            [_("Field"), _("Saved by the other"), _("Your change")]
        )
        for row, field in enumerate(fields):
            for column, text in enumerate(
                [
                    field_label(field),
                    _show(conflict.current.get(field)),
                    _show(conflict.attempted.get(field)),
                ]
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(_("Your change and the saved version"))
        self.table.setAccessibleDescription(
            _("Each row is a field: the value the other person saved and the value you changed.")
        )
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 300)
