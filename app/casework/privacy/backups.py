"""Automatic backups: a rotation of daily copies taken in the background while Min Plan is open
(organisation settings ``backup_on_exit``, ``backup_every_days``, ``backups_kept`` and
``backup_space_percent``). The copy itself is ``app.store.backup``'s; this is the policy around it.

Closing never waits for a copy: the copy is taken a while after the start, on a thread of its own
(``app.ui.application``), in steps, and given up without a file if Min Plan closes meanwhile; the
next start tries again. At most one copy is taken every ``backup_every_days`` days (default: one a
day, however often Min Plan is opened and closed), and the automatic copies together never take
more than ``backup_space_percent`` of the database's own size (default 100 %: the disk use never
more than doubles unless an administrator says so). An encrypted database's pages do not compress,
so the copies are full copies; ``rotation`` lists them for the settings page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.casework.admin import org_settings
from app.store.backup import (
    DAILY,
    ON_EXIT,
    backup_folder,
    backup_sqlite,
    backups_of,
    prune_automatic,
)
from app.store.engine import Database

log = logging.getLogger(__name__)

#: Kept for callers of the older policy (a copy when closing, against this clock).
EXIT_BUDGET_SECONDS = 20.0


@dataclass(frozen=True)
class Rotation:
    """The automatic backups of one database file, newest first, and what they take."""

    copies: tuple[tuple[datetime, int, Path], ...]  # (taken, bytes, path)
    copies_folder: Path
    database_bytes: int
    every_days: int
    kept: int  # the most copies kept now (the count setting and the space allowance)

    @property
    def total_bytes(self) -> int:
        return sum(size for _taken, size, _path in self.copies)

    @property
    def newest(self) -> datetime | None:
        return self.copies[0][0] if self.copies else None


def _taken(path: Path) -> datetime | None:
    stamp = path.stem.rsplit("-", 3)[-3:]
    try:
        return datetime.strptime("-".join(stamp), "%Y%m%d-%H%M%S-%f")
    except ValueError:
        return None


def _database_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def rotation(db: Database) -> Rotation | None:
    """The rotation of automatic backups of ``db``'s file; None for a PostgreSQL database."""
    if not db.is_sqlite or db.path is None:
        return None
    folder = backup_folder(db.path)
    copies = []
    for path in backups_of(folder, db.path.stem):
        label = path.name[len(db.path.stem) + 1 :].rsplit("-", 3)[0]
        taken = _taken(path)
        if label in (DAILY, ON_EXIT) and taken is not None:
            copies.append((taken, path.stat().st_size, path))
    copies.sort(reverse=True)
    size = _database_bytes(db.path)
    return Rotation(
        tuple(copies),
        folder,
        size,
        int(org_settings.get(db, "backup_every_days")),
        kept_copies(db, size),
    )


def kept_copies(db: Database, database_bytes: int) -> int:
    """How many automatic copies are kept: ``backups_kept``, and no more than fit in the space
    allowance (``backup_space_percent`` of the database's size), but always at least one."""
    count = int(org_settings.get(db, "backups_kept"))
    percent = int(org_settings.get(db, "backup_space_percent"))
    if database_bytes <= 0:
        return count
    # Every copy is a full copy (about the database's size): the allowance holds percent // 100.
    return max(1, min(count, percent // 100))


def backup_due(db: Database, now: datetime | None = None) -> bool:
    """Is an automatic copy due: the setting is on, the database is a file, and the newest
    automatic copy is older than ``backup_every_days`` days (calendar days: one a day means one
    on each day Min Plan is used)?"""
    if not db.is_sqlite or db.path is None or not org_settings.get(db, "backup_on_exit"):
        return False
    now = now or datetime.now()
    found = rotation(db)
    if found is None or found.newest is None:
        return True
    days = int(org_settings.get(db, "backup_every_days"))
    return (now.date() - found.newest.date()) >= timedelta(days=days)


@dataclass(frozen=True)
class DueBackup:
    """An automatic copy to take: read from the settings on the GUI thread, taken on another
    (which then touches only files, never the database's connection pool)."""

    database: Path
    folder: Path
    keep: int
    now: datetime | None = None  # the copy's time stamp (None: when it is taken)

    def take(self, cancelled: Callable[[], bool] | None = None) -> Path:
        """Copy (label ``daily``), then rotate to the ``keep`` newest automatic copies. Raises
        ``MinPlanError`` on failure (``BackupStopped`` when ``cancelled`` said stop)."""
        copy = backup_sqlite(
            self.database, self.folder, label=DAILY, cancelled=cancelled, taken=self.now
        )
        prune_automatic(self.folder, self.database.stem, self.keep)
        return copy


def due_backup(db: Database, now: datetime | None = None) -> DueBackup | None:
    """The automatic copy to take now, or None when none is due (``backup_due``)."""
    if not backup_due(db, now):
        return None
    assert db.path is not None
    keep = kept_copies(db, _database_bytes(db.path))
    return DueBackup(db.path, backup_folder(db.path), keep, now)


def automatic_backup(
    db: Database,
    *,
    cancelled: Callable[[], bool] | None = None,
    now: datetime | None = None,
) -> Path | None:
    """Take the automatic copy if one is due, and rotate; the new copy, or None."""
    due = due_backup(db, now)
    return None if due is None else due.take(cancelled)


def backup_on_exit(db: Database, *, budget_seconds: float = EXIT_BUDGET_SECONDS) -> Path | None:
    """The older policy's entry point (tests, and a program without Min Plan's window): the
    automatic copy if one is due, against a clock. Min Plan's window takes it in the background."""
    due = due_backup(db)
    if due is None:
        return None
    copy = backup_sqlite(due.database, due.folder, label=DAILY, budget_seconds=budget_seconds)
    prune_automatic(due.folder, due.database.stem, due.keep)
    return copy
