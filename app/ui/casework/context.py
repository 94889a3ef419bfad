"""What every page and casework dialog needs: the database, who is acting, today's date, and the
operations runner that runs use cases and broadcasts what they changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from app.domain.dates import local_today

if TYPE_CHECKING:
    from app.casework.core.actor import Actor
    from app.store.engine import Database
    from app.ui.operations import Operations


@dataclass
class UiContext:
    db: Database
    actor: Actor
    today: Callable[[], date] = field(default=local_today)
    _ops: Operations | None = field(default=None, repr=False, compare=False)

    @property
    def ops(self) -> Operations:
        """The window's one operations runner (made when first needed: a context also serves
        tests and dialogs without a window)."""
        if self._ops is None:
            from app.ui.operations import Operations

            self._ops = Operations()
        return self._ops
