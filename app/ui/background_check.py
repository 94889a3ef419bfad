"""The integrity check of a file that closed cleanly, run in the background after the start.

A file that passed its check and closed cleanly since is opened at once (``app.store.start_check``)
and checked here, a few seconds after the main window shows, on a thread of its own with its own
read-only connection (WAL lets the caseworker go on working meanwhile). Should it fail, which only
damage outside SQLite can cause (a failing disk), Min Plan says so and closes, so that nothing more
is written into the damaged file; the next start checks before opening and offers the newest
good backup.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.i18n import _

log = logging.getLogger(__name__)

#: After the window shows, so the check never slows the first screen.
DELAY_MS = 3000
#: The exit code after a damaged file was found (no backup on exit of a damaged file).
EXIT_DAMAGED = 3


class _Check(QThread):
    verdict = Signal(object)  # True, False, or None when it could not be checked

    def __init__(self, path: Path, parent: QObject) -> None:
        from app.store.backup import Cancel

        super().__init__(parent)
        self.path = path
        self.cancel = Cancel()

    def run(self) -> None:
        from app.store.backup import integrity_verdict

        try:
            self.verdict.emit(integrity_verdict(self.path, cancel=self.cancel))
        except Exception:  # a check that cannot run proves nothing either way
            log.exception("the background integrity check could not run")
            self.verdict.emit(None)


class BackgroundIntegrityCheck(QObject):
    """Check ``path`` after ``delay_ms``; ``finished`` carries the verdict."""

    finished = Signal(object)

    def __init__(self, path: Path, window: QWidget, *, delay_ms: int = DELAY_MS) -> None:
        super().__init__(window)
        self.path, self.window = path, window
        self._thread: _Check | None = None
        QTimer.singleShot(delay_ms, self._start)

    def _start(self) -> None:
        self._thread = _Check(self.path, self)
        self._thread.verdict.connect(self._done)
        self._thread.start(QThread.Priority.LowestPriority)

    def wait(self) -> None:
        """Stop a running check and let its thread end (before the file is closed): closing
        never waits for a check. A stopped check proves nothing; the file's note stays as it was,
        so the check runs again at a later start."""
        if self._thread is not None:
            self._thread.cancel.set()
            self._thread.wait()

    def _done(self, verdict: bool | None) -> None:
        from app.store import start_check

        if verdict is True:
            start_check.remember_good(self.path)
        elif verdict is False:
            start_check.forget(self.path)  # the next start checks before it opens the file
            log.error("the background integrity check found the database damaged")
            self._tell_and_close()
        self.finished.emit(verdict)

    def _tell_and_close(self) -> None:
        from app.store.backup import backup_folder, newest_good_backup
        from app.ui import headless

        good = newest_good_backup(backup_folder(self.path), self.path.stem)
        text = _(
            "The check of the database found that {path} is damaged. Min Plan closes now so that "
            "nothing more is written into it."
        ).format(path=self.path)
        if good is not None:
            text += " " + _(
                "Start Min Plan again: it offers to restore the newest good backup, {backup}."
            ).format(backup=good.name)
        else:
            text += " " + _("There is no good backup; contact IT support.")
        self.message = text
        if not headless.nobody_to_click():
            QMessageBox.critical(self.window, _("The database is damaged"), text)
        close_application(EXIT_DAMAGED)


def close_application(code: int) -> None:
    """End the main loop with ``code`` (``run_gui`` then makes no backup of the damaged file)."""
    cast(QApplication, QApplication.instance()).exit(code)
