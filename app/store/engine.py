"""Opening a database: one SQLite file (default) or a shared PostgreSQL server.

SQLite is configured on every new connection (foreign keys, WAL, ``synchronous=FULL``, a bounded
busy timeout), because those pragmas are per connection. Callers get a ``Database`` holding the
engine and a description for the status bar; sessions are short, one per user action.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
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
    """Open a database by SQLAlchemy URL (``postgresql+psycopg://user@host/db`` or ``sqlite:///``).

    A server's password comes from the key store (``app.store.server_password``), never from
    the URL: a URL holding one is refused.
    """
    from app.store import server_password

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError("{url} is not a database address", url=url.split("@")[-1]) from None
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise DatabaseError("An in-memory SQLite database cannot be shared; give a file path")
        return open_sqlite(parsed.database)
    server_password.refuse_password_in_url(parsed)
    password = server_password.stored_password(parsed)
    engine = create_engine(
        parsed,
        pool_pre_ping=True,
        hide_parameters=True,  # parameters (names, CPR numbers) never reach a log or message
        connect_args=_server_options(parsed, password),
    )
    return Database(engine=engine, description=server_password.shown(parsed))


#: A desk that stops in the middle of a transaction (crash, network loss) must not hold its
#: locks for long: the server ends such a session after this many milliseconds.
IDLE_IN_TRANSACTION_MS = 60_000


def _server_options(url: URL, password: str | None) -> dict[str, object]:
    """Connection settings for a shared server: the same bounded wait for a lock as on SQLite
    (then the "busy" message), no locks left behind by a desk that vanished, and a name IT sees
    in ``pg_stat_activity``. Options given in the URL win."""
    options: dict[str, object] = {}
    if password:
        options["password"] = password
    if "options" not in url.query:
        options["options"] = (
            f"-c lock_timeout={BUSY_TIMEOUT_MS} "
            f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"
        )
    if "application_name" not in url.query:
        options["application_name"] = "Min Plan"
    if "connect_timeout" not in url.query:
        options["connect_timeout"] = 10
    return options


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


_ENVIRONMENTAL = (
    "locked",
    "lock timeout",
    "deadlock",
    "busy",
    "not a database",
    "malformed",
    "readonly",
    "read-only",
    "unable to open",
    "disk i/o",
    "database or disk is full",
    "no space left",
    "connection",
    "could not connect",
    "permission denied",
)


def _is_environmental(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(marker in text for marker in _ENVIRONMENTAL)


def translate_operational_error(exc: DBAPIError, db: Database) -> DatabaseError:
    """Turn a driver error into one of our typed, translatable errors."""
    text = str(exc.orig).lower()
    if any(word in text for word in ("locked", "busy", "lock timeout", "deadlock")):
        return LockedDatabaseError(
            "The database is busy: another program is writing to it. Try again in a moment."
        )
    if "not a database" in text or "malformed" in text:
        return DatabaseError(
            "The file {path} is not a readable Min Plan database", path=db.description
        )
    if ("readonly" in text or "read-only" in text or "unable to open" in text) and (
        db.path is not None and not os.access(db.path.parent, os.W_OK)
    ):
        return DatabaseError(
            "The folder {path} is read-only; Min Plan must be able to write the database and the "
            "files beside it there. Move the database to a folder you can write to.",
            path=str(db.path.parent),
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseError("The database {path} is read-only", path=db.description)
    if "unable to open" in text:
        return DatabaseError("Cannot open the database {path}", path=db.description)
    if "disk is full" in text or "no space left" in text:
        return DatabaseError("The disk is full; nothing was saved. Free some space and try again.")
    if "permission denied" in text:
        return DatabaseError(
            "The database server does not let your login do this ({reason}). Ask IT to check "
            "which Min Plan role your login has.",
            reason=str(exc.orig).strip().splitlines()[0],
        )
    if not db.is_sqlite:
        from app.store.server_password import explain_login_failure

        login = explain_login_failure(str(exc.orig), db.engine.url)
        if login is not None:
            return login
    if "connect" in text:
        return DatabaseError("Cannot reach the database server {path}", path=db.description)
    log.exception("unexpected database error")
    return DatabaseError("The database reported an error: {reason}", reason=str(exc.orig))
