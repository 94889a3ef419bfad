"""What every casework dialog needs: the database, who is acting, and today's date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from app.casework.actor import Actor
from app.store.engine import Database


@dataclass
class UiContext:
    db: Database
    actor: Actor
    today: Callable[[], date] = field(default=date.today)
