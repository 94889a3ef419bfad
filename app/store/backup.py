"""Consistent copies of a SQLite database with SQLite's online backup API.

A plain file copy of a live database can be torn (and misses the ``-wal``); the backup API copies
a consistent snapshot even while other connections write.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from app.domain.errors import DatabaseError

log = logging.getLogger(__name__)


def backup_sqlite(source: Path, dest_dir: Path, *, label: str = "backup") -> Path:
    """Copy ``source`` to ``dest_dir/<stem>-<label>-<timestamp>.db`` and return the new path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            "Cannot create the backup folder {path}: {reason}", path=str(dest_dir), reason=str(exc)
        ) from exc
    target = dest_dir / f"{source.stem}-{label}-{stamp}.db"
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            result = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(
            "The backup of {path} failed: {reason}", path=str(source), reason=str(exc)
        ) from exc
    finally:
        src.close()
    if result != "ok":
        target.unlink(missing_ok=True)
        raise DatabaseError("The backup of {path} failed its integrity check", path=str(source))
    log.info("backup written to %s", target)
    return target


def integrity_ok(path: Path, *, quick: bool = False) -> bool:
    """``PRAGMA integrity_check`` (or the faster ``quick_check``) of a database file."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute(
                "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
            ).fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return result == "ok"


def newest_good_backup(folder: Path) -> Path | None:
    """The most recent backup in ``folder`` that passes the integrity check."""
    if not folder.is_dir():
        return None
    for candidate in sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True):
        if integrity_ok(candidate):
            return candidate
    return None


def restore_sqlite(backup: Path, target: Path) -> Path | None:
    """Put ``backup`` in place of ``target`` after checking it; the current file is kept aside
    (returned), never deleted. Nothing changes if the backup is damaged."""
    if not backup.exists():
        raise DatabaseError("The backup {path} does not exist", path=str(backup))
    if not integrity_ok(backup):
        raise DatabaseError(
            "The backup {path} failed its integrity check; nothing was restored", path=str(backup)
        )
    aside = None
    if target.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = target.with_name(f"{target.stem}-before-restore-{stamp}{target.suffix}")
        try:
            check = sqlite3.connect(target)
            check.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            check.close()
        except sqlite3.Error:
            pass  # a damaged file is kept aside as it is
        target.replace(aside)
        for sidecar in ("-wal", "-shm"):
            Path(f"{target}{sidecar}").unlink(missing_ok=True)
    temporary = target.with_name(target.name + ".restoring")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(temporary)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    temporary.replace(target)
    log.info("restored a backup")
    return aside
