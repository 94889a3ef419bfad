"""What the user sees when something goes wrong: a calm message for expected failures, a crash
dialog with the log path and "Copy details" for bugs — never a raw traceback in their face.
"""

from __future__ import annotations

import logging
import platform
import sqlite3
import sys
import traceback
from collections import deque
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import i18n, paths
from app.domain.errors import MinPlanError
from app.i18n import _

log = logging.getLogger(__name__)

#: The last log lines, kept in memory so "Copy details" can include them.
RECENT_LOG: deque[str] = deque(maxlen=50)


class _RecentLogHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        RECENT_LOG.append(self.format(record))


def show_problem(parent: QWidget | None, error: MinPlanError) -> None:
    """An expected failure (locked database, bad file, …): say what happened and what to do."""
    QMessageBox.warning(parent, _("Min Plan"), i18n.translate_error(error))


class CrashDialog(QDialog):
    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Min Plan stopped because of an error"))
        layout = QVBoxLayout(self)
        text = QLabel(
            _(
                "Min Plan met an error it did not expect and has to close. Everything you saved before is "
                "kept in the database. Please send the details below to your IT support.\n\nLog file: {path}"
            ).format(path=paths.user_log_dir() / "minplan.log"),
            self,
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(
            text.textInteractionFlags() | text.textInteractionFlags().TextSelectableByMouse
        )
        layout.addWidget(text)
        self.message = text
        self.details = QPlainTextEdit(details, self)
        self.details.setReadOnly(True)
        self.details.setMinimumHeight(200)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(self)
        self.copy_button = buttons.addButton(
            _("&Copy details"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = buttons.addButton(
            _("Close Min Plan"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.copy_button.clicked.connect(
            lambda: QApplication.clipboard().setText(self.details.toPlainText())
        )
        self.close_button.clicked.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 420)


def versions() -> str:
    """Min Plan, Python, Qt, SQLite and the operating system, for a bug report."""
    from importlib.metadata import PackageNotFoundError, version

    import PySide6
    from PySide6.QtCore import qVersion

    try:
        number = version("minplan")
    except PackageNotFoundError:
        number = "dev"
    return (
        f"Min Plan {number}; Python {platform.python_version()}; PySide6 {PySide6.__version__} "
        f"(Qt {qVersion()}); SQLite {sqlite3.sqlite_version}; {platform.platform()}; "
        f"language {i18n.current_language()}"
    )


def crash_details(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """What "Copy details" copies: the traceback, the versions and the last log lines (the log
    never holds CPR numbers, names or note text)."""
    lines = traceback.format_exception(exc_type, exc, tb)
    return (
        "".join(lines)
        + "\n--- versions ---\n"
        + versions()
        + "\n--- recent log ---\n"
        + "\n".join(RECENT_LOG)
    )


def show_previous_crash(parent: QWidget | None, reports: list[Path]) -> QMessageBox:
    """The last session died of a native crash: say so once, with the report's path (not modal,
    so the user can go on working)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("Min Plan stopped unexpectedly last time"),
        _(
            "The last session of Min Plan stopped because of an error inside a program library. "
            "Everything saved before that is kept in the database.\n\nThe details were written to "
            "{path}\nPlease send that file to your IT support."
        ).format(path="\n".join(str(p) for p in reports)),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return box


def install_excepthook() -> None:
    """Route uncaught exceptions to the log and a dialog; expected errors get a calm message."""
    handler = _RecentLogHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        app = QApplication.instance()
        parent = QApplication.activeWindow() if app else None
        if isinstance(exc, MinPlanError):
            log.warning("expected error reached the top: %s", exc_type.__name__)
            if app:
                show_problem(parent, exc)
            return
        log.critical("unhandled error", exc_info=(exc_type, exc, tb))
        if app is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        CrashDialog(crash_details(exc_type, exc, tb), parent).exec()
        app.exit(70)

    sys.excepthook = hook
