"""Organisation-wide settings: declared once with type, default and limits, stored in the database.

What belongs to the jobcenter as a whole (how long data is kept, the smallest count an aggregate
may show, automatic backups) lives in the database, so that every desk of a team uses the same
values. What belongs to the person at the desk (language, window layout) stays in
``app.ui.settings``. Reading never fails: a missing or malformed stored value gives the default.
Changing a setting is for administrators and is audited with the old and new value; reading
is in ``app.store.settings`` (the indicator measures read there), whose names stand here too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlmodel import col, select

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.domain.errors import PermissionDeniedError
from app.store.engine import Database, transaction
from app.store.models import AppSetting
from app.store.settings import SETTINGS, as_text, check_together, declared, get, get_all, read

#: Reading is the store's (``app.store.settings``); its names stand here for the settings page and
#: the use cases that read a setting.
__all__ = [
    "SETTINGS",
    "as_text",
    "check_together",
    "get",
    "get_all",
    "read",
    "set_value",
    "set_values",
]


def set_value(db: Database, actor: Actor, key: str, value: Any) -> Any:
    """Store a new value (administrators only), audited with the old and the new value."""
    return set_values(db, actor, {key: value})[key]


def set_values(db: Database, actor: Actor, values: Mapping[str, Any]) -> dict[str, Any]:
    """Store several settings in one transaction (all or none), one audit event per change."""
    if actor.role != "admin":
        raise PermissionDeniedError("Only an administrator can change settings")
    checked = {key: declared(key).check(value) for key, value in values.items()}
    with transaction(db) as session:
        check_together({**{k: read(session, k) for k in SETTINGS}, **checked})
        for key, value in checked.items():
            old = read(session, key)
            row = session.exec(select(AppSetting).where(col(AppSetting.key) == key)).first()
            if row is None:
                row = AppSetting(key=key, value="")
                session.add(row)
            elif old == value:
                continue
            row.value = json.dumps(value)
            session.flush()
            audit.record(
                session,
                actor,
                "change_setting",
                entity="app_setting",
                entity_id=row.id,
                details={"key": key},
                old={"value": old},
                new={"value": value},
            )
    return checked
