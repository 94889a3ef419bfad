"""Small questions the tabs ask (confirm a deletion, give a reason, pick a date).

Kept as module functions so tests can answer them without a modal loop.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from app import i18n
from app.domain.dates import parse_user_date
from app.domain.errors import ValidationError
from app.i18n import _


def confirm(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(_("Yes"), QMessageBox.ButtonRole.YesRole)
    box.addButton(_("No"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def ask_text(parent: QWidget, title: str, label: str, default: str = "") -> str | None:
    """Text from the user, or None when cancelled."""
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, default)
    return text if ok else None


def ask_date(
    parent: QWidget, title: str, label: str, today: date, default: date | None = None
) -> date | None:
    """A date typed the Danish way (23.11.2026, +7, i dag); None when cancelled."""
    shown = i18n.format_short_date(default)
    while True:
        text = ask_text(parent, title, label, shown)
        if text is None:
            return None
        try:
            value = parse_user_date(text, today)
        except ValidationError as error:
            QMessageBox.warning(parent, title, i18n.translate_error(error))
            shown = text
            continue
        if value is not None:
            return value


def show_notice(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def choose(
    parent: QWidget, title: str, label: str, items: list[str], current: int = 0
) -> int | None:
    """The index of the item the user picked, or None when cancelled."""
    text, ok = QInputDialog.getItem(parent, title, label, items, current, False)
    return items.index(text) if ok and text in items else None
