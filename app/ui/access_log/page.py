"""The "Adgangslog" page (team leads and administrators): search the access log by citizen (CPR),
user (initials) and dates; export the result as CSV; check that the log is intact.

The role check is the use case's (``app.casework.privacy.access_log_search``); the page is only offered
to those roles so that a caseworker is not shown a page that would refuse them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.casework.privacy.access_log_search import LIMIT, LogQuery, LogRow, export_log, search_log
from app.domain.errors import ValidationError
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.casework.record_table import RecordTable
from app.ui.fields import DateEdit
from app.wording.audit_labels import action_label, break_text, entity_label


class AccessLogPage(QWidget):
    """Filters on top, the events (newest first) below; Enter in a filter searches."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[LogRow] = []
        heading = QLabel(_("Access log"), self)
        heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        intro = QLabel(
            _(
                "Who opened, searched, changed, printed or exported what, and when. Search by "
                "citizen, user and period; the search is recorded in the log too."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.cpr = QLineEdit(self)
        self.cpr.setPlaceholderText(_("ddmmyy-xxxx"))
        self.cpr.setMaximumWidth(160)
        self.user = QLineEdit(self)
        self.user.setPlaceholderText(_("e.g. KL"))
        self.user.setMaximumWidth(100)
        self.start = DateEdit(self, today=ctx.today(), field="start")
        self.end = DateEdit(self, today=ctx.today(), field="end")
        self.end.setAccessibleName(_("Period to"))  # the label names the start only
        self.start.set_value(ctx.today() - timedelta(days=30))
        self.end.set_value(ctx.today())
        for edit in (self.cpr, self.user, self.start, self.end):
            edit.returnPressed.connect(self.run_search)
        form = QFormLayout()
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel("–", self))
        dates.addWidget(self.end)
        dates.addStretch(1)
        for text, field, row in (
            (_("Citi&zen (CPR number):"), self.cpr, self.cpr),
            (_("&User (initials):"), self.user, self.user),
            (_("&Period:"), self.start, dates),
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, row)
        self.search_button = QPushButton(_("&Search"), self)
        self.search_button.setDefault(True)
        self.search_button.setToolTip(
            _("Show the entries for the citizen, user and period (the search is logged)")
        )
        self.search_button.setAccessibleDescription(self.search_button.toolTip())
        self.search_button.clicked.connect(self.run_search)
        self.export_button = QPushButton(_("E&xport as CSV…"), self)
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.verify_button = QPushButton(_("Chec&k the log"), self)
        self.verify_button.setToolTip(
            _("Checks every event's seal: nothing changed, inserted, reordered or removed")
        )
        self.verify_button.clicked.connect(lambda: self.check_log())
        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.verify_button)
        self.status = QLabel(self)
        self.table = RecordTable(
            [
                _("When"),
                _("User"),
                _("Computer user"),
                _("What"),
                _("Area"),
                _("Citizen"),
                _("Details"),
            ],
            self,
        )
        self.table.setAccessibleName(_("Access log"))
        self.table.setAccessibleDescription(
            _(
                "Each row is one entry of the access log: when, which user and "
                "computer user, what was done, in which area and to which "
                "citizen."
            )
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

    def query(self) -> LogQuery:
        return LogQuery(
            cpr=self.cpr.text().strip() or None,
            initials=self.user.text().strip() or None,
            start=self.start.value(),
            end=self.end.value(),
        )

    def run_search(self) -> None:
        db, actor, query = self.ctx.db, self.ctx.actor, self.query()
        self.ctx.ops.read(
            "access-log", lambda: search_log(db, actor, query), self._show, background=False
        )

    def _show(self, rows: list[LogRow]) -> None:
        self.rows = rows
        self.table.set_rows(
            [
                (
                    row.seq or 0,
                    [
                        i18n.format_datetime(row.when, seconds=True),
                        row.initials or "",
                        row.os_user or "",
                        action_label(row.action),
                        entity_label(row.entity),
                        row.citizen or "",
                        row.summary,
                    ],
                )
                for row in self.rows
            ]
        )
        for row, found in enumerate(self.rows):  # the whole line where the column cuts it
            item = self.table.item(row, 6)
            if item is not None:
                item.setToolTip(found.summary)
        count = len(self.rows)
        text = i18n.ngettext("{n} event", "{n} events", count).format(n=i18n.format_number(count))
        if count >= LIMIT:
            text += " " + _("(the newest; narrow the search to see older ones)")
        self.status.setText(text)

    def export_csv(self, path: Path | None = None) -> Path | None:
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                _("Export the access log"),
                str(Path.home() / f"adgangslog-{self.ctx.today().isoformat()}.csv"),
                _("CSV (*.csv)"),
            )
            if not chosen:
                return None
            path = Path(chosen if chosen.lower().endswith(".csv") else chosen + ".csv")
        db, actor, query = self.ctx.db, self.ctx.actor, self.query()

        def export() -> int:
            try:
                return export_log(db, actor, query, path)
            except OSError as error:
                raise ValidationError(
                    "Cannot write {path}: {reason}",
                    path=str(path),
                    reason=error.strerror or str(error),
                ) from error

        count = self.ctx.ops.write(export)
        if count is None:
            return None
        self.status.setText(
            i18n.ngettext(
                "{n} event exported to {path}", "{n} events exported to {path}", count
            ).format(n=i18n.format_number(count), path=path)
        )
        return path

    def check_log(self, *, quiet: bool = False) -> str:
        """Run the verification; the result in a message box (``quiet`` only returns it)."""
        from app.casework.privacy.audit_checkpoints import folder_for
        from app.store.audit_chain import local_checkpoint
        from app.store.audit_verify import verify

        db = self.ctx.db
        result = self.ctx.ops.now(
            lambda: verify(
                db,
                checkpoint=local_checkpoint(db),
                folder=folder_for(db),  # IT's checkpoints too
            )
        )
        if result is None:
            return ""
        if result.ok:
            text = i18n.ngettext(
                "The access log is intact: {n} event checked.",
                "The access log is intact: {n} events checked.",
                result.checked,
            ).format(n=i18n.format_number(result.checked))
        else:
            text = break_text(result.broken)
        if not quiet:
            if result.ok:
                QMessageBox.information(self, _("Access log"), text)
            else:
                QMessageBox.warning(self, _("Access log"), text)
        return text
