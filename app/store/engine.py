"""Opening a database: one SQLite file (default; SQLCipher-encrypted) or a shared PostgreSQL server.

SQLite is configured on every new connection, because those pragmas are per connection: first
``PRAGMA cipher_log_level = NONE`` and the raw key (a ``connect`` listener inserted before every
other one, including SQLAlchemy's own), then foreign keys, WAL, ``synchronous=FULL``, a bounded
busy timeout and the page cache. How a file's key is found, and what is refused, is described in
``app.store.cipher`` and ``app.store.keystore``. Callers get a ``Database`` holding the engine and
what the status bar says about it; sessions are short, one per user action.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as dbapi2
from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlmodel import Session, create_engine

from app.domain.errors import (
    DatabaseError,
    EncryptionKeyMissing,
    LockedDatabaseError,
    UnencryptedDatabaseError,
)
from app.store import cipher
from app.store.cipher import SQLITE_HEADER, DatabaseKey, FileKind
from app.store.database import Database, Encryption, OneTimeSecret
from app.store.error_kinds import ErrorKind, classify
from app.store.idle_ping import ping_when_idle
from app.store.location import network_filesystem
from app.store.server_connect import BUSY_TIMEOUT_MS, connect_options

log = logging.getLogger(__name__)

__all__ = ["SQLITE_HEADER", "Database", "Encryption", "open_sqlite", "open_url", "transaction"]

#: SQLite's page cache per connection, in KiB (at most; it fills as pages are read). SQLCipher
#: decrypts and checks a page each time it is read into this cache, so the cache must hold the hot
#: tables: with 256 MiB, encrypted reads of a 100 000-citizen database were as fast as plaintext
#: ones, warm full scans included (tests/bench/bench_encryption.py; README "Encryption at rest").
CACHE_SIZE_KIB = 262144


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


class _Keying:
    """The first thing on every new connection: quiet cipher errors and the key (never logged)."""

    def __init__(self, key: DatabaseKey | None) -> None:
        self._key = key

    def __call__(self, dbapi_connection: dbapi2.Connection, _record: object) -> None:
        cipher.apply_key(dbapi_connection, self._key)

    def __repr__(self) -> str:
        return "_Keying(…)"


def _configure_sqlite(dbapi_connection: dbapi2.Connection, _record: object) -> None:
    # SQLite's own lower() (and so ILIKE) folds ASCII only; "Ærø" must match "ærø" as in PostgreSQL.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.execute(f"PRAGMA cache_size = -{CACHE_SIZE_KIB}")
    cursor.close()


def sqlite_engine(path: Path, key: DatabaseKey | None = None, **kwargs: Any) -> Engine:
    """An engine on a SQLite file (SQLCipher's library; keyed when ``key`` is given)."""
    if "poolclass" not in kwargs:
        # The connection used last is handed out next. Each connection has its own page cache
        # (decrypted pages), and in WAL mode a commit by one connection empties the cache of
        # every other at its next read; so the search log's entry is written on the connection
        # the search has just read with and the next keystroke reads with it again, warm (at
        # 300 000 citizens the search query alone after each keystroke: p95 81–105 ms with the
        # connections taken in turn, 23–27 ms so).
        kwargs["pool_use_lifo"] = True
    engine = create_engine(
        f"sqlite:///{path}",
        module=dbapi2,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        hide_parameters=True,  # no CPR numbers, names or notes in error texts and logs
        **kwargs,
    )
    # insert=True: before SQLAlchemy's own first-connect queries, so the key is the first statement
    event.listen(engine, "connect", _Keying(key), insert=True)
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def open_sqlite(
    path: Path | str, *, create: bool = True, encryption: bool | None = None
) -> Database:
    """Open (and by default create) a SQLite database file.

    ``encryption``: True/False chooses explicitly (``--no-encryption`` is False); None follows
    ``MINPLAN_ENCRYPTION`` (default on). With encryption on, a new file is created encrypted with
    a new key kept in the key store, and a plaintext file is refused with a pointer to
    ``minplan db encrypt``. An encrypted file is always opened with its key from the key store.
    """
    path = Path(path).expanduser().resolve()
    wanted = cipher.encryption_wanted(encryption)
    kind = cipher.file_kind(path)
    key: DatabaseKey | None = None
    recovery: OneTimeSecret | None = None
    store_name, protected = None, True
    if kind is FileKind.MISSING and not create:
        raise DatabaseError("The database file {path} does not exist", path=str(path))
    if kind is FileKind.NOT_A_DATABASE:
        raise DatabaseError("The file {path} is not a readable Min Plan database", path=str(path))
    if kind is FileKind.PLAINTEXT and wanted:
        raise UnencryptedDatabaseError(
            "The database {path} is not encrypted. Encrypt it with: minplan db encrypt --db "
            "{path} (or, to keep using it unencrypted, start Min Plan with --no-encryption)",
            path=str(path),
        )
    if kind is FileKind.ENCRYPTED:
        from app.store.keystore import open_store

        store = open_store()
        key = key_for_file(path, store)
        store_name, protected = store.name, store.protected
    elif kind in (FileKind.MISSING, FileKind.EMPTY):
        _make_folder(path)
        if wanted:
            from app.store.keystore import open_store

            store = open_store()
            key = create_encrypted(path, store)
            store_name, protected = store.name, store.protected
            recovery = OneTimeSecret(cipher.recovery_key(key))
    engine = sqlite_engine(path, key)
    network_fs = network_filesystem(path)
    if network_fs:
        log.warning("the database is on a network file system (%s)", network_fs)
    return Database(
        engine=engine,
        description=str(path),
        path=path,
        encryption=Encryption.of_file(key, store_name, protected),
        network_fs=network_fs,
        new_recovery_key=recovery,
        cipher_key=key,
    )


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            "Cannot create the folder for the database {path}: {reason}",
            path=str(path),
            reason=exc.strerror or str(exc),
        ) from exc


def key_for_file(path: Path, store: Any) -> DatabaseKey:
    """The key of the encrypted file ``path`` from ``store``, checked to open it."""
    salt = cipher.read_salt(path)
    raw = store.get(salt.hex())
    if raw is None:
        raise EncryptionKeyMissing(
            "The database {path} is encrypted (or is not a Min Plan database), and the key store "
            "({backend}) holds no key for it (database id {id}). If the key store was reset or "
            "this is another computer, IT can open it again with the recovery key: "
            "minplan db recover --db {path}",
            path=str(path),
            backend=store.name,
            id=cipher.short_id(salt.hex()),
        )
    key = DatabaseKey(raw, salt)
    if not cipher.key_opens(path, key):
        raise EncryptionKeyMissing(
            "The key in the key store does not open the database {path} (database id {id}); the "
            "file may be damaged. Restore a backup (minplan restore), or open it with the recovery "
            "key: minplan db recover --db {path}",
            path=str(path),
            id=cipher.short_id(salt.hex()),
        )
    return key


def create_encrypted(path: Path, store: Any) -> DatabaseKey:
    """A new, empty encrypted database at ``path``; its key is stored *before* the file exists."""
    key = DatabaseKey.generate()
    store.put(key)
    try:
        connection = cipher.connect(path, key)
        try:
            connection.execute("PRAGMA journal_mode = WAL")  # writes page 1: the salt is on disk
        finally:
            connection.close()
    except dbapi2.Error as exc:
        store.delete(key.database_id)  # the key of a file that never came to be
        raise DatabaseError(
            "Cannot create the database {path}: {reason}", path=str(path), reason=str(exc)
        ) from exc
    log.info("created an encrypted database (id %s)", key.database_id[:8])
    return key


def open_url(url: str, *, encryption: bool | None = None) -> Database:
    """Open a database by SQLAlchemy URL (``postgresql+psycopg://user@host/db`` or ``sqlite:///``).

    A server's password comes from the key store (``app.store.server_password``), never from
    the URL: a URL holding one is refused. Encryption at rest on a server is the server's
    business, and TLS in transit (README, "Team deployment").
    """
    from app.store import server_password

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError("{url} is not a database address", url=url.split("@")[-1]) from None
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise DatabaseError("An in-memory SQLite database cannot be shared; give a file path")
        return open_sqlite(parsed.database, encryption=encryption)
    server_password.refuse_password_in_url(parsed)
    from app.store.models import add_postgresql_index_options

    add_postgresql_index_options()
    password = server_password.stored_password(parsed)
    engine = create_engine(
        parsed,
        hide_parameters=True,  # parameters (names, CPR numbers) never reach a log or message
        connect_args=_server_options(parsed, password),
    )
    ping_when_idle(engine)  # not ``pool_pre_ping``: a round trip before every transaction
    return Database(engine=engine, description=server_password.shown(parsed))


def _server_options(url: URL, password: str | None) -> dict[str, object]:
    """The settings every server connection gets (``app.store.server_connect``)."""
    return connect_options(url.query, password, BUSY_TIMEOUT_MS)


@contextmanager
def transaction(db: Database) -> Iterator[Session]:
    """One short session in one transaction: committed on success, rolled back on any error."""
    if db.path is not None and not db.path.exists():
        # Moved or deleted while open: SQLite would write into the vanished file (lost at exit)
        # or make a new empty one. Refuse instead, before anything is written.
        raise DatabaseError(
            "The database file {path} is no longer there (moved or deleted?); nothing was saved. "
            "Close Min Plan and put the file back, or restore a backup.",
            path=str(db.path),
        )
    with (
        translating_errors(db),
        Session(db.engine, expire_on_commit=False) as session,
        session.begin(),
    ):
        yield session


@contextmanager
def translating_errors(db: Database) -> Iterator[None]:
    """Turn driver failures (locked, corrupt, read-only, unreachable) into typed errors."""
    try:
        yield
    except DBAPIError as exc:
        if not _is_environmental(exc):
            raise
        raise translate_operational_error(exc, db) from exc


def _is_environmental(exc: DBAPIError) -> bool:
    return classify(exc.orig).environmental


def translate_operational_error(exc: DBAPIError, db: Database) -> DatabaseError:
    """Turn a driver error into one of our typed, translatable errors (by its code)."""
    kind = classify(exc.orig)
    if kind is ErrorKind.BUSY:
        return LockedDatabaseError(
            "The database is busy: another program is writing to it. Try again in a moment."
        )
    if kind is ErrorKind.NOT_A_DATABASE:
        return DatabaseError(
            "The file {path} is not a readable Min Plan database", path=db.description
        )
    if kind in (ErrorKind.READ_ONLY, ErrorKind.CANNOT_OPEN) and (
        db.path is not None and not os.access(db.path.parent, os.W_OK)
    ):
        return DatabaseError(
            "The folder {path} is read-only; Min Plan must be able to write the database and the "
            "files beside it there. Move the database to a folder you can write to.",
            path=str(db.path.parent),
        )
    if kind is ErrorKind.READ_ONLY:
        return DatabaseError("The database {path} is read-only", path=db.description)
    if kind is ErrorKind.CANNOT_OPEN:
        return DatabaseError("Cannot open the database {path}", path=db.description)
    if kind is ErrorKind.DISK_FULL:
        return DatabaseError("The disk is full; nothing was saved. Free some space and try again.")
    if kind is ErrorKind.PERMISSION:
        return DatabaseError(
            "The database server does not let your login do this ({reason}). Ask IT to check "
            "which Min Plan role your login has.",
            reason=str(exc.orig).strip().splitlines()[0],
        )
    if kind in (ErrorKind.CONNECTION, ErrorKind.LOGIN) and not db.is_sqlite:
        from app.store.server_password import explain_login_failure

        login = explain_login_failure(str(exc.orig), db.engine.url)
        if login is not None:
            return login
        return DatabaseError("Cannot reach the database server {path}", path=db.description)
    log.exception("unexpected database error")
    return DatabaseError("The database reported an error: {reason}", reason=str(exc.orig))
