"""A window with a goal plan's table — each goal, how it is computed, and whether as the plan
says, approximated or not computable — made from the plan itself (``app.reports.goalplan_help``),
the same table the help has for the shipped plans."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.i18n import _


class HowDialog(QDialog):
    def __init__(self, name: str, markdown: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("How the goals of {plan} are computed").format(plan=name))
        self.text = QTextBrowser(self)
        self.text.setOpenExternalLinks(False)
        self.text.setAccessibleName(self.windowTitle())
        self.text.setMarkdown(markdown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(980, 640)
        self.text.setFocus()
