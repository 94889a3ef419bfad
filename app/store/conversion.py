"""Changing how a database file is encrypted: ``minplan db rekey``, ``db encrypt``, ``db recover``.

Rekey and encrypt work the same way, so that a crash at any moment never loses access:

1. Make sure no other program has the file open: leave WAL mode (``journal_mode=DELETE`` folds
   the ``-wal`` into the file and succeeds only for the sole connection), then hold an exclusive
   lock (``locking_mode=EXCLUSIVE``) until the end, so nobody writes meanwhile.
2. Make a new key and salt and put them in the key store. The old entry is not touched.
3. ``sqlcipher_export`` everything into ``<file>.converting``, keyed with the new key.
4. Open that copy afresh *with the key read back from the key store*; it must pass
   ``integrity_check`` and ``cipher_integrity_check`` and hold the same rows in every table.
5. fsync it, then put it in place of the old file with one atomic rename.

Until step 5 the old file keeps its content and salt (step 1 only folds its WAL in) and its
key is where it was; after step 5 the new file's
key is already in the key store. A crash leaves at most a stray ``.converting`` file (removed by
the next attempt) and an unused key-store entry. The old entry stays after a rekey: backups made
before it still need it (and the old recovery key still opens them). ``db encrypt`` removes the
plaintext original only in step 5, after the encrypted copy was verified; the disk blocks of the
old file may still hold plaintext until they are overwritten, which full-disk encryption covers.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as dbapi2

from app.domain.errors import (
    DatabaseError,
    EncryptionKeyMissing,
    FileWriteError,
    MinPlanError,
    ValidationError,
)
from app.store import cipher
from app.store.cipher import DatabaseKey, FileKind
from app.store.error_kinds import SQLITE_BUSY, ErrorKind, classify, sqlite_error
from app.store.keystore import KeyStore

log = logging.getLogger(__name__)

SUFFIX = ".converting"


@dataclass(frozen=True)
class Converted:
    """The outcome of a rekey or an encryption."""

    path: Path
    database_id: str
    recovery_key: str
    tables: int
    rows: int


def temporary_path(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def _remove_leftovers(path: Path) -> None:
    for leftover in (path, *(Path(f"{path}{s}") for s in ("-journal", "-wal", "-shm"))):
        leftover.unlink(missing_ok=True)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _exclusive(path: Path, key: DatabaseKey | None) -> dbapi2.Connection:
    """A connection that is, and stays, the only one on ``path``."""
    guard = cipher.connect(path, key, timeout=0.5)
    guard.isolation_level = None  # we issue BEGIN/COMMIT ourselves
    try:
        guard.execute("SELECT count(*) FROM sqlite_master").fetchone()
        mode = guard.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if mode != "delete":
            raise sqlite_error("database is locked", SQLITE_BUSY)
        guard.execute("PRAGMA locking_mode = EXCLUSIVE")
        guard.execute("BEGIN EXCLUSIVE")
        guard.execute("COMMIT")
    except dbapi2.OperationalError as exc:
        guard.close()
        if classify(exc) is ErrorKind.BUSY:
            raise DatabaseError(
                "The database {path} is in use by another program (is Min Plan open?). Close it "
                "everywhere and try again.",
                path=str(path),
            ) from exc
        raise
    except BaseException:
        guard.close()
        raise
    return guard


def _counts(connection: dbapi2.Connection, schema: str = "main") -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    return {
        name: connection.execute(f"SELECT count(*) FROM {schema}.{_quoted(name)}").fetchone()[0]
        for name in names
    }


def _export(guard: dbapi2.Connection, target: Path, key: DatabaseKey) -> None:
    raw = f"x'{key.key.hex()}{key.salt.hex()}'"
    guard.execute("ATTACH DATABASE ? AS converted KEY ?", (str(target), raw))
    try:
        guard.execute("SELECT sqlcipher_export('converted')")
        version = guard.execute("PRAGMA main.user_version").fetchone()[0]
        guard.execute(f"PRAGMA converted.user_version = {int(version)}")
    finally:
        guard.execute("DETACH DATABASE converted")


def _verify(target: Path, store: KeyStore, database_id: str, expected: dict[str, int]) -> None:
    raw = store.get(database_id)
    if raw is None:
        raise DatabaseError("The key store did not keep the new key; nothing was changed")
    key = DatabaseKey(raw, cipher.read_salt(target))
    check = cipher.connect(target, key, readonly=True)
    try:
        problems = [row[0] for row in check.execute("PRAGMA cipher_integrity_check")]
        integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
        counts = _counts(check)
    finally:
        check.close()
    if problems or integrity != "ok" or counts != expected:
        raise DatabaseError(
            "The converted copy of the database did not match the original; nothing was changed"
        )


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(guard: dbapi2.Connection, converted: Path, path: Path) -> None:
    """The atomic step: the verified copy takes the old file's name."""
    if os.name == "nt":  # Windows cannot rename over an open file
        guard.close()
    os.replace(converted, path)
    _fsync_folder(path.parent)


def _convert(path: Path, old_key: DatabaseKey | None, store: KeyStore) -> Converted:
    target = temporary_path(path)
    _remove_leftovers(target)
    guard = _exclusive(path, old_key)
    try:
        expected = _counts(guard)
        new_key = DatabaseKey.generate()
        store.put(new_key)  # before any file is encrypted with it
        _export(guard, target, new_key)
        _verify(target, store, new_key.database_id, expected)
        _fsync(target)
        _swap(guard, target, path)
    except (dbapi2.Error, OSError) as exc:  # a full disk, a read-only folder: nothing changed
        _remove_leftovers(target)
        raise _conversion_error(exc, path) from exc
    except BaseException:
        _remove_leftovers(target)
        raise
    finally:
        guard.close()
    log.info("database converted to key %s", new_key.database_id[:8])
    return Converted(
        path=path,
        database_id=new_key.database_id,
        recovery_key=cipher.recovery_key(new_key),
        tables=len(expected),
        rows=sum(expected.values()),
    )


def _conversion_error(exc: dbapi2.Error | OSError, path: Path) -> MinPlanError:
    """A calm message for a conversion that failed on the file system (the old file is intact)."""
    from app.store.files import file_error

    if isinstance(exc, OSError):
        return file_error(exc, path)
    kind = classify(exc)  # by the result code, not the message (which varies by version)
    if kind is ErrorKind.DISK_FULL:
        return FileWriteError(
            "The disk is full; the database {path} was not changed. Free at least as much space "
            "as the database takes and try again.",
            path=str(path),
        )
    if kind in (ErrorKind.READ_ONLY, ErrorKind.CANNOT_OPEN, ErrorKind.PERMISSION):
        return FileWriteError(
            "Cannot write beside {path}: the folder is read-only; the database was not changed",
            path=str(path),
        )
    return DatabaseError(
        "The database {path} could not be converted ({reason}); it was not changed",
        path=str(path),
        reason=str(exc),
    )


def rekey(path: Path, store: KeyStore) -> Converted:
    """Give the encrypted database at ``path`` a new key (and salt)."""
    from app.store.engine import key_for_file

    kind = cipher.file_kind(path)
    if kind is FileKind.PLAINTEXT:
        raise ValidationError(
            "The database {path} is not encrypted; encrypt it with: minplan db encrypt",
            path=str(path),
        )
    _must_exist(path, kind)
    return _convert(path, key_for_file(path, store), store)


def encrypt(path: Path, store: KeyStore) -> Converted:
    """Encrypt the plaintext database at ``path``; the original is removed only once verified."""
    kind = cipher.file_kind(path)
    if kind is FileKind.ENCRYPTED:
        raise ValidationError("The database {path} is already encrypted", path=str(path))
    _must_exist(path, kind)
    return _convert(path, None, store)


def _must_exist(path: Path, kind: FileKind) -> None:
    if kind in (FileKind.MISSING, FileKind.EMPTY):
        raise DatabaseError("The database file {path} does not exist", path=str(path))
    if kind is FileKind.NOT_A_DATABASE:
        raise DatabaseError("The file {path} is not a readable Min Plan database", path=str(path))


def recover(path: Path, store: KeyStore, recovery_text: str) -> DatabaseKey:
    """Put the key given by a recovery key back into the key store, after checking it opens
    ``path``."""
    kind = cipher.file_kind(path)
    if kind is FileKind.PLAINTEXT:
        raise ValidationError(
            "The database {path} is not encrypted; it needs no key", path=str(path)
        )
    _must_exist(path, kind)
    key = DatabaseKey(cipher.parse_recovery_key(recovery_text), cipher.read_salt(path))
    if not cipher.key_opens(path, key):
        raise EncryptionKeyMissing(
            "This recovery key does not open {path}; it may belong to another database or to a "
            "key from before a rekey",
            path=str(path),
        )
    store.put(key)
    return key


def plaintext_backups(folder: Path) -> list[Path]:
    """Unencrypted copies left in a backup folder (after ``db encrypt``, they still hold data)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.db") if cipher.file_kind(p) is FileKind.PLAINTEXT)
