"""Opening a database: one SQLite file (default) or a shared PostgreSQL server.

SQLite is configured on every new connection (foreign keys, WAL, ``synchronous=FULL``, a bounded
busy timeout), because those pragmas are per connection. Callers get a ``Database`` holding the
engine and a description for the status bar; sessions are short, one per user action.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from app.domain.errors import DatabaseError, LockedDatabaseError

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"

#: How long a write waits for another program's lock before we give a clear message.
BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class Database:
    """An open database: the engine and what to tell the user about it."""

    engine: Engine
    description: str
    path: Path | None = None

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # SQLite's own lower() (and so ILIKE) folds ASCII only; "Ærø" must match "ærø" as in PostgreSQL.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA temp_store = MEMORY")
    cursor.execute("PRAGMA cache_size = -65536")
    cursor.close()


def sqlite_engine(path: Path) -> Engine:
    """An engine on a SQLite file, configured for crash safety."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        hide_parameters=True,  # no CPR numbers, names or notes in error texts and logs
    )
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def open_sqlite(path: Path | str, *, create: bool = True) -> Database:
    """Open (and by default create) a SQLite database file."""
    path = Path(path).expanduser().resolve()
    if not path.exists():
        if not create:
            raise DatabaseError("The database file {path} does not exist", path=str(path))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                "Cannot create the folder for the database {path}: {reason}",
                path=str(path),
                reason=exc.strerror or str(exc),
            ) from exc
    elif path.is_file() and path.stat().st_size >= 16:
        with path.open("rb") as handle:
            if handle.read(16) != SQLITE_HEADER:
                raise DatabaseError(
                    "The file {path} is not a readable Min Plan database", path=str(path)
                )
    engine = sqlite_engine(path)
    return Database(engine=engine, description=str(path), path=path)


def open_url(url: str) -> Database:
    """Open a database by SQLAlchemy URL (``postgresql+psycopg://user@host/db`` or ``sqlite:///``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise DatabaseError("An in-memory SQLite database cannot be shared; give a file path")
        return open_sqlite(parsed.database)
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    shown = parsed.render_as_string(hide_password=True)
    return Database(engine=engine, description=shown)


@contextmanager
def transaction(db: Database) -> Iterator[Session]:
    """One short session in one transaction: committed on success, rolled back on any error."""
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


_ENVIRONMENTAL = (
    "locked",
    "busy",
    "not a database",
    "malformed",
    "readonly",
    "read-only",
    "unable to open",
    "disk i/o",
    "database or disk is full",
    "connection",
    "could not connect",
)


def _is_environmental(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(marker in text for marker in _ENVIRONMENTAL)


def translate_operational_error(exc: DBAPIError, db: Database) -> DatabaseError:
    """Turn a driver error into one of our typed, translatable errors."""
    text = str(exc.orig).lower()
    if "locked" in text or "busy" in text:
        return LockedDatabaseError(
            "The database is busy: another program is writing to it. Try again in a moment."
        )
    if "not a database" in text or "malformed" in text:
        return DatabaseError(
            "The file {path} is not a readable Min Plan database", path=db.description
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseError("The database {path} is read-only", path=db.description)
    if "unable to open" in text:
        return DatabaseError("Cannot open the database {path}", path=db.description)
    if "full" in text:
        return DatabaseError("The disk is full; nothing was saved. Free some space and try again.")
    if "connect" in text:
        return DatabaseError("Cannot reach the database server {path}", path=db.description)
    log.exception("unexpected database error")
    return DatabaseError("The database reported an error: {reason}", reason=str(exc.orig))
