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
