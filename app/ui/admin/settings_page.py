"""The "Indstillinger" page: Users (roles), Organisation (jobcenter-wide settings) and Deletion
(retention). Everyone sees it; only administrators can change anything on it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.i18n import _
from app.ui.admin.org_settings_panel import OrgSettingsPanel
from app.ui.admin.retention_panel import RetentionPanel
from app.ui.admin.users_panel import UsersPanel
from app.ui.casework.context import UiContext


class SettingsPage(QWidget):
    """``users_changed`` after a user was added or changed; ``citizens_erased`` after a deletion."""

    users_changed = Signal()
    citizens_erased = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.users = UsersPanel(ctx, self)
        self.organisation = OrgSettingsPanel(ctx, self)
        self.retention = RetentionPanel(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.users, _("&Users"))
        self.tabs.addTab(self.organisation, _("&Organisation"))
        self.tabs.addTab(self.retention, _("Deletion after the retention &period"))
        self.users.changed.connect(self.users_changed)
        self.retention.erased.connect(self.citizens_erased)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
