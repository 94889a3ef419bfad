"""Starting the GUI: the QApplication, Qt's own Danish strings, the crash hook, the main window."""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QThreadPool, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import i18n, paths
from app.domain.errors import MinPlanError
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.crash import install_excepthook
from app.ui.settings import Settings

if TYPE_CHECKING:
    from app.casework.core.actor import Actor
    from app.store.engine import Database
    from app.store.first_screen import FirstScreen

log = logging.getLogger(__name__)

#: How long a closing window waits for the reads still under way (each takes seconds at most).
READS_WAITED_FOR_MS = 10_000


def install_qt_translations(app: QCoreApplication, language: str) -> QTranslator | None:
    """Qt's own strings (standard buttons, file dialogs, print preview) in the user's language:
    Qt's Danish catalog ``qtbase_da.qm`` (PySide6 ships it), and on top of it the few strings it
    lacks (``app.ui.qt_strings``). Called again (a second start-up step, a test in English), it
    replaces what it installed before instead of stacking translators."""
    from app.ui.qt_strings import QtStringsSupplement

    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if language == "en":
        return None
    QLocale.setDefault(QLocale(QLocale.Language.Danish, QLocale.Country.Denmark))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    found = translator.load(f"qtbase_{language}", folder)
    if found:
        app.installTranslator(translator)
        _installed.append(translator)
    else:
        log.warning("Qt's own %s translation not found in %s", language, folder)
    supplement = QtStringsSupplement(app)  # installed last: asked first
    app.installTranslator(supplement)
    _installed.append(supplement)
    return translator if found else None


#: The translators ``install_qt_translations`` installed (removed when it is called again).
_installed: list[QTranslator] = []


def application(language: str) -> QApplication:
    """The one QApplication (reused when one exists, as in tests)."""
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("Min Plan")
    from app.ui.colours import focus_ring_style, focus_style_sheet, follow_color_scheme

    if focus_style_sheet() not in app.styleSheet():  # a visible 2-px focus ring (WCAG 2.4.7)
        app.setStyle(focus_ring_style(app.style().name()))
        app.setStyleSheet(app.styleSheet() + focus_style_sheet())
        follow_color_scheme(app)
    app.setOrganizationName("Min Plan")
    app.setApplicationDisplayName("Min Plan")
    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "minplan.svg")))
    install_qt_translations(app, language)
    return app


def prepare(language: str | None) -> None:
    """What the window needs that does not depend on its first screen, made while a start waits
    for a helper process to read that screen (``app.cli.gui``): the application object with
    its style and Qt's translations, the language's date formats, PySide's wrappers of the text
    classes (about 50 ms the window then does not spend after the answer came)."""
    chosen = choose_language(language)
    app = application(chosen)
    i18n.load_date_formats(chosen)
    _meet_the_text_classes(app)


def _meet_the_text_classes(app: QApplication) -> None:
    """Let a Python event filter see a rich text label's document once, as the start's input
    gate (``app.ui.orm_loader.InputGate``) sees the first screen's summary: PySide makes its
    wrappers of those classes the first time, 30 ms, which the first label then no longer pays
    after the answer came (measured: 30 ms -> 0.3 ms). The same work, done while waiting."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QLabel

    class Onlooker(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
            return False

    onlooker = Onlooker()
    app.installEventFilter(onlooker)
    try:
        label = QLabel()
        label.setWordWrap(True)
        label.setText(f"<b>{_('Min Plan')}</b>")  # never shown: only read once
    finally:
        app.removeEventFilter(onlooker)


def choose_language(explicit: str | None) -> str:
    """``--lang`` or MINPLAN_LANG win; then the user's setting; then Danish."""
    if explicit or os.environ.get("MINPLAN_LANG"):
        return i18n.set_language(i18n.initial_language(explicit))
    return i18n.set_language(Settings.load().language or "da")


def show_startup_error(error: MinPlanError) -> None:
    """The database could not be opened: say why in a window (the CLI also prints it)."""
    from app.ui import headless

    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    if headless.nobody_to_click():  # tests and headless runs: nobody to click OK
        return
    install_qt_translations(app, i18n.current_language())  # its OK button in the user's language
    QMessageBox.critical(None, _("Min Plan cannot start"), i18n.translate_error(error))
    del app


def _nobody_to_ask() -> bool:
    """Offscreen (tests, headless runs) a modal dialog would wait for ever: the first user is
    then made from the login name, as the command line does."""
    app = cast(QApplication | None, QApplication.instance())
    platform = app.platformName() if app is not None else os.environ.get("QT_QPA_PLATFORM", "")
    return platform == "offscreen"


def sign_in(db: Database, *, user: str | None = None, demo: bool = False) -> Actor | None:
    """The user at the desk; on a database without users, ask the first one (the administrator)
    for initials and name. None when they cancel; an unknown user gets a calm message."""
    from app.casework.admin.users import has_users
    from app.casework.core.actor import first_admin_defaults, os_user
    from app.casework.core.sign_in import resolve_actor
    from app.store.engine import transaction

    first = None
    with transaction(db) as session:
        empty = not has_users(session)
    if empty and not _nobody_to_ask():
        from app.ui.admin.first_user import FirstUserDialog

        dialog = FirstUserDialog(os_user(), *first_admin_defaults())
        if not dialog.exec() or dialog.result_value is None:
            return None
        first = dialog.result_value
    try:
        with transaction(db) as session:
            return resolve_actor(session, user, demo=demo, first_admin=first)
    except MinPlanError as error:  # before the main window (and its one place) exists
        log.info("sign-in refused: %s", error.message)
        show_startup_error(error)
        raise


def open_main_window(
    db: Database,
    *,
    language: str | None = None,
    user: str | None = None,
    demo: bool = False,
    crashes: Sequence[Path] = (),
    notice: str | None = None,
    check_in_background: Path | None = None,
    first: FirstScreen | None = None,
    after_load: Callable[[], None] | None = None,
):
    """Show the main window on ``db``; ``crashes`` are earlier native-crash reports to mention,
    ``notice`` a sentence for the status bar (e.g. that a backup was restored),
    ``check_in_background`` a file whose integrity check was left for after the start.

    ``first``: the first screen read through the driver (``app.store.first_screen``): the window
    shows it and loads the ORM behind it (``app.ui.orm_loader``); what needs the ORM —
    ``after_load`` (the access log's start), the background check and backup, the startup
    notices, the other pages' modules — runs once it is loaded."""
    install_excepthook()
    chosen = choose_language(language)
    app = application(chosen)
    from PySide6.QtCore import QTimer

    from app.ui.crash import show_previous_crash
    from app.ui.main_window import MainWindow

    if first is None:
        actor = sign_in(db, user=user, demo=demo)
        if actor is None:  # the first user cancelled the sign-up
            return None
    else:
        actor = first.actor
    from app.ui.gui_thread_gc import GuiThreadCollector

    # Before the window starts any thread: from here on, cyclic garbage is collected in the GUI
    # thread only (a widget freed in another thread crashed the event loop now and then).
    window_collector = GuiThreadCollector(app)
    window = MainWindow(UiContext(db, actor), demo=demo)
    window.collector = window_collector
    window.background_check = None
    window.background_backup = None
    loader = None
    if first is not None:
        from app.ui.orm_loader import InputGate, OrmLoader

        loader = OrmLoader(window)
        window.pages.before_build = loader.wait
        window.input_gate = InputGate(loader, window)
        app.installEventFilter(window.input_gate)
        window.today_page.show_day(first.day)
    window.show()
    from app.ui.ready_probe import watch_when_asked

    watch_when_asked(app, window)  # only under ``minplan bench``
    if notice:
        window.statusBar().showMessage(notice, 60_000)
    else:
        QTimer.singleShot(300, window.show_day_summary)
    if crashes:
        window.crash_notice = show_previous_crash(window, list(crashes))

    def with_the_orm() -> None:
        QTimer.singleShot(0, window.show_startup_notices)  # recovery key, network drive
        QTimer.singleShot(1500, window.prepare_pages)
        if check_in_background is not None:
            from app.ui.background_check import BackgroundIntegrityCheck

            window.background_check = BackgroundIntegrityCheck(check_in_background, window)
        if not demo and db.is_sqlite:  # the demo's synthetic data needs no copies
            from app.ui.background_backup import BackgroundBackup

            window.background_backup = BackgroundBackup(db, window)

    if loader is None:
        with_the_orm()
    else:
        # What the load made lives as long as the process: out of the collector's sight, as
        # what the start made before the window (``app.cli.gui.run``); the input waits no more.
        loader.when_loaded(gc.freeze)
        loader.when_loaded(lambda: app.removeEventFilter(window.input_gate))
        if after_load is not None:
            loader.when_loaded(_reporting(after_load, window))
        loader.when_loaded(with_the_orm)
        from app.ui.orm_loader import StartAfterPaint

        window.start_after_paint = StartAfterPaint(loader, window.today_page.table.viewport())
    log.info("GUI started (%s, language %s)", db.backend, chosen)
    return window


def _reporting(step: Callable[[], None], window) -> Callable[[], None]:
    """``step`` run with a problem it raises shown in the window (the ordinary start would have
    refused to start; the window is already there)."""

    def run() -> None:
        try:
            step()
        except MinPlanError as problem:
            log.warning("a start step after the window failed: %s", problem.message)
            window.show_problem(problem)

    return run


def run_gui(
    db: Database,
    *,
    language: str | None = None,
    user: str | None = None,
    demo: bool = False,
    crashes: Sequence[Path] = (),
    notice: str | None = None,
    check_in_background: Path | None = None,
    first: FirstScreen | None = None,
    after_load: Callable[[], None] | None = None,
) -> int:
    """Open the main window on ``db`` and run until the user quits; returns the exit code.

    Closing waits for nothing: a background integrity check or automatic backup still running
    is stopped (the backup leaves no file and is taken at the next start instead).
    """
    window = open_main_window(
        db,
        language=language,
        user=user,
        demo=demo,
        crashes=crashes,
        notice=notice,
        check_in_background=check_in_background,
        first=first,
        after_load=after_load,
    )
    if window is None:
        return 1
    code = cast(QApplication, QApplication.instance()).exec()
    if window.background_check is not None:
        window.background_check.wait()  # stops a running check
    if window.background_backup is not None:
        window.background_backup.stop()
    shown = window.pages.built("citizens")
    if shown is not None:
        shown.search_log.flush()  # the last searches' access-log entries
    # Reads still under way in the runner's threads finish before the database closes under them.
    QThreadPool.globalInstance().waitForDone(READS_WAITED_FOR_MS)
    window.collector.stop()
    close_cleanly(window.ctx.db)
    return code


def close_cleanly(db: Database) -> None:
    """Top up the query statistics, close the file and note that it closed cleanly, so the next
    start can skip its integrity check (``app.store.start_check``); a crash never gets here."""
    from app.store import start_check, statistics

    statistics.top_up(db)
    db.dispose()
    if db.is_sqlite and db.path is not None:
        start_check.remember_clean_close(db.path)
