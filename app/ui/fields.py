"""Input widgets for forms: dates and times typed the Danish way, code pickers, multi-line text.

Each editor exposes ``value()`` (a Python value, or raises ``ValidationError`` for bad text),
``set_value()`` and the ``changed`` signal, so a ``Form`` can validate as the user types.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from app import i18n
from app.domain.dates import local_today, parse_user_date, parse_user_time
from app.domain.errors import ValidationError
from app.i18n import _


class DateEdit(QLineEdit):
    """A date typed as 23.11.2026, 23.11, +7 or "i dag"; empty means none."""

    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, today: date | None = None, field: str = "date"
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._field = field
        self.setPlaceholderText(_("dd/mm/yyyy"))
        self.setToolTip(_("Write a date as 23/11/2026, 23/11 or +7 (days from today)"))
        self.setMaximumWidth(140)
        self.textChanged.connect(self.changed)
        self.editingFinished.connect(self._tidy)

    def today(self) -> date:
        return self._today or local_today()

    def value(self) -> date | None:
        try:
            return parse_user_date(self.text(), self.today())
        except ValidationError as error:
            error.field = self._field
            raise

    def set_value(self, value: date | None) -> None:
        self.setText(i18n.format_short_date(value))

    def _tidy(self) -> None:
        """Show the date in full once the user leaves the field (e.g. "+7" becomes 30.11.2026)."""
        try:
            value = self.value()
        except ValidationError:
            return
        if value is not None:
            self.set_value(value)


class TimeEdit(QLineEdit):
    """A time of day typed as 10:30, 10.30 or 1030."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("hh:mm"))
        self.setMaximumWidth(80)
        self.textChanged.connect(self.changed)

    def value(self) -> tuple[int, int]:
        try:
            return parse_user_time(self.text())
        except ValidationError as error:
            error.field = "time"
            raise

    def set_value(self, value: tuple[int, int]) -> None:
        self.setText(i18n.clock(time(*value)))


class CodeCombo(QComboBox):
    """A choice among the codes of a vocabulary, showing translated labels."""

    changed = Signal()

    def __init__(
        self,
        vocabulary: Mapping[str, str],
        parent: QWidget | None = None,
        *,
        allow_empty: bool = False,
        codes: list[str] | None = None,
    ) -> None:
        super().__init__(parent)
        if allow_empty:
            self.addItem("", None)
        for code in codes or list(vocabulary):
            self.addItem(i18n.label(vocabulary, code), code)
        self.currentIndexChanged.connect(self.changed)

    def value(self) -> str | None:
        return self.currentData()

    def set_value(self, code: str | None) -> None:
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)


class TextEdit(QLineEdit):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.textChanged.connect(self.changed)

    def value(self) -> str:
        return self.text()

    def set_value(self, value: str | None) -> None:
        self.setText(value or "")


class LongTextEdit(QPlainTextEdit):
    """Multi-line text; Tab moves focus on (as in other fields) instead of inserting a tab."""

    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, lines: int = 3, compact: bool = False
    ) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * lines + 12)
        #: In a long form (the plan's seven texts) a field asks for its lines and one more, not
        #: Qt's 192 pixels, so that the form and what follows it fit a screen at 150 %.
        self.compact = compact
        self.textChanged.connect(self.changed)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        hint = super().sizeHint()
        if self.compact:
            hint.setHeight(self.minimumHeight() + self.fontMetrics().lineSpacing())
        return hint

    def value(self) -> str:
        return self.toPlainText()

    def set_value(self, value: str | None) -> None:
        self.setPlainText(value or "")


class CheckField(QCheckBox):
    changed = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.toggled.connect(self.changed)

    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: bool | None) -> None:
        self.setChecked(bool(value))


class NumberEdit(QLineEdit):
    """A decimal number typed with comma or point; empty means none."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, field: str = "number") -> None:
        super().__init__(parent)
        self._field = field
        self.setMaximumWidth(90)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.textChanged.connect(self.changed)

    def value(self) -> float | None:
        raw = self.text().strip().replace(",", ".")
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            raise ValidationError(
                "{text!r} is not a number", field=self._field, text=self.text().strip()
            ) from None

    def set_value(self, value: float | None) -> None:
        text = "" if value is None else f"{value:g}"
        self.setText(text.replace(".", ",") if i18n.current_language() == "da" else text)


class IntEdit(QSpinBox):
    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, minimum: int = 0, maximum: int = 100_000
    ) -> None:
        super().__init__(parent)
        self.setRange(minimum, maximum)
        self.valueChanged.connect(self.changed)

    def value(self) -> int:
        return super().value()

    def set_value(self, value: int | None) -> None:
        self.setValue(value or 0)
