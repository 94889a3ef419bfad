"""Use cases for a database file's encryption: new key, encrypting a plaintext file, recovery.

The work itself is in ``app.store.conversion`` (crash-safe, see there); here each completed
operation is written to the audit log of the database it changed (ids only, never a key).
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import inspect

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.i18n import _
from app.store import conversion
from app.store.cipher import short_id
from app.store.conversion import Converted
from app.store.engine import Database, open_sqlite, transaction
from app.store.keystore import open_store

log = logging.getLogger(__name__)


def _record(path: Path, actor: Actor, action: str, details: dict[str, object]) -> None:
    db = open_sqlite(path, create=False, encryption=True)
    try:
        if "audit_event" not in inspect(db.engine).get_table_names():
            return  # a file from before the schema history: nothing to write into yet
        with transaction(db) as session:
            audit.record(session, actor, action, entity="database", details=details)
    finally:
        db.dispose()


def rekey(path: Path, actor: Actor) -> Converted:
    """Give the encrypted database a new key; the old key keeps opening older backups."""
    from app.store.cipher import read_salt

    old_id = short_id(read_salt(path).hex()) if path.exists() else None
    result = conversion.rekey(path, open_store())
    _record(
        path, actor, "database.rekey", {"old_id": old_id, "new_id": short_id(result.database_id)}
    )
    return result


def encrypt(path: Path, actor: Actor) -> Converted:
    """Encrypt a plaintext database (the original goes only after the copy was verified)."""
    result = conversion.encrypt(path, open_store())
    _record(
        path,
        actor,
        "database.encrypt",
        {"new_id": short_id(result.database_id), "tables": result.tables, "rows": result.rows},
    )
    return result


def recover(path: Path, actor: Actor, recovery_text: str) -> str:
    """Store the database key again from its recovery key; returns the database id."""
    key = conversion.recover(path, open_store(), recovery_text)
    _record(path, actor, "database.recover", {"id": short_id(key.database_id)})
    return short_id(key.database_id)


def network_warning(db: Database) -> str:
    """The warning for a SQLite file on a network drive (CLI and GUI say the same)."""
    return _(
        "The database {path} is on a network drive ({fstype}). SQLite's WAL mode does not work "
        "on network shares and the file can be damaged; keep the database on a local disk."
    ).format(path=db.path, fstype=db.network_fs)
