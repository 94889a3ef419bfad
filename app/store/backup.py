"""Consistent copies of a SQLite database with SQLite's online backup API, encrypted like the source.

A plain file copy of a live database can be torn (and misses the ``-wal``); the backup API copies
a consistent snapshot even while other connections write. An encrypted database is copied into a
connection keyed with the same key *and salt*, so the backup is encrypted exactly like the source
and finds the same key-store entry (``app.store.cipher``); a plaintext database gives a plaintext
copy. A restore writes the backup's pages back the same way.

Every copy is written to a hidden temporary file and renamed into place only after it passed
``integrity_check``, so a full disk or a cut-off copy never leaves a file that looks like a good
backup. Backups are named ``<stem>-<label>-<YYYYmmdd-HHMMSS-ffffff>.db``. Labels ``on-exit`` and
``before-upgrade-<revision>`` are automatic and pruned by ``prune_automatic``; ``manual`` (from
``minplan backup``) and anything else are never deleted by Min Plan.

This module is the one place that opens backup and restore connections.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as dbapi2

from app.domain.errors import DatabaseError, FileWriteError, MinPlanError
from app.store import cipher
from app.store.cipher import DatabaseKey, FileKind
from app.store.error_kinds import ErrorKind, classify
from app.store.files import create_private, file_error, make_folder, temporary_path

log = logging.getLogger(__name__)

#: Labels of backups Min Plan takes by itself (pruned to the ``backups_kept`` setting, per kind).
ON_EXIT = "on-exit"
#: The daily automatic backup, taken in the background while Min Plan is open (the same rotation
#: as the older ``on-exit`` copies, which it replaces).
DAILY = "daily"
BEFORE_UPGRADE = "before-upgrade"
MANUAL = "manual"
_REST = re.compile(r"^(?P<label>.+)-(?P<stamp>\d{8}-\d{6}-\d{6})\.db$")

#: Pages copied per step when the copy has a time budget (4 MiB with 4 KiB pages).
_STEP_PAGES = 1024


def backup_folder(database: Path) -> Path:
    """Where automatic and default backups go: ``backups/`` beside the database file."""
    return database.parent / "backups"


class _OutOfTime(Exception):
    pass


class _Cancelled(Exception):
    pass


class BackupStopped(DatabaseError):
    """A background backup given up because the program closed (no file was left)."""


class Cancel:
    """Stops a background copy from another thread: between two steps of the copy, or in the
    middle of the check of the finished copy (``interrupt``). Thread-safe."""

    def __init__(self) -> None:
        self.is_set = False
        self._connection: dbapi2.Connection | None = None

    def __call__(self) -> bool:
        return self.is_set

    def set(self) -> None:
        self.is_set = True
        connection = self._connection
        if connection is not None:
            try:
                connection.interrupt()
            except dbapi2.Error:
                pass

    def watch(self, connection: dbapi2.Connection | None) -> None:
        self._connection = connection


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


def _connect_destination(path: Path, key: DatabaseKey | None) -> dbapi2.Connection:
    """The connection a backup or restore writes through (a seam for tests of a full disk)."""
    return cipher.connect(path, key)


def _write_error(exc: dbapi2.Error, folder: Path) -> FileWriteError:
    kind = classify(exc)
    if kind is ErrorKind.DISK_FULL:
        return FileWriteError(
            "The disk is full; no backup was written to {path}. Free some space and try again.",
            path=str(folder),
        )
    if kind in (ErrorKind.READ_ONLY, ErrorKind.CANNOT_OPEN, ErrorKind.PERMISSION):
        return FileWriteError(
            "Cannot write a backup into {path}: the folder is read-only or missing",
            path=str(folder),
        )
    return FileWriteError(
        "The backup could not be written to {path}: {reason}", path=str(folder), reason=str(exc)
    )


def _copy(
    source: dbapi2.Connection,
    target: Path,
    key: DatabaseKey | None,
    deadline: float | None,
    folder: Path,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Copy ``source`` into the new file ``target`` (keyed like the source) and check it; on any
    failure ``target`` is removed and a typed error raised."""

    def check_time(_status: int, remaining: int, _total: int) -> None:
        if remaining and cancelled is not None and cancelled():
            raise _Cancelled
        if remaining and deadline is not None and time.monotonic() > deadline:
            raise _OutOfTime

    for leftover in (target, Path(f"{target}-journal")):
        leftover.unlink(missing_ok=True)
    try:
        if cancelled is not None and cancelled():
            raise _Cancelled
        create_private(target)  # owner-only (0600), never through a link; SQLite keeps the mode
        dest = _connect_destination(target, key)
        if isinstance(cancelled, Cancel):
            cancelled.watch(dest)
        try:
            stepwise = deadline is not None or cancelled is not None
            source.backup(dest, pages=_STEP_PAGES if stepwise else -1, progress=check_time)
            # A copy against the clock (closing the program) gets the quicker check; a copy made on
            # request, and every restore, the full one.
            check = "PRAGMA integrity_check" if not stepwise else "PRAGMA quick_check"
            result = dest.execute(check).fetchone()[0]
        finally:
            if isinstance(cancelled, Cancel):
                cancelled.watch(None)
            dest.close()
    except _Cancelled:
        target.unlink(missing_ok=True)
        raise BackupStopped(
            "The backup was stopped because Min Plan closed; no backup was written to {path}",
            path=str(folder),
        ) from None
    except _OutOfTime:
        target.unlink(missing_ok=True)
        raise DatabaseError(
            "The backup took too long and was stopped; no backup was written to {path}",
            path=str(folder),
        ) from None
    except dbapi2.Error as exc:
        target.unlink(missing_ok=True)
        if cancelled is not None and cancelled():
            raise BackupStopped(
                "The backup was stopped because Min Plan closed; no backup was written to {path}",
                path=str(folder),
            ) from None
        raise _write_error(exc, folder) from exc
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise file_error(exc, target) from exc
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if result != "ok":
        target.unlink(missing_ok=True)
        raise DatabaseError("The copy failed its integrity check; nothing was written")


def backup_sqlite(
    source: Path,
    dest_dir: Path,
    *,
    label: str = "backup",
    key: DatabaseKey | None = None,
    budget_seconds: float | None = None,
    cancelled: Callable[[], bool] | None = None,
    taken: datetime | None = None,
) -> Path:
    """Copy ``source`` to ``dest_dir/<stem>-<label>-<timestamp>.db`` and return the new path.

    With ``budget_seconds`` the copy is made in steps and given up (leaving no file) when it takes
    longer, so closing the program is never held up for long; with ``cancelled`` it is made in
    steps and given up (leaving no file) as soon as that returns True.
    """
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    stamp = (taken or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    make_folder(dest_dir)
    key = file_key(source, key)
    target = dest_dir / f"{source.stem}-{label}-{stamp}.db"
    partial = temporary_path(target)
    try:
        src = cipher.connect(source, key, readonly=True)
    except dbapi2.Error as exc:
        raise DatabaseError(
            "The backup of {path} failed: {reason}", path=str(source), reason=str(exc)
        ) from exc
    try:
        _copy(src, partial, key, deadline, dest_dir, cancelled)
    finally:
        src.close()
    try:
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise file_error(exc, target) from exc
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
    return bool(result == "ok")


def integrity_ok(path: Path, *, quick: bool = False, key: DatabaseKey | None = None) -> bool:
    """True when ``path`` opens (with its key, if encrypted) and passes the check."""
    try:
        return check_integrity(path, quick=quick, key=key)
    except MinPlanError:
        return False


def integrity_verdict(path: Path, *, cancel: Cancel | None = None) -> bool | None:
    """Whether ``path`` passes ``quick_check``; None when it cannot be checked (no file, not a
    database, or its key is not in the key store) or ``cancel`` stopped the check midway."""
    kind = cipher.file_kind(path)
    if kind not in (FileKind.PLAINTEXT, FileKind.ENCRYPTED):
        return None
    key = None
    if kind is FileKind.ENCRYPTED:
        from app.store.keystore import open_store

        salt = cipher.read_salt(path)
        try:
            raw = open_store().get(salt.hex())
        except MinPlanError:
            return None
        if raw is None:
            return None
        key = DatabaseKey(raw, salt)
    if cancel is None:
        return check_integrity(path, quick=True, key=key)
    try:
        connection = cipher.connect(path, file_key(path, key), readonly=True)
    except dbapi2.Error:
        return False
    cancel.watch(connection)
    try:
        if cancel():
            return None
        return bool(connection.execute("PRAGMA quick_check").fetchone()[0] == "ok")
    except dbapi2.Error:
        return None if cancel() else False
    finally:
        cancel.watch(None)
        connection.close()


def _parse(name: str, stem: str) -> tuple[str, str] | None:
    """(label, stamp) of a backup file of the database ``stem``, or None if it is not one.

    Only Min Plan's own labels count, so ``minplan-demo-on-exit-…`` is not taken for a backup of
    ``minplan``."""
    if not name.startswith(stem + "-"):
        return None
    match = _REST.match(name[len(stem) + 1 :])
    if match is None:
        return None
    label = match["label"]
    if _kind(label) is None and label not in (MANUAL, "backup"):
        return None
    return label, match["stamp"]


def backups_of(folder: Path, stem: str | None = None) -> list[Path]:
    """The backups in ``folder`` (of the database named ``stem``, if given), newest first."""
    if not folder.is_dir():
        return []
    found = []
    for candidate in folder.glob("*.db"):
        parsed = _parse(candidate.name, stem) if stem is not None else None
        if stem is not None and parsed is None:
            continue
        found.append((parsed[1] if parsed else "", candidate.stat().st_mtime, candidate))
    return [path for _stamp, _mtime, path in sorted(found, reverse=True)]


def newest_good_backup(folder: Path, stem: str | None = None) -> Path | None:
    """The most recent backup in ``folder`` that opens (with its key) and passes the check."""
    for candidate in backups_of(folder, stem):
        if integrity_ok(candidate):
            return candidate
    return None


def _kind(label: str) -> str | None:
    if label in (ON_EXIT, DAILY):
        return ON_EXIT
    if label.startswith(BEFORE_UPGRADE):
        return BEFORE_UPGRADE
    return None


def prune_automatic(folder: Path, stem: str, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest automatic backups of each kind (on exit, before an
    upgrade) of the database ``stem``; manual backups are never touched. Returns what was deleted."""
    by_kind: dict[str, list[tuple[str, Path]]] = {}
    for candidate in folder.glob("*.db") if folder.is_dir() else []:
        parsed = _parse(candidate.name, stem)
        kind = _kind(parsed[0]) if parsed else None
        if parsed is not None and kind is not None:
            by_kind.setdefault(kind, []).append((parsed[1], candidate))
    deleted = []
    for entries in by_kind.values():
        for _stamp, old in sorted(entries, reverse=True)[max(keep, 1) :]:
            try:
                old.unlink()
            except OSError:
                log.warning("could not delete the old backup %s", old)
                continue
            deleted.append(old)
    if deleted:
        log.info("deleted %d old automatic backups", len(deleted))
    return deleted


def restore_sqlite(backup: Path, target: Path) -> Path | None:
    """Put ``backup`` in place of ``target`` after checking it; the current file is kept aside
    (returned), never deleted. Nothing changes if the backup is damaged or cannot be copied."""
    if not backup.exists():
        raise DatabaseError("The backup {path} does not exist", path=str(backup))
    backup_key = file_key(backup)
    if not check_integrity(backup, key=backup_key):
        raise DatabaseError(
            "The backup {path} failed its integrity check; nothing was restored", path=str(backup)
        )
    # First the complete copy beside the target: a full disk stops here with nothing changed.
    restoring = temporary_path(target)
    source = cipher.connect(backup, backup_key, readonly=True)
    try:
        _copy(source, restoring, backup_key, None, target.parent)
    finally:
        source.close()
    aside = None
    try:
        if target.exists():
            aside = _move_aside(target)
        restoring.replace(target)
    except OSError as exc:
        restoring.unlink(missing_ok=True)
        raise file_error(exc, target) from exc
    log.info("restored a backup")
    return aside


def _move_aside(target: Path) -> Path:
    """Rename ``target`` (and its ``-wal`` and ``-shm``) to ``<stem>-before-restore-<stamp>``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.stem}-before-restore-{stamp}{target.suffix}")
    _checkpoint(target)
    target.replace(aside)
    for sidecar in ("-wal", "-shm"):  # kept with the file they belong to, never dropped
        side = Path(f"{target}{sidecar}")
        if side.exists():
            side.replace(Path(f"{aside}{sidecar}"))
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
