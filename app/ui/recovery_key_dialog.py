"""The one time a new database's recovery key is shown: give it to IT.

The dialog cannot be closed until the user ticks that the key has been handed over (or written
down and put somewhere safe), because it is never shown again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _


class RecoveryKeyDialog(QDialog):
    """Shows ``recovery_key`` (14 groups of four) in two lines of large fixed-width type."""

    def __init__(
        self,
        recovery_key: str,
        *,
        database_id: str,
        path: str,
        key_store: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._recovery_key = recovery_key
        self.setWindowTitle(_("Recovery key for the database"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Min Plan has made an encrypted database. Its key is kept in this computer's key "
                "store ({store}).\n\nIf that key store is lost (a new computer, a reset user "
                "profile), the database can only be opened again with the recovery key below. It "
                "is shown only this once: give it to IT now, so that they keep it safe, not on "
                "this computer."
            ).format(store=key_store),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        groups = recovery_key.split("-")
        half = (len(groups) + 1) // 2
        self.key_label = QLabel(
            "-".join(groups[:half]) + "-\n" + "-".join(groups[half:]),
            self,
        )
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 10) + 4)
        font.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAccessibleName(_("Recovery key"))
        self.key_label.setStyleSheet(
            "background:#f6f6f6; color:#000000; border:1px solid #bbb; border-radius:4px; padding:10px;"
        )
        layout.addWidget(self.key_label)
        where = QLabel(
            _(
                "Database: {path} · database id {id}. IT opens it again with: minplan db recover"
            ).format(path=path, id=database_id),
            self,
        )
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)
        self.confirmed = QCheckBox(
            _("I have given the recovery key to IT (or written it down and put it somewhere safe)"),
            self,
        )
        layout.addWidget(self.confirmed)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton(_("&Copy recovery key"), self)
        self.copy_button.clicked.connect(self.copy)
        self.close_button = QPushButton(_("Close"), self)
        self.close_button.setEnabled(False)
        self.close_button.clicked.connect(self.accept)
        self.confirmed.toggled.connect(self.close_button.setEnabled)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self._recovery_key)

    def reject(self) -> None:
        """Esc and the window's close button work only once the hand-over is ticked."""
        if self.confirmed.isChecked():
            super().reject()
