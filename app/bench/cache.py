"""Generated demo databases for the benchmark, kept between runs.

A database is cached under a key made of its size, seed, as-of date, schema revision and a
fingerprint of the demo generator's source, so a rerun starts at once and a changed schema or
generator makes a fresh one. Measurements always run on a copy (SQLite: a file copy;
PostgreSQL: ``CREATE DATABASE … TEMPLATE``), because they write audit events and printed plans.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import paths
from app.casework.core.actor import system_actor
from app.demo.data import Progress, populate, write_demo_database
from app.domain.errors import DatabaseError, ValidationError
from app.store.engine import Database, open_url
from app.store.migrations import head_revision, upgrade

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    return paths.user_cache_dir() / "bench"


def generator_fingerprint() -> str:
    """Short hash of the demo generator's source (every module of ``app.demo``): a changed
    generator means new databases."""
    from app import demo
    from app.demo import data, histories, population, rhythm

    digest = hashlib.sha256()
    for module in (demo, histories, population, rhythm, data):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:8]


@dataclass(frozen=True)
class DemoSpec:
    """Everything that changes a generated database: its key names each of them, so a cached file
    is only ever reused for exactly the same thing (an encrypted file is never measured in an
    unencrypted run, nor an old schema or generator)."""

    citizens: int
    seed: int
    as_of: date
    #: SQLite only: whether the file is SQLCipher-encrypted (None follows ``MINPLAN_ENCRYPTION``)
    encrypted: bool | None = None

    def key(self) -> str:
        from app.demo.data import DEMO_DATA_VERSION
        from app.store.cipher import encryption_wanted

        revision = re.sub(r"\W", "", head_revision())[:12]
        mode = "enc" if encryption_wanted(self.encrypted) else "plain"
        return (
            f"{self.citizens}c_s{self.seed}_{self.as_of:%Y%m%d}_{mode}_d{DEMO_DATA_VERSION}"
            f"_r{revision}_g{generator_fingerprint()}"
        ).lower()

    def server_key(self) -> str:
        """The key on a PostgreSQL server (encryption is the server's business there)."""
        return re.sub(r"_(enc|plain)_", "_", self.key())


#: The demo generator streams (a batch of citizens at a time) and the requirement rebuild reads
#: a slice of citizens at a time: what grows with the size is the set of CPR numbers given and the
#: list of ids, about 0.5 MB per 1 000 citizens on top of ~250 MB (100 000 citizens into
#: PostgreSQL: 208 MB peak; before streaming, 50 000 citizens took 1.1 GB).
GENERATOR_MB_PER_CITIZEN = 0.0005
GENERATOR_BASE_MB = 250


def check_memory_for(citizens: int) -> None:
    """Refuse a size whose generation would not fit in this machine's memory."""
    from app.bench.machine import ram_gib

    needed = (GENERATOR_BASE_MB + citizens * GENERATOR_MB_PER_CITIZEN) / 1024
    total = ram_gib()
    if total is not None and needed > 0.8 * total:
        raise ValidationError(
            "Generating {n} citizens needs about {needed} GB of memory; this machine has {total} GB",
            n=citizens,
            needed=round(needed),
            total=round(total),
        )


def cached_sqlite(
    spec: DemoSpec, cache_dir: Path, progress: Progress | None = None
) -> tuple[Path, float | None]:
    """The cached SQLite demo database (generated now if missing) and the seconds that took
    (``None`` when it came from the cache)."""
    path = cache_dir / f"demo-{spec.key()}.db"
    if path.exists():
        return path, None
    check_memory_for(spec.citizens)
    cache_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    write_demo_database(
        path,
        citizens=spec.citizens,
        seed=spec.seed,
        as_of=spec.as_of,
        progress=progress,
        encryption=spec.encrypted,
    )
    return path, time.perf_counter() - started


def sqlite_work_copy(cached: Path, folder: Path) -> Path:
    """A private copy of a cached file to measure on (the cache itself stays untouched)."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "bench.db"
    shutil.copyfile(cached, copy)
    return copy


def checkpoint(db: Database) -> None:
    """Fold SQLite's write-ahead log into the file, so that other readers see a plain file."""
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class Server:
    """A PostgreSQL server reached through the user's URL. The bench makes its own databases
    beside the one named in the URL (its role needs CREATEDB) and never touches that one."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        if self.url.get_backend_name() != "postgresql":
            raise DatabaseError("The benchmark's --database-url must name a PostgreSQL server")
        self._admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_size=1)

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def describe(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=True)

    def exists(self, name: str) -> bool:
        with self._admin.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).first()
            )

    def create(self, name: str, *, template: str | None = None) -> None:
        clause = f' TEMPLATE "{template}"' if template else ""
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')

    def drop(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def rename(self, old: str, new: str) -> None:
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{old}" RENAME TO "{new}"')

    def version(self) -> str:
        with self._admin.connect() as conn:
            return str(conn.exec_driver_sql("SHOW server_version").scalar_one())

    def dispose(self) -> None:
        self._admin.dispose()


def cached_postgres(
    server: Server, spec: DemoSpec, progress: Progress | None = None
) -> tuple[str, float | None]:
    """The name of the cached demo database on the server (generated now if missing)."""
    name = f"minplan_bench_{spec.server_key()}"[:63]
    if server.exists(name):
        return name, None
    check_memory_for(spec.citizens)
    building = f"{name[:58]}_new"
    server.drop(building)
    server.create(building)
    started = time.perf_counter()
    db = open_url(server.url_of(building))
    try:
        upgrade(db, backup=False)
        populate(
            db,
            system_actor(),
            citizens=spec.citizens,
            seed=spec.seed,
            as_of=spec.as_of,
            progress=progress,
        )
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # The state the server's autovacuum reaches a minute or two after a bulk load: fresh
            # statistics and every page marked all-visible. Measured before it, the first run's
            # copy read a million citizens unvacuumed: the list's first screen took 687 ms, 77 ms
            # in the next run on the same database (6 Dec 2026, issue #19).
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    finally:
        db.dispose()
    server.rename(building, name)  # only a complete database gets the cache's name
    return name, time.perf_counter() - started


def open_work_copy_pg(server: Server, cached: str, work: str) -> Database:
    server.drop(work)
    server.create(work, template=cached)
    return open_url(server.url_of(work))
