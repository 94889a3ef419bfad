"""An open database (``Database``) and what the status bar says about its protection, without
SQLAlchemy: ``app.store.engine`` makes them with an engine; the first screen of a start
(``app.store.first_screen``) makes one whose engine is made when it is first used, once the ORM
has been loaded behind the window (issue #19)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.store.cipher import DatabaseKey


@dataclass(frozen=True)
class Encryption:
    """What the status bar and ``minplan db current`` say about a database's protection."""

    encrypted: bool
    key_store: str | None = None
    key_store_protected: bool = True
    database_id: str | None = None

    @classmethod
    def of_file(cls, key: DatabaseKey | None, key_store: str | None, protected: bool) -> Encryption:
        """A SQLite file's protection: encrypted when it has a key, which names the database."""
        return cls(
            encrypted=key is not None,
            key_store=key_store,
            key_store_protected=protected,
            database_id=key.database_id if key else None,
        )


class OneTimeSecret:
    """A secret to be shown once (the recovery key of a database created just now)."""

    def __init__(self, value: str) -> None:
        self._value: str | None = value

    def take(self) -> str | None:
        value, self._value = self._value, None
        return value

    def __repr__(self) -> str:
        return "OneTimeSecret(…)"


class Database:
    """An open database: the engine and what to tell the user about it.

    ``encryption`` is None for PostgreSQL (the server's business). ``network_fs`` names the
    network file system a SQLite file lies on (a warning). ``new_recovery_key`` holds the
    recovery key of an encrypted database created by this very call, to be shown once.

    ``make_engine`` (with ``backend``) stands in for ``engine``: the engine is then made by it
    when it is first used, once, in whichever thread uses it first.
    """

    def __init__(
        self,
        engine: Engine | None = None,
        description: str = "",
        path: Path | None = None,
        encryption: Encryption | None = None,
        network_fs: str | None = None,
        new_recovery_key: OneTimeSecret | None = None,
        cipher_key: DatabaseKey | None = None,
        *,
        make_engine: Callable[[], Engine] | None = None,
        backend: str | None = None,
    ) -> None:
        if engine is None and (make_engine is None or backend is None):
            raise ValueError("a database needs an engine, or a way to make one and its backend")
        self._engine = engine
        self._make_engine = make_engine
        self._backend = backend
        self._lock = threading.Lock()
        self.description = description
        self.path = path
        self.encryption = encryption
        self.network_fs = network_fs
        self.new_recovery_key = new_recovery_key
        self.cipher_key = cipher_key

    @property
    def engine(self) -> Engine:
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    assert self._make_engine is not None
                    self._engine = self._make_engine()
                engine = self._engine
        return engine

    @property
    def engine_made(self) -> bool:
        return self._engine is not None

    @property
    def backend(self) -> str:
        return self._backend or self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def encrypted(self) -> bool:
        return bool(self.encryption and self.encryption.encrypted)

    def with_engine(self, engine: Engine) -> Database:
        """The same database through another engine (another login's, in the tests)."""
        return Database(
            engine,
            self.description,
            self.path,
            self.encryption,
            self.network_fs,
            self.new_recovery_key,
            self.cipher_key,
        )

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.description!r})"
