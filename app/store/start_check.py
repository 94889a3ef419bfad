"""When the database file needs its integrity check at start, and when a recent one still holds.

``PRAGMA quick_check`` reads every page: about 2.4 s for a 100 000-citizen jobcenter, most of a
cold start. It is worth that after anything that can damage a file, and not after a clean close
of a file that passed last time. So a small note per database (in the user's state folder) keeps
the file's fingerprint (size, modification time, inode, the ``-wal`` beside it) at the last check
or clean close. The check runs at start when

- there is no note (first start, another computer's file, a restored backup),
- the file changed since (Min Plan crashed, was killed, the power went, or another program wrote
  to it), or
- the last check is older than ``MAX_AGE`` (slow damage of the disk itself).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app import paths

log = logging.getLogger(__name__)

#: A file that closed cleanly is still checked at least this often.
MAX_AGE = timedelta(days=7)


def _note(path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:24]
    return paths.user_data_dir() / "checks" / f"{name}.json"


def _fingerprint(path: Path) -> dict[str, Any] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    wal = Path(f"{path}-wal")
    wal_size = wal.stat().st_size if wal.exists() else None
    return {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "inode": stat.st_ino,
        "wal": wal_size,
    }


def _read(path: Path) -> dict[str, Any] | None:
    try:
        note: dict[str, Any] | None = json.loads(_note(path).read_text(encoding="utf-8"))
        return note
    except (OSError, ValueError):
        return None


def _write(path: Path, checked_at: str) -> None:
    fingerprint = _fingerprint(path)
    if fingerprint is None:
        return
    note = _note(path)
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        temporary = note.with_name(f".{note.name}.{os.getpid()}.tmp")
        temporary.write_text(
            json.dumps({"fingerprint": fingerprint, "checked_at": checked_at}), encoding="utf-8"
        )
        temporary.replace(note)
    except OSError:  # only a shortcut is lost: the next start checks again
        log.warning("could not keep the note of the database check")


def needs_check(path: Path, *, now: datetime | None = None) -> bool:
    """Whether ``path`` must be checked before it is opened (see the module's docstring)."""
    note = _read(path)
    if note is None or note.get("fingerprint") != _fingerprint(path):
        return True
    try:
        checked_at = datetime.fromisoformat(note["checked_at"])
    except (KeyError, TypeError, ValueError):
        return True
    return (now or datetime.now(UTC)) - checked_at > MAX_AGE


def remember_good(path: Path, *, now: datetime | None = None) -> None:
    """``path`` just passed its check."""
    _write(path, (now or datetime.now(UTC)).isoformat())


def remember_clean_close(path: Path) -> None:
    """Min Plan closed ``path`` cleanly: the last check still holds for the file as it is now."""
    note = _read(path)
    if note is not None and "checked_at" in note:
        _write(path, note["checked_at"])


def forget(path: Path) -> None:
    """``path`` failed a check: the next start must check it before opening it."""
    try:
        _note(path).unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove the note of the database check")
