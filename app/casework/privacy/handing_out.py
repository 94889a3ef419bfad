"""Commands that hand out the whole database, or the key that seals its access log, are for
administrators (issue 15, line 6), and each is logged.

- ``backup_to``: a copy of the SQLite file into a folder of one's choice (``minplan backup --to``);
  a copy into ``backups/`` beside the database stays where the database is and needs no role.
- ``export_audit_key``: the access-log key as a file for IT (``minplan audit key export``);
  whoever holds it can re-seal the log, so it is handed out like the database.
- ``require_purge_right``: deleting old access-log months (``minplan audit purge``).

On a team server the owner of the database, not only an administrator of Min Plan, may purge.
Files are written owner-only (0600), never through a symbolic link, and atomically
(``app.store.files``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.domain.errors import PermissionDeniedError, ValidationError
from app.i18n import N_
from app.store.engine import Database, transaction

ADMIN_ONLY = N_("Only an administrator can hand out the database or its access-log key")


def require_hand_out(actor: Actor) -> None:
    """An administrator of Min Plan (the role is checked, not a switch)."""
    access.require_admin(actor, ADMIN_ONLY)


def is_server_owner(session: Session) -> bool:
    """On PostgreSQL: the login owns the database (or is a member of its owner role)."""
    return bool(
        session.execute(
            text(
                "SELECT pg_has_role(session_user, d.datdba, 'MEMBER') FROM pg_database d "
                "WHERE d.datname = current_database()"
            )
        ).scalar()
    )


def require_purge_right(session: Session, actor: Actor) -> None:
    """Deleting access-log months: an administrator; on a team server also the database's owner."""
    access.require_admin(actor, N_("Only an administrator can delete access-log months"))
    if session.get_bind().dialect.name == "postgresql" and not is_server_owner(session):
        raise PermissionDeniedError(
            "On a team server only the database's owner can delete access-log months "
            "(IT runs minplan audit purge with the owner's login)"
        )


def backup_to(db: Database, actor: Actor, folder: Path) -> Path:
    """A manual backup copy into ``folder``, for administrators; logged with the copy's name."""
    from app.store.backup import MANUAL, backup_sqlite

    require_hand_out(actor)
    if not db.is_sqlite or db.path is None:
        raise ValidationError("Back up a PostgreSQL database with pg_dump (see the README)")
    copy = backup_sqlite(db.path, folder, label=MANUAL)
    with transaction(db) as session:
        audit.record(session, actor, "backup", details={"file": copy.name, "folder": str(folder)})
    return copy


def export_audit_key(db: Database, actor: Actor, path: Path) -> Path:
    """The access-log key as a file for IT (administrators only), written owner-only and
    atomically, and logged in the same transaction (no event, no file)."""
    from app.store import audit_key
    from app.store.models import AuditChain

    require_hand_out(actor)

    def make(session: Session) -> tuple[bytes, None]:
        head = session.get(AuditChain, 1)
        if head is None:
            raise ValidationError("This database has no access log yet")
        content = audit_key.export_key(head.database_id, head.key_check).encode("ascii")
        audit.record(session, actor, "export_audit_key", details={"file": path.name})
        return content, None

    audit.write_with_event(db, path, make)
    return path


def install_audit_key(db: Database, text: str) -> None:
    """Install IT's copy of the access-log key (the text of an exported key file) on this
    computer; it must be the key of this database's chain."""
    from app.store import audit_key
    from app.store.models import AuditChain

    with transaction(db) as session:
        head = session.get(AuditChain, 1)
        if head is None:
            raise ValidationError("This database has no access log yet")
        database_id, check = head.database_id, head.key_check
    audit_key.import_key(text, database_id, check)
