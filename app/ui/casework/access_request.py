"""The citizen page's "Access request" action: choose a file, write the PDF of everything held."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.casework.plan.plan_printing import file_name
from app.casework.privacy.access_request import (
    Disclosure,
    make_access_request,
    require_access_request,
)
from app.i18n import _
from app.ui.casework.context import UiContext


def save_access_request(
    ctx: UiContext, parent: QWidget, citizen_id: int, path: Path | None = None
) -> Disclosure | None:
    """Ask where to save (unless ``path`` is given), then make the PDF; None when cancelled."""
    require_access_request(ctx.db, ctx.actor, citizen_id)  # say no before asking for a file
    if path is None:
        suggested = str(
            Path.home()
            / file_name(ctx.db, ctx.actor, citizen_id).replace("min-plan-", "aktindsigt-")
        )
        chosen, _filter = QFileDialog.getSaveFileName(
            parent, _("Save the access request as PDF"), suggested, _("PDF (*.pdf)")
        )
        if not chosen:
            return None
        path = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")
    return make_access_request(ctx.db, ctx.actor, citizen_id, path, today=ctx.today())
