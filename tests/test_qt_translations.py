"""Qt's own windows speak the user's language: the standard buttons of a message box, the file
dialog and the print dialogs, from Qt's Danish catalog (``qtbase_da.qm``, shipped with PySide6),
plus the few strings that catalog lacks (``app.ui.qt_strings``); and nothing Danish stays in an
English session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QLabel, QMessageBox, QWidget

from app import i18n
from app.ui.application import install_qt_translations
from app.ui.qt_strings import MISSING

pytestmark = pytest.mark.gui


@pytest.fixture
def danish(qapp) -> Iterator[QApplication]:  # type: ignore[no-untyped-def]
    from app.ui import application

    app = QApplication.instance()
    had = bool(application._installed)  # Qt's Danish, installed by an earlier test's start-up
    i18n.set_language("da")
    install_qt_translations(app, "da")
    yield app
    install_qt_translations(app, "da" if had else "en")


def _texts(window: QWidget) -> set[str]:
    found = {label.text() for label in window.findChildren(QLabel) if label.text()}
    for combo in window.findChildren(QComboBox):
        found.update(combo.itemText(i) for i in range(combo.count()))
    return found


def test_pyside_ships_qts_danish_catalog() -> None:
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    assert QTranslator().load("qtbase_da", folder), folder


def test_a_message_box_has_danish_standard_buttons(danish) -> None:  # type: ignore[no-untyped-def]
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Slet borger",
        "Slet?",
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Cancel
        | QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Close,
    )
    texts = {button.text().replace("&", "") for button in box.buttons()}
    assert texts == {"Ja", "Nej", "Annuller", "Gem", "Luk"}


def test_the_file_dialog_has_no_english_left(danish) -> None:  # type: ignore[no-untyped-def]
    dialog = QFileDialog(None, "Gem planen som PDF")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    texts = {text.replace("&", "") for text in _texts(dialog)}
    assert {"Søg i:", "Filtype:", "Filnavn:"} <= texts, texts
    assert not {"Look in:", "Files of type:", "File name:"} & texts


def test_the_print_dialogs_duplex_settings_are_danish(danish) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer)
    texts = _texts(dialog)
    for widget in dialog.findChildren(QWidget):
        title = getattr(widget, "title", None)
        if callable(title) and isinstance(title(), str):
            texts.add(title())
    english = {source for (_context, source) in MISSING} & texts
    assert not english, english


def test_every_supplemented_string_has_its_danish_and_english_stays_english(qapp) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    for (_context, source), msgid in MISSING.items():
        assert source == msgid
        assert i18n.gettext_for("da")(msgid) != msgid, f"no Danish for Qt's {source!r}"
    from app.ui import application

    had = bool(application._installed)
    i18n.set_language("en")
    install_qt_translations(app, "en")
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "t", "x", QMessageBox.StandardButton.Cancel)
        assert [button.text() for button in box.buttons()] == ["Cancel"]
    finally:
        i18n.set_language("da")
        install_qt_translations(app, "da" if had else "en")


def test_installing_again_does_not_stack_translators(danish) -> None:  # type: ignore[no-untyped-def]
    from app.ui import application

    install_qt_translations(danish, "da")
    install_qt_translations(danish, "da")
    assert len(application._installed) == 2  # Qt's catalog and the supplement, once each
