"""Starting the GUI: the QApplication, Qt's own Danish strings, the crash hook, the main window."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import i18n, paths
from app.casework.actor import resolve_actor
from app.domain.errors import MinPlanError
from app.i18n import _
from app.store.engine import Database, transaction
from app.ui.casework.context import UiContext
from app.ui.crash import install_excepthook
from app.ui.settings import Settings

log = logging.getLogger(__name__)


def install_qt_translations(app: QApplication, language: str) -> QTranslator | None:
    """Qt's own strings (standard buttons, file dialogs) in the user's language."""
    if language == "en":
        return None
    QLocale.setDefault(QLocale(QLocale.Language.Danish, QLocale.Country.Denmark))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", folder):
        app.installTranslator(translator)
        return translator
    log.info("Qt's own %s translation not found in %s", language, folder)
    return None


def application(language: str) -> QApplication:
    """The one QApplication (reused when one exists, as in tests)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Min Plan")
    app.setOrganizationName("Min Plan")
    app.setApplicationDisplayName("Min Plan")
    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "minplan.svg")))
    install_qt_translations(app, language)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def choose_language(explicit: str | None) -> str:
    """``--lang`` or MINPLAN_LANG win; then the user's setting; then Danish."""
    if explicit or os.environ.get("MINPLAN_LANG"):
        return i18n.set_language(i18n.initial_language(explicit))
    return i18n.set_language(Settings.load().language or "da")


def show_startup_error(error: MinPlanError) -> None:
    """The database could not be opened: say why in a window (the CLI also prints it)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if (
        os.environ.get("QT_QPA_PLATFORM") == "offscreen"
    ):  # tests and headless runs: nobody to click OK
        return
    QMessageBox.critical(None, _("Min Plan cannot start"), i18n.translate_error(error))
    del app


def run_gui(
    db: Database, *, language: str | None = None, user: str | None = None, demo: bool = False
) -> int:
    """Open the main window on ``db`` and run until the user quits; returns the exit code."""
    install_excepthook()
    chosen = choose_language(language)
    app = application(chosen)
    from app.ui.main_window import MainWindow

    with transaction(db) as session:
        actor = resolve_actor(session, user)
    window = MainWindow(UiContext(db, actor), demo=demo)
    window.show()
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, window.show_startup_notices)
    QTimer.singleShot(300, window.show_day_summary)
    log.info("GUI started (%s, language %s)", db.backend, chosen)
    return app.exec()
