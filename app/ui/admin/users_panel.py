"""Settings → Users: who may use this database, with which role. Administrators add users, change
roles and deactivate users; everyone else sees the list (and whom to ask)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.casework.admin.users import (
    UserView,
    add_user,
    change_role,
    list_users,
    set_active,
    update_user,
)
from app.domain.codes import ROLES
from app.domain.users import user_errors
from app.i18n import _
from app.ui.casework import prompts
from app.ui.casework.context import UiContext
from app.ui.fields import CodeCombo, TextEdit
from app.ui.form import FormDialog
from app.ui.lazy_table import LazyTable


class UserDialog(FormDialog):
    """A new user (with a role), or the details of an existing one (the role is changed apart,
    because the last administrator is protected)."""

    def __init__(
        self, ctx: UiContext, *, user: UserView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("New user") if user is None else _("Edit user"), self._store, parent)
        self.ctx, self.user = ctx, user
        form = self.form
        form.add("initials", _("&Initials"), TextEdit())
        form.add("name", _("&Name"), TextEdit())
        form.add("team", _("&Team"), TextEdit())
        if user is None:
            form.add("role", _("&Role"), CodeCombo(ROLES))
        form.add("email", _("&E-mail"), TextEdit())
        form.add("phone", _("&Phone"), TextEdit())
        form.add(
            "login",
            _("&Login name"),
            TextEdit(),
            hint=_("The user's login on the computer (empty: the initials)"),
        )
        form.set_validator(lambda values: user_errors({"role": "caseworker", **values}))
        self.setMinimumWidth(520)
        if user is not None:
            form.set_values(
                {
                    "initials": user.initials,
                    "name": user.name,
                    "team": user.team,
                    "email": user.email,
                    "phone": user.phone,
                    "login": user.login,
                }
            )

    def _store(self, values: dict[str, Any]) -> int:
        if self.user is None:
            return add_user(self.ctx.db, self.ctx.actor, values).id
        return update_user(self.ctx.db, self.ctx.actor, self.user.id, self.user.version, values).id


class UsersPanel(QWidget):
    """The users table with New / Edit / Change role / Deactivate (administrators only)."""

    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[UserView] = []
        self.last_dialog: UserDialog | None = None
        self.table = LazyTable(
            [
                _("Initials"),
                _("Name"),
                _("Team"),
                _("Role"),
                _("E-mail"),
                _("Phone"),
                _("Login name"),
                _("Citizens"),
                _("Status"),
            ],
            self,
            stretch=1,
        )
        self.table.setAccessibleName(_("Users"))
        self.table.setAccessibleDescription(
            _(
                "Each row is a user: initials, name, team, role and whether the "
                "user is active. Enter edits the selected user."
            )
        )
        self.table.activated_id.connect(lambda _id: self.edit_user())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        # The status column fits both its words: it is sized from a sample of rows, which
        # seldom holds one of the few deactivated users ("Dea…").
        widest = max(
            self.table.fontMetrics().horizontalAdvance(text)
            for text in (_("Active"), _("Deactivated"), _("Status"))
        )
        self.table.horizontalHeader().setSectionResizeMode(_STATUS, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(_STATUS, widest + 3 * self.table.fontMetrics().averageCharWidth())
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.add_button = QPushButton(_("&New user…"), self)
        self.edit_button = QPushButton(_("Edi&t…"), self)
        self.role_button = QPushButton(_("Change &role…"), self)
        self.active_button = QPushButton(_("&Deactivate"), self)
        for button, tip in (
            (self.edit_button, _("Change the selected user's details")),
            (self.role_button, _("Give the selected user another role")),
            (self.active_button, _("Deactivate the selected user, or activate them again")),
        ):
            button.setToolTip(tip)
            button.setAccessibleDescription(tip)
        self.add_button.clicked.connect(self.new_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.role_button.clicked.connect(self.change_role)
        self.active_button.clicked.connect(self.toggle_active)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.role_button, self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.is_admin = ctx.actor.role == "admin"
        self._selected()  # the buttons as the role allows, before the list arrives
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        """Read the users again, in the background: each caseload's size is counted over every
        citizen (0.1–0.2 s at 100 000 citizens, which held the window still). When the list
        arrives, the user ``select`` is selected (default: the one selected then)."""
        db = self.ctx.db
        self.ctx.ops.read(
            "users", lambda: list_users(db), lambda found: self._show(found, select), owner=self
        )

    def _show(self, users: list[UserView], select: int | None = None) -> None:
        chosen = select if select is not None else self.table.selected_id()
        self.users = users
        self.table.set_rows(
            [u.id for u in users],
            lambda row: _cells(users[row]),
            muted={u.id for u in users if not u.active},
        )
        if chosen is not None:
            self.table.select_id(chosen)
        if self.is_admin:
            self.notice.setText(
                _(
                    "Every change is recorded in the access log. The last active administrator "
                    "cannot be deactivated or given another role."
                )
            )
        else:
            admins = ", ".join(
                f"{u.name} ({u.initials})" for u in self.users if u.role == "admin" and u.active
            )
            self.notice.setText(
                _("Only an administrator can change users. Administrators: {names}").format(
                    names=admins or "-"
                )
            )
        self._selected()

    def selected(self) -> UserView | None:
        chosen = self.table.selected_id()
        return next((u for u in self.users if u.id == chosen), None)

    def _selected(self) -> None:
        user = self.selected()
        self.add_button.setEnabled(self.is_admin)
        for button in (self.edit_button, self.role_button, self.active_button):
            button.setEnabled(self.is_admin and user is not None)
        self.active_button.setText(
            _("&Activate") if user is not None and not user.active else _("&Deactivate")
        )

    def _done(self, saved=None, select: int | None = None) -> None:
        self.refresh(select)
        self.changed.emit()
        for warning in getattr(saved, "warnings", ()) or ():
            prompts.show_notice(self, _("Users"), warning)

    def _open(self, dialog: UserDialog) -> None:
        """Non-modal, so the rest of the window stays responsive; refresh when saved."""

        def saved() -> None:
            self._done(select=dialog.result_value)

        dialog.accepted.connect(saved)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.last_dialog = dialog

    def new_user(self) -> None:
        if self.is_admin:
            self._open(UserDialog(self.ctx, parent=self))

    def edit_user(self) -> None:
        user = self.selected()
        if user is not None and self.is_admin:
            self._open(UserDialog(self.ctx, user=user, parent=self))

    def change_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        codes = list(ROLES)
        index = prompts.choose(
            self,
            _("Change role"),
            _("Role of {name}:").format(name=user.name),
            [i18n.label(ROLES, c) for c in codes],
            codes.index(user.role) if user.role in codes else 0,
        )
        if index is None or codes[index] == user.role:
            return
        saved = self.ctx.ops.write(
            lambda: change_role(
                self.ctx.db, self.ctx.actor, user.id, codes[index], expected_version=user.version
            )
        )
        if saved is not None:
            self._done(saved)

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        if user.active and not prompts.confirm(
            self,
            _("Deactivate user"),
            _("Deactivate {name}? They can no longer use Min Plan; their records stay.").format(
                name=user.name
            ),
        ):
            return
        saved = self.ctx.ops.write(
            lambda: set_active(
                self.ctx.db, self.ctx.actor, user.id, not user.active, expected_version=user.version
            )
        )
        if saved is not None:
            self._done(saved)


#: The column of the user's status (active or deactivated).
_STATUS = 8


def _cells(user: UserView) -> list[str]:
    """A user's row, formatted when it is first shown (a large jobcenter has thousands)."""
    return [
        user.initials,
        user.name,
        user.team or "",
        i18n.label(ROLES, user.role),
        user.email or "",
        user.phone or "",
        user.login or "",
        str(user.citizens),
        _("Active") if user.active else _("Deactivated"),
    ]
