"""The audit log as an HMAC chain: each event's seal covers its content and the previous seal.

    hmac(n) = HMAC-SHA256(key, hmac(n-1) ‖ "\\n" ‖ canonical(event n)),   hmac(0) = ""

``canonical`` is a JSON array of the event's fields in a fixed order (``CONTENT_FIELDS``), the time
as UTC with microseconds, and the server login (``db_login``) where there is one.

On PostgreSQL (schema 0017) the server seals: ``minplan_audit_append`` and the other
``SECURITY DEFINER`` functions of migration 0017 hold the key in a table only the database owner
can read, so no desk has it; ``server_sealed`` tells which way a database works. Whoever changes, inserts, reorders or removes an event without the key
breaks every seal after it; ``app.store.audit_verify`` finds the first broken one.

Writers are serialised on the chain's head row (``audit_chain``, id 1): on PostgreSQL with
``SELECT … FOR UPDATE`` in the writer's transaction, so that many desks never fork the chain; on
SQLite the database's single writer lock does the same. Just after each commit the new head
(sequence, seal, time) is also written outside the database, to a small checkpoint file in the
user's data folder (atomically replaced, on a thread of its own: ``_CheckpointWriter``), so that
truncating the newest events is detected too.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import json
import logging
import os
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, event, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from app import paths
from app.store import audit_key
from app.store.models import AuditChain, AuditEvent, AuditSubject, table_of

if TYPE_CHECKING:
    from app.store.engine import Database

log = logging.getLogger(__name__)

CONTENT_FIELDS = (
    "seq",
    "occurred_at",
    "user_initials",
    "os_user",
    "action",
    "entity",
    "entity_id",
    "citizen_id",
    "criterion",
    "purpose",
    "details",
)
_PENDING = "minplan_audit_head"
_LOCKED = "minplan_audit_locked"


def canonical_time(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive UTC in some paths
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: dict[str, Any]) -> bytes:
    """The event's content as bytes, the same whichever database it was read from."""
    row = [
        canonical_time(values[name]) if name == "occurred_at" else values.get(name)
        for name in CONTENT_FIELDS
    ]
    if values.get("db_login") is not None:
        row.append(values["db_login"])
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def seal(key: bytes, previous: str, values: dict[str, Any]) -> str:
    return hmac.new(
        key, previous.encode("ascii") + b"\n" + canonical(values), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class Head:
    """The newest event of the chain as a checkpoint: what must still be there later."""

    database_id: str
    seq: int
    hmac: str
    at: datetime | None

    def to_json(self, key: bytes | None = None, mac: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": "minplan-audit-checkpoint v1",
            "database_id": self.database_id,
            "seq": self.seq,
            "hmac": self.hmac,
            "at": canonical_time(self.at) if self.at else None,
        }
        if key is not None:
            data["mac"] = _checkpoint_mac(key, data)
        elif mac is not None:  # sealed by the server
            data["mac"] = mac
        return data


def _checkpoint_mac(key: bytes, data: dict[str, Any]) -> str:
    body = json.dumps(
        {k: data[k] for k in ("format", "database_id", "seq", "hmac", "at")},
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    return hmac.new(key, b"checkpoint\n" + body, hashlib.sha256).hexdigest()


def checkpoint_mac_ok(key: bytes, data: dict[str, Any]) -> bool:
    try:
        return hmac.compare_digest(_checkpoint_mac(key, data), str(data.get("mac", "")))
    except (KeyError, TypeError):
        return False


_HEAD_ROW = table_of(AuditChain).c
#: The head row written without a change (see ``lock_head``), and then read into the session.
_TOUCH_HEAD = (
    update(table_of(AuditChain)).where(_HEAD_ROW.id == 1).values(last_seq=_HEAD_ROW.last_seq)
)
_LOCKED_HEAD = (
    select(AuditChain)
    .where(col(AuditChain.id) == 1)
    .with_for_update()
    .execution_options(populate_existing=True)
)


def lock_head(session: Session) -> AuditChain:
    """The chain's head row, locked until the transaction ends.

    The head is written before it is read: on PostgreSQL that takes the row lock (as FOR UPDATE
    does), and on SQLite it starts the write transaction — Python's sqlite3 begins one only at
    the first write, so a head merely read could be stale by the time it is written — which holds
    the database's single writer lock until the commit. Either way a second writer waits here,
    then sees the first one's head: the chain never forks."""
    session.flush()  # what the session holds goes first, as the ORM's update did
    session.connection().execute(_TOUCH_HEAD)
    head = session.execute(_LOCKED_HEAD).scalar_one_or_none()
    if head is None:
        from app.domain.errors import DatabaseError

        raise DatabaseError("The access log's chain head is missing; run: minplan db upgrade")
    return head


def chain_key(head: AuditChain) -> bytes:
    """The key for this chain (created for a new chain), checked against ``key_check``."""
    return audit_key.get_key(head.database_id, head.key_check)


def _seal_legacy(session: Session, head: AuditChain, key: bytes) -> None:
    """Events written before the chain existed (schema 0008) are sealed in their order once."""
    previous = ""
    rows = session.execute(
        select(AuditEvent).where(col(AuditEvent.hmac).is_(None)).order_by(col(AuditEvent.seq))
    ).scalars()
    for row in rows:
        values = {name: getattr(row, name) for name in CONTENT_FIELDS}
        previous = seal(key, previous, values)
        session.execute(
            update(AuditEvent).where(col(AuditEvent.id) == row.id).values(hmac=previous)
        )
    head.last_hmac = previous
    head.key_check = audit_key.key_check(key)


_SERVER_SEALED: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def server_sealed(session: Session) -> bool:
    """The database seals its own access log (PostgreSQL from schema 0017)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    engine = getattr(bind, "engine", bind)
    if _SERVER_SEALED.get(engine):
        return True
    found = bool(
        session.execute(text("SELECT to_regproc('minplan_audit_append') IS NOT NULL")).scalar()
    )
    if found:
        _SERVER_SEALED[engine] = True
    return found


def locked_chain(session: Session) -> tuple[AuditChain, bytes | None]:
    """The locked head and the key (None where the server seals), with events from before the
    chain sealed (once). The lock lasts until the transaction ends, so further events in it
    reuse the head."""
    held: tuple[AuditChain, bytes | None] | None = session.info.get(_LOCKED)
    if held is not None:
        return held
    if server_sealed(session):
        held = session.info[_LOCKED] = (lock_head(session), None)
        return held
    head = lock_head(session)
    if head.key_check is None and (
        head.last_hmac
        or session.execute(
            select(col(AuditEvent.id)).where(col(AuditEvent.hmac).is_not(None)).limit(1)
        ).scalar_one_or_none()
        is not None
    ):
        from app.domain.errors import DatabaseError

        raise DatabaseError(
            "The access log's key check was removed from its head: the log was tampered with. "
            "Nothing was saved; run minplan audit verify and tell IT"
        )
    key = chain_key(head)
    if head.key_check is None:
        _seal_legacy(session, head, key)
    session.info[_LOCKED] = (head, key)
    return head, key


def _database_id(session: Session) -> str:
    """The chain's database id, asked once per server connection (it is written when the schema
    is made and never changes; the connection's ``info`` lives as long as the pooled connection,
    so each print or save does not pay a round trip for it)."""
    held: dict[str, Any] = session.connection().info
    if "minplan_audit_database_id" not in held:
        held["minplan_audit_database_id"] = session.execute(
            select(col(AuditChain.database_id)).where(col(AuditChain.id) == 1)
        ).scalar_one()
    return str(held["minplan_audit_database_id"])


#: Built once: parsing the text for its parameters cost a tenth of a millisecond per event.
_SERVER_APPEND = text(
    "SELECT * FROM minplan_audit_append(:user_initials, :os_user, :action, :entity, :entity_id, "
    ":citizen_id, :criterion, :purpose, :details, :subjects)"
)


def server_append(
    session: Session, values: dict[str, Any], subjects: list[int], sql: str | None = None
) -> AuditEvent:
    """The server seals the event (``minplan_audit_append``, or ``sql`` returning the same)."""
    session.flush()
    if _now is not _SERVER_CLOCK:  # a test's clock: honoured for the owner only
        session.execute(
            text("SELECT set_config('minplan.clock', :t, true)"),
            {"t": _now(session).isoformat()},
        )
    parameters: dict[str, Any] = {
        **{name: values.get(name) for name in CONTENT_FIELDS if name not in ("seq", "occurred_at")},
        "subjects": list(subjects) or None,
        **{k: values[k] for k in ("grant", "caseworker_id") if k in values},
    }
    row = session.execute(text(sql) if sql else _SERVER_APPEND, parameters).mappings().one()
    at = row["occurred_at"].astimezone(UTC)
    session.info[_PENDING] = (
        Head(_database_id(session), row["seq"], row["hmac"], at),
        None,
        row["checkpoint_mac"],
    )
    content = {k: v for k, v in values.items() if k in CONTENT_FIELDS}
    return AuditEvent(**content, seq=row["seq"], hmac=row["hmac"], occurred_at=at)


_INSERT_EVENT = insert(table_of(AuditEvent))
_MOVE_HEAD = (
    update(table_of(AuditChain))
    .where(_HEAD_ROW.id == bindparam("head"))
    .values(last_seq=bindparam("seq"), last_hmac=bindparam("mac"), last_at=bindparam("at"))
)


def append(session: Session, values: dict[str, Any], subjects: list[int]) -> AuditEvent:
    """Seal one event onto the chain in the caller's transaction (and index its subjects)."""
    if server_sealed(session):
        return server_append(session, values, subjects)
    head, key = locked_chain(session)
    assert key is not None  # locked_chain has a key wherever the server does not seal
    values = dict(values)
    seq = values["seq"] = head.last_seq + 1
    at = values["occurred_at"] = _now(session)
    values["hmac"] = mac = seal(key, head.last_hmac, values)
    # The event and the new head are written as plain statements, at once (an event is never
    # changed after it is written, so the session need not track it; the unit of work's flush
    # cost as much as the rest of the event together). The head row, locked above, is told its
    # new values as the database's, so no later flush writes it again.
    session.flush()  # what the session holds goes first, as a flush here always did
    write = session.connection().execute  # the transaction's connection
    inserted = write(_INSERT_EVENT, values)
    write(_MOVE_HEAD, {"head": head.id, "seq": seq, "mac": mac, "at": at})
    for name, value in (("last_seq", seq), ("last_hmac", mac), ("last_at", at)):
        set_committed_value(head, name, value)
    if subjects:
        session.execute(
            insert(AuditSubject), [{"event_seq": seq, "citizen_id": c} for c in subjects]
        )
    session.info[_PENDING] = (Head(head.database_id, seq, mac, at), key, None)
    (event_id,) = inserted.inserted_primary_key or (None,)
    return AuditEvent(**values, id=event_id)


def _now(session: Session) -> datetime:
    """When the event happens: on PostgreSQL the server's clock, one clock for every desk (a desk
    whose clock is wrong cannot date events); on SQLite this computer's. UTC, microseconds. The
    order of events is their sequence number, whatever the clocks say."""
    if session.get_bind().dialect.name == "postgresql":
        moment = session.execute(text("SELECT clock_timestamp()")).scalar_one()
    else:
        from app.domain.dates import utc_now

        moment = utc_now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    clock: datetime = moment.astimezone(UTC)
    return clock


_SERVER_CLOCK = _now


def ensure_key(db: Database) -> None:
    """At start: the access-log key is in the key store (created for a new chain), or a clear
    error — Min Plan does not run with a log it cannot seal."""
    from app.store.engine import transaction

    with transaction(db) as session:
        head = session.execute(
            select(AuditChain).where(col(AuditChain.id) == 1)
        ).scalar_one_or_none()
        if head is None or server_sealed(session):
            return
        audit_key.get_key(head.database_id, head.key_check)


def server_checkpoint_mac(session: Session) -> str | None:
    """Where the server seals: its seal over the current head as a checkpoint (else None)."""
    if not server_sealed(session):
        return None
    mac: str | None = session.execute(
        text("SELECT mac FROM minplan_audit_head_checkpoint()")
    ).scalar_one()
    return mac


def current_head(session: Session) -> Head:
    head = session.execute(select(AuditChain).where(col(AuditChain.id) == 1)).scalar_one()
    return Head(head.database_id, head.last_seq, head.last_hmac, head.last_at)


#: Called after each commit that sealed events, with (head, key or None, server MAC or None):
#: ``app.casework.privacy.audit_checkpoints`` leaves a daily checkpoint in IT's folder from here.
COMMIT_LISTENERS: list[Any] = []


# --- the checkpoint outside the database --------------------------------------------------------
_file_lock = threading.Lock()


def checkpoint_path(database_id: str) -> Path:
    """``audit/<database id>.json`` in the user's data folder (one per database), once the
    checkpoints of this process's commits so far are written there."""
    _checkpoints.flush()
    return _checkpoint_file(database_id)


def _checkpoint_file(database_id: str) -> Path:
    return paths.user_data_dir() / "audit" / f"{database_id}.json"


def local_checkpoint(db: Database) -> Path | None:
    """This computer's checkpoint file for the database, if one was written."""
    from app.store.engine import transaction

    with transaction(db) as session:
        path = checkpoint_path(current_head(session).database_id)
    return path if path.exists() else None


def write_checkpoint(
    head: Head, key: bytes | None, path: Path | None = None, mac: str | None = None
) -> Path:
    """Atomically replace the checkpoint file, never with an older head than it holds (sealed
    with ``key``, or carrying the ``mac`` the server computed)."""
    return _write(head, key, path or _checkpoint_file(head.database_id), mac, newer=path is None)


def _write(head: Head, key: bytes | None, target: Path, mac: str | None, *, newer: bool) -> Path:
    """``write_checkpoint`` to ``target``; ``newer``: only over an older head."""
    with _file_lock:
        if newer:
            try:
                held = json.loads(target.read_text(encoding="utf-8"))
                if held.get("database_id") == head.database_id and int(held["seq"]) > head.seq:
                    return target
            except (OSError, ValueError, KeyError, TypeError):
                pass
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_text(
            json.dumps(head.to_json(key, mac), indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        temporary.replace(target)
    return target


def read_checkpoint(path: Path) -> dict[str, Any]:
    from app.domain.errors import ValidationError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(
            "Cannot read the checkpoint {path}: {reason}",
            path=str(path),
            reason=exc.strerror or str(exc),
        ) from exc
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("format") != "minplan-audit-checkpoint v1":
        raise ValidationError("{path} is not a Min Plan access-log checkpoint", path=str(path))
    return data


class _CheckpointWriter:
    """Writes each database's newest checkpoint on a thread of its own, just after the commit.

    Writing the file (read the one held, write, replace) took 0.3-0.7 ms of every commit that
    logged an event: every citizen opened, every plan printed (issue #19). Written a moment
    later it says the same; a crash in that moment leaves the checkpoint one commit behind, as a
    crash between the commit and the write always could, and only weakens verification. Waited
    for by whoever reads the file (``checkpoint_path``) and at the program's end."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        #: database id -> (head, key, server MAC, file): the file as it was named at the commit
        self._pending: dict[str, tuple[Head, bytes | None, str | None, Path]] = {}
        self._writing = False
        self._thread: threading.Thread | None = None

    def submit(self, head: Head, key: bytes | None, mac: str | None) -> None:
        target = _checkpoint_file(head.database_id)
        with self._changed:
            held = self._pending.get(head.database_id)
            if held is None or held[0].seq <= head.seq:
                self._pending[head.database_id] = (head, key, mac, target)
            if self._thread is None or not self._thread.is_alive():
                if self._thread is None:
                    atexit.register(self.flush)
                self._thread = threading.Thread(
                    target=self._run, name="minplan-audit-checkpoint", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every checkpoint submitted so far is written (or could not be)."""
        with self._changed:
            self._changed.wait_for(lambda: not self._pending and not self._writing, timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._pending))
                batch = list(self._pending.values())
                self._pending.clear()
                self._writing = True
            for head, key, mac, target in batch:
                # the commit stands whatever happens here; a stale checkpoint only weakens
                # verification
                try:
                    _write(head, key, target, mac, newer=True)
                except Exception as exc:
                    log.warning("access-log checkpoint not written: %s", type(exc).__name__)
            with self._changed:
                self._writing = False
                self._changed.notify_all()


_checkpoints = _CheckpointWriter()


def flush_checkpoints() -> None:
    """Wait for the checkpoint files of this process's commits (before it ends without tidying
    up: ``os._exit``)."""
    _checkpoints.flush()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_LOCKED, None)
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    head, key, mac = pending
    _checkpoints.submit(head, key, mac)
    for listener in list(COMMIT_LISTENERS):
        try:
            listener(head, key, mac)
        except Exception as exc:  # as above: never fails a commit
            log.warning("access-log checkpoint listener failed: %s", type(exc).__name__)


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, *_previous: object) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_LOCKED, None)
