"""Schema upgrades with Alembic, safe for end users.

Before upgrading a SQLite file that already holds data, a backup copy is taken. Afterwards the
revision is read back: an upgrade that "succeeded" but left the old revision is an error, not a
silent success. A database stamped by a newer Min Plan is refused with a clear message.

Every start calls ``upgrade``; on a database already at head it reads the stored revision with
one query and the head from the revision scripts' own lines (``revision = …``,
``down_revision = …``), without importing Alembic (about half a second of the start, with the
Mako and Pygments it pulls in). Anything else — an older, newer or missing revision, a branch, a
script whose lines read otherwise — takes Alembic's own path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.pool import NullPool

from app import paths
from app.domain.errors import DatabaseError, SchemaTooNewError
from app.store.backup import BEFORE_UPGRADE, backup_folder, backup_sqlite
from app.store.engine import Database, sqlite_engine, translating_errors
from app.store.schema_head import head_from_script_lines

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    return cfg


def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "app/migrations/versions holds no migration"
    return head


def _stored_revisions(db: Database) -> list[str] | None:
    """The rows of ``alembic_version`` as plain SQL (None when the table is not there)."""
    try:
        with db.engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    except Exception:  # no table yet, or anything odd: Alembic's own path will say what
        return None


def is_at_head(db: Database) -> bool:
    """True when the database is certainly at head, read without Alembic; False means "ask
    Alembic" (not necessarily "behind")."""
    head = head_from_script_lines()
    return head is not None and _stored_revisions(db) == [head]


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with translating_errors(db), db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _has_user_tables(db: Database) -> bool:
    names = set(inspect(db.engine).get_table_names())
    return bool(names - {"alembic_version"})


def _refuse_unknown(script: ScriptDirectory, revision: str | None) -> None:
    if revision is None:
        return
    try:
        script.get_revision(revision)
    except Exception:  # alembic raises several kinds for an unknown revision
        raise SchemaTooNewError(
            "This database was made by a newer version of Min Plan (schema {revision}); "
            "please update Min Plan",
            revision=revision,
        ) from None


def require_current(db: Database) -> None:
    """On a shared server the schema is upgraded deliberately, by its owner (after a backup):
    a desk only checks that the schema is the one this Min Plan needs."""
    if is_at_head(db):
        return
    head = head_revision()
    current = current_revision(db)
    if current == head:
        return
    _refuse_unknown(_scripts(), current)
    raise DatabaseError(
        "The database {server} has schema {current}, and this Min Plan needs {head}. The database "
        "owner upgrades it (after a backup) with: minplan db upgrade --database-url {server}",
        server=db.description,
        current=current or "-",
        head=head,
    )


def upgrade(db: Database, *, backup: bool = True, backup_dir: Path | None = None) -> UpgradeResult:
    """Bring the schema to head; back up a non-empty SQLite file first."""
    if is_at_head(db):  # every start: no Alembic needed
        current = head_from_script_lines()
        return UpgradeResult(current, current or "", None)
    script = _scripts()
    head = head_revision()
    before = current_revision(db)
    if before == head:
        return UpgradeResult(before, head, None)
    _refuse_unknown(script, before)
    backup_path = None
    if backup and db.is_sqlite and db.path is not None and _has_user_tables(db):
        target_dir = backup_dir or backup_folder(db.path)
        label = f"{BEFORE_UPGRADE}-{before or 'none'}"
        backup_path = backup_sqlite(db.path, target_dir, label=label, key=db.cipher_key)
    with translating_errors(db):
        _run_upgrade(db)
    after = current_revision(db)
    if after != head:
        raise DatabaseError(
            "The schema upgrade did not complete (revision {revision}); the backup is at {backup}",
            revision=str(after),
            backup=str(backup_path),
        )
    log.info("schema upgraded from %s to %s", before, after)
    return UpgradeResult(before, after, backup_path)


def _run_upgrade(db: Database) -> None:
    from alembic import command

    cfg = alembic_config()
    if db.is_sqlite:
        # Batch mode rebuilds tables; that fails with foreign keys on, and the pragma cannot change
        # inside a transaction, so use a dedicated connection with the pragma set first.
        assert db.path is not None
        engine = sqlite_engine(db.path, db.cipher_key, poolclass=NullPool)  # keyed as the app's
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.exec_driver_sql("PRAGMA busy_timeout = 5000")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                conn.commit()
        finally:
            engine.dispose()
        db.engine.dispose()  # pooled connections may hold an outdated schema cache
    else:
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
