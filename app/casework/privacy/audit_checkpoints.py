"""Checkpoints of the access log in a folder IT sets, out of reach of the desks.

The checkpoint in the user's own data folder (``app.store.audit_chain``) can be deleted by the
user. So Min Plan also leaves the chain's head, sealed, in a folder IT chooses — best a network
share the desks may write new files to but not change or delete (a "write-only" drop folder):
when Min Plan closes, and once a day while it runs. ``minplan audit verify`` reads every
checkpoint of the database there; the log must still hold each one, so removing the newest
events is found even when the local checkpoint was deleted too.

The folder is the organisation setting ``checkpoint_folder``, or ``MINPLAN_CHECKPOINT_DIR`` (which
wins, for a desk or a server job IT configures by itself). Each file is new
(``minplan-audit-<database id>-<time>-<computer>.json``); nothing is overwritten or deleted.
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.store import audit_chain, audit_key
from app.store.audit_chain import Head
from app.store.engine import Database, transaction
from app.store.models import AuditChain

log = logging.getLogger(__name__)

ENV = "MINPLAN_CHECKPOINT_DIR"
#: Seconds between two checkpoints of a running Min Plan.
EVERY = 24 * 3600

_lock = threading.Lock()
#: database id → [folder, newest (head, key, mac), monotonic time of the last file]
_watched: dict[str, list[Any]] = {}
_registered = False


def folder_for(db: Database) -> Path | None:
    """The folder IT set (the environment variable first, then the organisation setting)."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        from app.casework.admin import org_settings

        text = str(org_settings.get(db, "checkpoint_folder") or "").strip()
    return Path(text).expanduser() if text else None


def file_name(head: Head, moment: datetime | None = None) -> str:
    stamp = (moment or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    computer = "".join(c if c.isalnum() or c in "-_" else "_" for c in socket.gethostname())[:40]
    return f"minplan-audit-{head.database_id}-{stamp}-{computer or 'pc'}-{os.getpid()}.json"


def write_to(folder: Path, head: Head, key: bytes | None, mac: str | None) -> Path:
    """A new checkpoint file in the folder (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    return audit_chain.write_checkpoint(head, key, folder / file_name(head), mac=mac)


def sealed_head(db: Database) -> tuple[Head, bytes | None, str | None]:
    """The chain's current head with what seals it as a checkpoint (the key, or the server's MAC)."""
    with transaction(db) as session:
        head = audit_chain.current_head(session)
        mac = audit_chain.server_checkpoint_mac(session)
        chain = session.get(AuditChain, 1)
        assert chain is not None  # the chain's head row exists from the migration on
        check = chain.key_check
    key = None if mac is not None else audit_key.get_key(head.database_id, check)
    return head, key, mac


def start(db: Database) -> Path | None:
    """At start: watch this database's head, to leave it in IT's folder on exit and daily."""
    global _registered
    folder = folder_for(db)
    if folder is None:
        return None
    head, key, mac = sealed_head(db)
    with _lock:
        _watched[head.database_id] = [folder, (head, key, mac), time.monotonic()]
        if not _registered:
            atexit.register(write_all)
            audit_chain.COMMIT_LISTENERS.append(_after_commit)
            _registered = True
    return folder


def _after_commit(head: Head, key: bytes | None, mac: str | None) -> None:
    with _lock:
        entry = _watched.get(head.database_id)
        if entry is None:
            return
        entry[1] = (head, key, mac)
        due = time.monotonic() - entry[2] >= EVERY
        if due:
            entry[2] = time.monotonic()
    if due:
        _write(entry[0], head, key, mac)


def write_all() -> list[Path]:
    """Leave the newest head of every watched database in its folder (when Min Plan closes)."""
    with _lock:
        entries = [(entry[0], *entry[1]) for entry in _watched.values()]
    written = []
    for folder, head, key, mac in entries:
        path = _write(folder, head, key, mac)
        if path is not None:
            written.append(path)
    return written


def _write(folder: Path, head: Head, key: bytes | None, mac: str | None) -> Path | None:
    try:
        return write_to(folder, head, key, mac)
    except OSError as exc:  # the share is away: the next time will do; the log is unaffected
        log.warning("access-log checkpoint not written to %s: %s", folder, exc.strerror or exc)
        return None


def stop_watching() -> None:
    """Forget every watched database (tests)."""
    with _lock:
        _watched.clear()
