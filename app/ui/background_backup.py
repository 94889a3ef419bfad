"""The daily automatic backup, taken on a thread of its own a while after the main window shows.

Closing Min Plan never waits for it: ``stop`` gives the copy up between two of its steps (or in
the check of the finished copy) and leaves no file; the next start takes it again. The policy —
whether a copy is due, how many are kept — is ``app.casework.privacy.backups``'s and is read here, on the
GUI thread, before the thread starts; the thread touches only files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from app import i18n
from app.casework.privacy.backups import DueBackup, due_backup
from app.domain.errors import MinPlanError
from app.i18n import _
from app.store.backup import BackupStopped, Cancel
from app.store.engine import Database

log = logging.getLogger(__name__)

#: After the start settles (the first screen, the integrity check of the file).
DELAY_MS = 30_000


class _Copy(QThread):
    done = Signal(object)  # the new copy's Path, or the MinPlanError

    def __init__(self, due: DueBackup, parent: QObject) -> None:
        super().__init__(parent)
        self.due = due
        self.cancel = Cancel()

    def run(self) -> None:
        try:
            self.done.emit(self.due.take(self.cancel))
        except MinPlanError as error:  # unattended: told in the status bar, not a dialog
            self.done.emit(error)
        except Exception as error:  # an unexpected failure must not take the window down
            log.exception("the automatic backup failed")
            self.done.emit(error)


class BackgroundBackup(QObject):
    """Take the automatic backup of ``db`` after ``delay_ms`` if one is due; ``finished`` carries
    the new copy's path, or the error."""

    finished = Signal(object)

    def __init__(self, db: Database, window: QMainWindow, *, delay_ms: int = DELAY_MS) -> None:
        super().__init__(window)
        self.db, self.window = db, window
        self._thread: _Copy | None = None
        QTimer.singleShot(delay_ms, self._start)

    def _start(self) -> None:
        try:
            due = due_backup(self.db)
        except MinPlanError as error:  # unattended: the next start asks again
            log.warning("could not tell whether a backup is due: %s", type(error).__name__)
            return
        if due is None:
            return
        self._thread = _Copy(due, self)
        self._thread.done.connect(self._done)
        self._thread.start(QThread.Priority.LowestPriority)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def stop(self) -> None:
        """Give a running copy up (no file is left) and let its thread end: called when closing."""
        if self._thread is not None:
            self._thread.cancel.set()
            self._thread.wait()

    def _done(self, outcome: object) -> None:
        if isinstance(outcome, Path):
            log.info("automatic backup written: %s", outcome.name)
            self.window.statusBar().showMessage(
                _("Automatic backup made: {name}").format(name=outcome.name), 15_000
            )
        elif isinstance(outcome, BackupStopped):
            log.info("the automatic backup was stopped (Min Plan closed)")
        elif isinstance(outcome, MinPlanError):
            log.warning("the automatic backup failed: %s", type(outcome).__name__)
            self.window.statusBar().showMessage(
                _("The automatic backup failed: {reason}").format(
                    reason=i18n.translate_error(outcome)
                ),
                60_000,
            )
        self.finished.emit(outcome)
