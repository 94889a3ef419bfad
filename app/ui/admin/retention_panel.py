"""Settings → Deletion: the citizens due for deletion after the retention period, with what deleting
each removes, and the explicit, irreversible deletion (administrators only)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import i18n
from app.casework.privacy.retention import Preview, describe_rows, erase, preview
from app.i18n import _, ngettext
from app.ui.casework import prompts
from app.ui.casework.context import UiContext
from app.ui.casework.record_table import RecordTable


class RetentionPanel(QWidget):
    erased = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_admin = ctx.actor.role == "admin"
        self.current: Preview | None = None
        self.intro = QLabel(
            _(
                "Citizens with nothing ongoing and no activity for the retention period are "
                "deleted completely: every record about them, also what was deleted before. "
                "This cannot be undone. The deletion is logged with counts and a reference, "
                "without the citizen's name or CPR number."
            )
            if self.is_admin
            else _("Only an administrator can delete citizens after the retention period."),
            self,
        )
        self.intro.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = RecordTable(
            [_("Citizen"), _("Born"), _("Last activity"), _("What is deleted")], self, stretch=3
        )
        self.table.setAccessibleName(_("Citizens past the retention period"))
        self.table.setAccessibleDescription(
            _(
                "Each row is a citizen whose case has been closed longer than "
                "the retention period, and what would be deleted."
            )
        )
        self.list_button = QPushButton(_("&List citizens due for deletion"), self)
        self.delete_button = QPushButton(_("&Delete the listed citizens for good…"), self)
        self.list_button.clicked.connect(self.list_due)
        self.delete_button.clicked.connect(self.delete_listed)
        self.list_button.setEnabled(self.is_admin)
        self.delete_button.setEnabled(False)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(
            self.result.textInteractionFlags()
            | self.result.textInteractionFlags().TextSelectableByMouse
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.list_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result)

    def list_due(self) -> None:
        db, actor, today = self.ctx.db, self.ctx.actor, self.ctx.today()
        # in the background: the last activity of every citizen is read (0.1–0.5 s at 100 000)
        self.ctx.ops.read(
            "retention", lambda: preview(db, actor, today=today), self._show, owner=self
        )

    def _show(self, found: Preview) -> None:
        self.current = found
        self.table.set_rows(
            [
                (
                    c.citizen_id,
                    [
                        c.name + (" " + _("(deleted)") if c.soft_deleted else ""),
                        i18n.format_short_date(c.birth_date),
                        i18n.format_short_date(c.last_activity),
                        describe_rows(c.rows),
                    ],
                )
                for c in found.candidates
            ]
        )
        n = len(found.candidates)
        text = _(
            "Retention period: {years} years without activity, so last activity before {cutoff}."
        ).format(years=found.years, cutoff=i18n.format_date(found.cutoff))
        text += " " + ngettext(
            "{n} citizen is due for deletion", "{n} citizens are due for deletion", n
        ).format(n=n)
        if n:
            text += ": " + describe_rows(found.totals)
        self.summary.setText(text)
        self.delete_button.setEnabled(self.is_admin and n > 0)
        self.result.clear()

    def delete_listed(self) -> None:
        if self.current is None or not self.current.candidates:
            return
        n = len(self.current.candidates)
        if not prompts.confirm(
            self,
            _("Delete for good"),
            ngettext(
                "Delete {n} citizen and everything about them for good? This cannot be undone.",
                "Delete {n} citizens and everything about them for good? This cannot be undone.",
                n,
            ).format(n=n),
        ):
            return
        ids = [c.citizen_id for c in self.current.candidates]
        done = self.ctx.ops.write(
            lambda: erase(self.ctx.db, self.ctx.actor, ids, today=self.ctx.today())
        )  # the window reads everything again on ``erased``
        if done is None:
            self.list_due()
            return
        self.current = None
        self.table.set_rows([])
        self.delete_button.setEnabled(False)
        self.summary.clear()
        self.result.setText(
            ngettext(
                "{n} citizen was deleted for good. References in the access log: {refs}",
                "{n} citizens were deleted for good. References in the access log: {refs}",
                len(done),
            ).format(n=len(done), refs=", ".join(e.reference for e in done))
        )
        self.erased.emit()
