"""The first start on a new database: the person at the desk becomes its administrator."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from app.domain.users import user_errors
from app.i18n import _
from app.ui.fields import TextEdit
from app.ui.form import FormDialog


class FirstUserDialog(FormDialog):
    """Asks for initials and name; ``result_value`` is ``(initials, name)``."""

    def __init__(self, login: str, initials: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Welcome to Min Plan"), self._store, parent)
        self.intro = intro = QLabel(
            _(
                "This database has no users yet. You ({login}) become its first user and its "
                "administrator: you can add your colleagues and give them roles under Settings."
            ).format(login=login),
            self,
        )
        intro.setWordWrap(True)
        self.layout().insertWidget(0, intro)
        self.form.add("initials", _("&Initials"), TextEdit())
        self.form.add("name", _("&Name"), TextEdit())
        self.form.set_validator(
            lambda values: {
                k: e
                for k, e in user_errors({**values, "role": "admin"}).items()
                if k in ("initials", "name")
            }
        )
        self.form.set_values({"initials": initials, "name": name})
        self.buttons.button(self.buttons.StandardButton.Save).setText(_("&Start"))
        self.setMinimumWidth(460)

    def _store(self, values: dict[str, Any]) -> tuple[str, str]:
        return values["initials"].strip().upper(), values["name"].strip()
