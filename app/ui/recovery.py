"""At start, a damaged database: say so, offer the newest good backup, restore it on request.

The damaged file is kept aside (``<name>-before-restore-<time>.db``), never deleted, so IT can
still try to rescue what was written after the backup.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.domain.errors import DamagedDatabaseError, MinPlanError
from app.i18n import _
from app.ui import headless

log = logging.getLogger(__name__)


class RestoreOfferDialog(QDialog):
    """ "The database is damaged" with the newest good backup and a "Restore this backup" button."""

    def __init__(self, damaged: Path, backup: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("The database is damaged"))
        taken = datetime.fromtimestamp(backup.stat().st_mtime, tz=UTC)
        layout = QVBoxLayout(self)
        self.message = QLabel(
            _(
                "Min Plan checked the database at start and found it damaged:\n{path}\n\n"
                "The newest good backup was taken {when}:\n{backup}\n\n"
                "Restore this backup and open it? The damaged file is kept aside, not deleted. "
                "Changes made after the backup was taken are not in it."
            ).format(path=damaged, when=i18n.format_datetime_local(taken), backup=backup),
            self,
        )
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton(
            _("&Restore this backup"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button = buttons.addButton(
            _("Close Min Plan"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.restore_button.setDefault(True)
        self.resize(560, 260)


def offer_restore(
    error: DamagedDatabaseError, parent: QWidget | None = None, *, language: str | None = None
) -> str | None:
    """Ask whether to restore ``error.backup``; if the user agrees, restore it.

    Returns a sentence for the status bar when the backup was restored, None when the user chose
    to close (or there is no backup, or nobody can answer). A failed restore says why and leaves
    the files as they were.
    """
    if error.backup is None or headless.nobody_to_click():
        return None
    from app.ui.application import application, choose_language

    application(choose_language(language))
    damaged, backup = Path(error.path), Path(error.backup)
    dialog = RestoreOfferDialog(damaged, backup, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        log.info("the user chose not to restore a backup")
        return None
    from app.store.backup import restore_sqlite

    try:
        aside = restore_sqlite(backup, damaged)
    except MinPlanError as failure:  # before the main window (and its one place) exists
        QMessageBox.critical(parent, _("Min Plan cannot start"), i18n.translate_error(failure))
        return None
    log.warning("restored the newest good backup over a damaged database")
    return _("Restored the backup {backup}; the damaged file was kept as {aside}").format(
        backup=backup.name, aside=aside
    )
