"""Make the citizen's access-log extract (PDF) from the citizen page: language, names or not, file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from app.casework.plan.plan_printing import file_name
from app.casework.privacy.access_log_extract import make_extract
from app.domain.codes import LANGUAGES
from app.i18n import _
from app.ui.casework.context import UiContext
from app.ui.fields import CheckField, CodeCombo
from app.ui.form import FormDialog


class ExtractDialog(FormDialog):
    """``result_value`` is the path written."""

    def __init__(self, ctx: UiContext, citizen_id: int, parent: QWidget | None = None) -> None:
        super().__init__(_("Access-log extract for the citizen"), self._store, parent)
        self.ctx, self.citizen_id = ctx, citizen_id
        self.language = CodeCombo(LANGUAGES, self, allow_empty=True)
        self.language.setItemText(0, _("The citizen's language"))
        self.form.add("language", _("&Language"), self.language)
        self.names = CheckField(_("Include the employees' initials and &names"), self)
        self.names.setToolTip(
            _("Normally left out (Datatilsynet's practice); team leads and administrators only")
        )
        self.names.setEnabled(ctx.actor.role in ("teamlead", "admin"))
        self.form.add("with_names", "", self.names)
        self.path = self.add_save_path(_("Save the extract as PDF"), _("PDF (*.pdf)"), ".pdf")
        suggested = file_name(ctx.db, ctx.actor, citizen_id).replace("min-plan-", "adgangslog-", 1)
        self.form.set_values(
            {"language": None, "with_names": False, "path": str(Path.home() / suggested)}
        )
        self.form.mark_clean()

    def _store(self, values: dict[str, Any]) -> Path:
        def write(path: Path) -> Path:
            make_extract(
                self.ctx.db,
                self.ctx.actor,
                self.citizen_id,
                path,
                with_names=bool(values.get("with_names")),
                language=values.get("language"),
                today=self.ctx.today(),
            )
            return path

        return self.write_path(values, write)
