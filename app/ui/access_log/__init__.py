"""The access log in the GUI: the team lead's "Adgangslog" page and the citizen's extract."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ui.casework.context import UiContext

#: Who has the Adgangslog page (the use case checks again).
ROLES = ("teamlead", "admin")


def may_see_access_log(ctx: UiContext) -> bool:
    """Here, not in the page's module: the window asks at start, and builds the page only when
    it is first shown."""
    return ctx.actor.role in ROLES
