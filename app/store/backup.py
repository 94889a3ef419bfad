"""Consistent copies of a SQLite database with SQLite's online backup API, encrypted like the source.

A plain file copy of a live database can be torn (and misses the ``-wal``); the backup API copies
a consistent snapshot even while other connections write. An encrypted database is copied into a
connection keyed with the same key *and salt*, so the backup is encrypted exactly like the source
and finds the same key-store entry (``app.store.cipher``); a plaintext database gives a plaintext
copy. A restore writes the backup's pages back the same way.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as dbapi2

from app.domain.errors import DatabaseError, MinPlanError
from app.store import cipher
from app.store.cipher import DatabaseKey, FileKind

log = logging.getLogger(__name__)


def file_key(path: Path, key: DatabaseKey | None = None) -> DatabaseKey | None:
    """The key that opens ``path``: None for a plaintext file, ``key`` when it belongs to the
    file (same salt), otherwise the key store's (raising a calm error when there is none)."""
    kind = cipher.file_kind(path)
    if kind is FileKind.NOT_A_DATABASE:
        raise DatabaseError("The file {path} is not a readable Min Plan database", path=str(path))
    if kind is not FileKind.ENCRYPTED:
        return None
    if key is not None and key.salt == cipher.read_salt(path):
        return key
    from app.store.engine import key_for_file
    from app.store.keystore import open_store

    return key_for_file(path, open_store())


def backup_sqlite(
    source: Path, dest_dir: Path, *, label: str = "backup", key: DatabaseKey | None = None
) -> Path:
    """Copy ``source`` to ``dest_dir/<stem>-<label>-<timestamp>.db`` and return the new path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            "Cannot create the backup folder {path}: {reason}", path=str(dest_dir), reason=str(exc)
        ) from exc
    key = file_key(source, key)
    target = dest_dir / f"{source.stem}-{label}-{stamp}.db"
    try:
        src = cipher.connect(source, key, readonly=True)
    except dbapi2.Error as exc:
        raise DatabaseError(
            "The backup of {path} failed: {reason}", path=str(source), reason=str(exc)
        ) from exc
    try:
        dst = cipher.connect(target, key)
        try:
            src.backup(dst)
            result = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    except dbapi2.Error as exc:
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


def check_integrity(path: Path, *, quick: bool = False, key: DatabaseKey | None = None) -> bool:
    """``PRAGMA integrity_check`` (or ``quick_check``); a missing key raises its calm error."""
    key = file_key(path, key)
    try:
        connection = cipher.connect(path, key, readonly=True)
        try:
            result = connection.execute(
                "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
            ).fetchone()[0]
        finally:
            connection.close()
    except dbapi2.Error:
        return False
    return result == "ok"


def integrity_ok(path: Path, *, quick: bool = False, key: DatabaseKey | None = None) -> bool:
    """True when ``path`` opens (with its key, if encrypted) and passes the check."""
    try:
        return check_integrity(path, quick=quick, key=key)
    except MinPlanError:
        return False


def looks_damaged(path: Path) -> bool:
    """True when ``path`` holds a database whose key (if it is encrypted) is in the key store, and
    it fails ``quick_check``. A missing file or key is not "damaged": opening it explains that."""
    kind = cipher.file_kind(path)
    if kind not in (FileKind.PLAINTEXT, FileKind.ENCRYPTED):
        return False
    key = None
    if kind is FileKind.ENCRYPTED:
        from app.store.keystore import open_store

        salt = cipher.read_salt(path)
        try:
            raw = open_store().get(salt.hex())
        except MinPlanError:
            return False
        if raw is None:
            return False
        key = DatabaseKey(raw, salt)
    return not check_integrity(path, quick=True, key=key)


def newest_good_backup(folder: Path) -> Path | None:
    """The most recent backup in ``folder`` that opens and passes the integrity check."""
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
    backup_key = file_key(backup)
    if not check_integrity(backup, key=backup_key):
        raise DatabaseError(
            "The backup {path} failed its integrity check; nothing was restored", path=str(backup)
        )
    aside = None
    if target.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = target.with_name(f"{target.stem}-before-restore-{stamp}{target.suffix}")
        _checkpoint(target)
        target.replace(aside)
        for sidecar in ("-wal", "-shm"):  # kept with the file they belong to, never dropped
            side = Path(f"{target}{sidecar}")
            if side.exists():
                side.replace(Path(f"{aside}{sidecar}"))
    temporary = target.with_name(target.name + ".restoring")
    for leftover in (temporary, Path(f"{temporary}-journal")):
        leftover.unlink(missing_ok=True)
    source = cipher.connect(backup, backup_key, readonly=True)
    try:
        dest = cipher.connect(temporary, backup_key)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    temporary.replace(target)
    log.info("restored a backup")
    return aside


def _checkpoint(path: Path) -> None:
    """Fold the ``-wal`` into the file, if its key is at hand (a damaged file is kept as it is)."""
    try:
        connection = cipher.connect(path, file_key(path))
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except (dbapi2.Error, MinPlanError):
        pass
