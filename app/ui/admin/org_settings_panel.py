"""Settings → Organisation: the jobcenter-wide settings of ``app.casework.admin.org_settings`` (retention,
the smallest count in aggregates, småjob hours, backups, and the figures the goal plans need from
outside: the population aged 16–66 per year, the kommune's postal codes, the companies above a
size), checked as you type, saved together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import i18n
from app.casework.admin import org_settings
from app.domain.errors import MinPlanError, ValidationError
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.fields import CheckField, NumberEdit, TextEdit
from app.ui.form import Form


def _problems(values: Mapping[str, Any]) -> dict[str, ValidationError]:
    """Each setting's problem, for showing next to its field."""
    found: dict[str, ValidationError] = {}
    for key, value in values.items():
        declared = org_settings.SETTINGS[key]
        if value is None and declared.kind not in (dict, list):
            found[key] = ValidationError("Give a value", field=key)
            continue
        try:
            declared.check(value)
        except ValidationError as error:
            found[key] = error
    if not found:
        try:
            org_settings.check_together(values)
        except ValidationError as error:
            found[error.field or next(iter(values))] = error
    return found


def _mb(size: int) -> str:
    return i18n.format_number(round(size / 1_048_576))


def rotation_text(ctx: UiContext) -> str:
    """One sentence on the automatic backups of this desk's database file (none for a server)."""
    from app.casework.privacy.backups import rotation

    try:
        found = rotation(ctx.db)
    except (MinPlanError, OSError):  # an aside: left out when the folder cannot be read
        return ""
    if found is None:
        return _("Automatic backups: the database server's own (Min Plan makes none).")
    if not found.copies:
        return _("Automatic backups: none yet in {folder}.").format(folder=found.copies_folder)
    assert found.newest is not None
    return _(
        "Automatic backups: {count} (at most {kept} kept), the newest from {when}; "
        "{total} MB together, the database itself {size} MB. Folder: {folder}"
    ).format(
        count=len(found.copies),
        kept=found.kept,
        when=f"{i18n.format_date(found.newest.date())} {i18n.format_time(found.newest)}",
        total=_mb(found.total_bytes),
        size=_mb(found.database_bytes),
        folder=found.copies_folder,
    )


class OrgSettingsPanel(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_admin = ctx.actor.role == "admin"
        self.form = Form(self)
        for key, declared in org_settings.SETTINGS.items():
            if declared.kind is bool:
                self.form.add(key, "", CheckField(_(declared.label)))
            elif declared.kind in (dict, list, str):
                self.form.add(key, _(declared.label), TextEdit())
            else:
                self.form.add(key, _(declared.label), NumberEdit(field=key))
        self.form.set_validator(_problems)
        self.form.setEnabled(self.is_admin)
        self.notice = QLabel(
            _("Settings for the whole jobcenter: every desk uses them. Changes are logged.")
            if self.is_admin
            else _("Only an administrator can change these settings."),
            self,
        )
        self.notice.setWordWrap(True)
        self.status = QLabel(self)
        self.save_button = QPushButton(_("&Save settings"), self)
        self.save_button.setEnabled(self.is_admin)
        self.save_button.clicked.connect(self.save)
        self.form.changed.connect(self.status.clear)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.form)
        self.backups = QLabel(self)  # the rotation of automatic backups, as it is on disk
        self.backups.setWordWrap(True)
        self.backups.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.backups)
        layout.addLayout(row)
        layout.addStretch(1)
        self.stored: dict[str, Any] = {}
        self.refresh()

    def refresh(self) -> None:
        db = self.ctx.db
        self.ctx.ops.read(
            "org-settings", lambda: org_settings.get_all(db), self._show, background=False
        )

    def _show(self, stored: dict[str, Any]) -> None:
        self.stored = stored
        self.form.set_values(
            {
                key: org_settings.as_text(key, value)
                if org_settings.SETTINGS[key].kind in (dict, list)
                else value
                for key, value in self.stored.items()
            }
        )
        self.backups.setText(rotation_text(self.ctx))

    def save(self) -> bool:
        values, problems = self.form.read()
        if problems:
            self.form.show_all_errors()
            return False
        changed = {
            key: value
            for key, value in values.items()
            if org_settings.SETTINGS[key].check(value) != self.stored.get(key)
        }
        if not changed:
            self.status.setText(_("Nothing to save"))
            return True
        try:
            org_settings.set_values(self.ctx.db, self.ctx.actor, changed)
        except MinPlanError as error:  # kept here: the form keeps the input, shows it at its field
            if not self.form.show_error(error):
                self.ctx.ops.problem.emit(error)
            return False
        self.refresh()
        self.status.setText(_("Settings saved"))
        return True
