"""Automatic backups: when Min Plan closes (organisation settings ``backup_on_exit`` and
``backups_kept``). The copy itself is ``app.store.backup``'s; this is the policy around it."""

from __future__ import annotations

import logging
from pathlib import Path

from app.casework import org_settings
from app.store.backup import ON_EXIT, backup_folder, backup_sqlite, prune_automatic
from app.store.engine import Database

log = logging.getLogger(__name__)

#: Closing Min Plan waits at most this long for the backup; a slower copy is given up (no file).
EXIT_BUDGET_SECONDS = 20.0


def backup_on_exit(db: Database, *, budget_seconds: float = EXIT_BUDGET_SECONDS) -> Path | None:
    """Copy the SQLite database into ``backups/`` (label ``on-exit``) if the setting says so, then
    keep only the newest ``backups_kept`` automatic copies. Returns the new copy, or None when
    there is nothing to do (setting off, a PostgreSQL database). Raises ``MinPlanError`` on failure.
    """
    if not db.is_sqlite or db.path is None:
        return None
    if not org_settings.get(db, "backup_on_exit"):
        return None
    keep = org_settings.get(db, "backups_kept")
    folder = backup_folder(db.path)
    copy = backup_sqlite(db.path, folder, label=ON_EXIT, budget_seconds=budget_seconds)
    prune_automatic(folder, db.path.stem, keep)
    return copy
