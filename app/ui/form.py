"""Forms that validate as the user types and explain each problem next to its field.

A ``Form`` lays out labelled editors (see ``app.ui.fields``) with an error line under each. On
every edit it re-reads the values; text that cannot be read (a bad date) and the use case's own
rules (a validator callback built on the domain's ``errors(...)``) are shown next to the field the
user has touched. ``FormDialog`` adds OK/Cancel, refuses to save while a problem is shown, turns a
use case's errors into messages at the right field, and asks before throwing away unsaved edits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain.errors import ConflictError, MinPlanError, ValidationError
from app.i18n import _
from app.ui import colours

_T = TypeVar("_T")
Validator = Callable[[dict[str, Any]], Mapping[str, ValidationError]]
ERROR_STYLE = "color: #b00020;"  # on a light palette only; the form uses colours.tint


class Form(QWidget):
    """Labelled fields, each with an error line; ``problems()`` is empty when all is well."""

    changed = Signal()

    if TYPE_CHECKING:

        def layout(self) -> QFormLayout: ...  # the one __init__ sets

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        # Where a row's label and field do not fit side by side (150 % on a laptop), the field
        # goes under its label instead of the page growing wider than the window.
        self._layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._editors: dict[str, Any] = {}
        self._errors: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        self._validator: Validator | None = None
        self._dirty = False
        self._show_all = False
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.refresh_errors)

    def add(self, name: str, label: str, editor: Any, *, hint: str | None = None) -> Any:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        error = QLabel(box)
        colours.tint(error, "error")
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        if hint:
            note = QLabel(hint, box)
            colours.tint(note, "muted")
            note.setWordWrap(True)
            column.addWidget(note)
        caption = QLabel(label, self)
        caption.setBuddy(editor)
        self._layout.addRow(caption, box)
        self._editors[name] = editor
        self._errors[name] = error
        editor.setAccessibleName(label.replace("&", ""))
        editor.changed.connect(lambda n=name: self._on_edit(n))
        return editor

    def add_widget(self, label: str, widget: QWidget) -> None:
        self._layout.addRow(label, widget)

    def editor(self, name: str) -> Any:
        return self._editors[name]

    def set_row_visible(self, name: str, visible: bool) -> None:
        """Show or hide a field with its label (a field that does not apply is not asked for)."""
        self._layout.setRowVisible(self._editors[name].parentWidget(), visible)

    def first_editor(self) -> Any:
        return next((e for e in self._editors.values() if e.isEnabled()), None)

    def set_validator(self, validator: Validator) -> None:
        self._validator = validator

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            if name in self._editors:
                self._editors[name].set_value(value)
        self._dirty = False
        self._touched.clear()
        self.refresh_errors()

    def _on_edit(self, name: str) -> None:
        self._dirty = True
        self._touched.add(name)
        self.changed.emit()
        self._timer.start()

    def is_dirty(self) -> bool:
        return self._dirty

    def mark_clean(self) -> None:
        self._dirty = False

    def read(self) -> tuple[dict[str, Any], dict[str, ValidationError]]:
        """All values that could be read, and a problem per field (parse errors and rules)."""
        values: dict[str, Any] = {}
        problems: dict[str, ValidationError] = {}
        for name, editor in self._editors.items():
            try:
                values[name] = editor.value()
            except ValidationError as error:
                problems[name] = error
        if self._validator is not None:
            for field, problem in self._validator(values).items():
                problems.setdefault(
                    field if field in self._editors else next(iter(self._editors)), problem
                )
        return values, problems

    def error_text(self, name: str) -> str:
        """The message shown under a field ("" when none is shown)."""
        label = self._errors[name]
        return "" if label.isHidden() else label.text()

    def problems(self) -> dict[str, ValidationError]:
        return self.read()[1]

    def refresh_errors(self) -> None:
        _values, problems = self.read()
        for name, label in self._errors.items():
            error = problems.get(name)
            visible = error is not None and (self._show_all or name in self._touched)
            # visible only when there is an error (mypy does not follow it through ``visible``)
            label.setText(i18n.translate_error(error) if visible else "")  # type: ignore[arg-type]
            label.setVisible(visible)

    def show_all_errors(self) -> None:
        self._show_all = True
        self.refresh_errors()

    def show_error(self, error: MinPlanError) -> bool:
        """Show a use case's error next to its field; False when it belongs to no field here."""
        field = getattr(error, "field", None)
        if field not in self._errors:
            return False
        label = self._errors[field]
        label.setText(i18n.translate_error(error))
        label.show()
        self._editors[field].setFocus()
        return True


class FormDialog(QDialog):
    """A dialog around a ``Form``: Ctrl+Enter or OK saves through ``save``, Esc cancels.

    ``save(values)`` calls a use case; a ``ValidationError`` is shown at its field, a
    ``ConflictError`` in the conflict dialog, any other expected error in a message box.
    """

    if TYPE_CHECKING:

        def layout(self) -> QVBoxLayout: ...  # the one __init__ sets

    def __init__(
        self, title: str, save: Callable[[dict[str, Any]], Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = Form(self)
        self._save = save
        self.result_value: Any = None
        self.focus_field: str | None = None
        self.banner = QLabel(self)
        colours.tint(self.banner, "error")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("&Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip(
            _("Save (Enter or Ctrl+Enter)")
        )
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        from PySide6.QtGui import QShortcut

        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.try_save)  # type: ignore[call-overload]  # PySide6 takes a signal's slot as a keyword; its stubs do not say so
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.try_save)  # type: ignore[call-overload]  # PySide6 takes a signal's slot as a keyword; its stubs do not say so
        self.form.changed.connect(self.banner.hide)

    def add_save_path(self, title: str, file_filter: str, suffix: str) -> Any:
        """The "path" field of a file to write, with a Browse… button beneath the form that
        asks where (``suffix``, e.g. ".pdf", is added when missing); returns the field."""
        from app.ui.fields import TextEdit

        path = self.form.add("path", _("&File"), TextEdit())

        def browse() -> None:
            chosen, _filter = QFileDialog.getSaveFileName(self, title, path.text(), file_filter)
            if chosen:
                path.setText(chosen if chosen.lower().endswith(suffix) else chosen + suffix)

        button = QPushButton(_("&Browse…"), self)
        button.clicked.connect(browse)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        column = self.layout()
        assert isinstance(column, QVBoxLayout)
        column.insertLayout(1, row)
        return path

    def write_path(self, values: Mapping[str, Any], write: Callable[[Path], _T]) -> _T:
        """``write`` the file named in the "path" field (``add_save_path``): an empty name, a
        folder that does not exist or the operating system's refusal is shown at that field."""
        path = Path(values.get("path") or "").expanduser()
        if not values.get("path") or not path.parent.is_dir():
            raise ValidationError(
                "The folder {path} does not exist", field="path", path=str(path.parent)
            )
        try:
            return write(path)
        except OSError as error:
            raise ValidationError(
                "Cannot write {path}: {reason}",
                field="path",
                path=str(path),
                reason=error.strerror or str(error),
            ) from None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        """Typing starts in the chosen field (``focus_field``) or the first one, not on a button."""
        super().showEvent(event)
        target = (
            self.form.editor(self.focus_field) if self.focus_field else self.form.first_editor()
        )
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def try_save(self) -> None:
        values, problems = self.form.read()
        if problems:
            self.form.show_all_errors()
            first = next(iter(problems))
            self.form.editor(first).setFocus()
            return
        try:
            self.result_value = self._save(values)
        except ConflictError as conflict:
            from app.ui.conflict_dialog import ConflictDialog

            ConflictDialog(conflict, parent=self).exec()
            return
        except MinPlanError as error:  # kept here: the dialog keeps the input, shows it in place
            if not self.form.show_error(error):
                self.banner.setText(i18n.translate_error(error))
                self.banner.show()
            return
        self.form.mark_clean()
        self.accept()

    def reject(self) -> None:
        if self.isVisible() and self.form.is_dirty() and not confirm_discard(self):
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if self.isVisible() and self.form.is_dirty() and not confirm_discard(self):
            event.ignore()
            return
        super().closeEvent(event)


def confirm_discard(parent: QWidget) -> bool:
    """Ask before unsaved edits are thrown away; True = discard them."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _("Unsaved changes"),
        _("You have changes that are not saved. Throw them away?"),
        parent=parent,
    )
    discard = box.addButton(_("Throw away"), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    return box.clickedButton() is discard
