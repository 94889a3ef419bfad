"""Checking the access log: every seal, the order, nothing missing, against a checkpoint.

``verify(db)`` reads the events in sequence order and recomputes each seal with the key. It names
the **first** broken event — its sequence number, time and what is wrong — because everything
after a break is unproven anyway. It also checks

* the start: the oldest event left is number 1, or follows the last retention purge, whose
  checkpoint (sequence and seal of the last purged event) is itself a sealed event in the chain;
* the end: the chain's head row, and (``checkpoint``) a head recorded outside the database, must
  still be in the log — so removing the newest events is found too;
* the subject index (``audit_subject``) agrees with the sealed events.
"""

from __future__ import annotations

import hmac as hmac_lib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlmodel import col

from app.domain.errors import ValidationError
from app.i18n import N_
from app.store import audit_key, audit_triggers
from app.store.audit_chain import (
    CONTENT_FIELDS,
    checkpoint_mac_ok,
    read_checkpoint,
    seal,
)
from app.store.engine import Database, translating_errors
from app.store.models import AuditChain, AuditEvent, AuditPurge, AuditSubject


@dataclass(frozen=True)
class Break:
    """The first broken place: an English msgid with parameters, for the user's language."""

    seq: int | None
    when: datetime | None
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verification:
    checked: int
    first_seq: int | None
    last_seq: int | None
    last_at: datetime | None
    broken: Break | None = None
    notes: tuple[tuple[str, dict[str, Any]], ...] = ()

    @property
    def ok(self) -> bool:
        return self.broken is None


def _snapshot(db: Database) -> Connection:
    """One read transaction for the whole check (PostgreSQL: one snapshot for every statement)."""
    engine = db.engine
    if not db.is_sqlite:
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    return engine.connect()


def _purge_anchor(details: str | None) -> tuple[int, str] | None:
    try:
        data = json.loads(details or "")
        return int(data["through_seq"]), str(data["through_hmac"])
    except (KeyError, TypeError, ValueError):
        return None


BATCH = 2000


def _batches(conn: Connection, first: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """Events in sequence order, a batch at a time, each with its indexed subjects (and, where
    the server seals, ``expected``: the seal the server computes for it; ``first`` is the seal
    before the oldest event)."""
    columns: list[Any] = [
        getattr(AuditEvent, name) for name in (*CONTENT_FIELDS, "id", "hmac", "db_login")
    ]
    if first is not None:
        columns.append(func.minplan_audit_expected(col(AuditEvent.seq), first).label("expected"))
    unnumbered = (
        conn.execute(select(*columns).where(col(AuditEvent.seq).is_(None)).limit(1))
        .mappings()
        .all()
    )
    if unnumbered:
        yield [dict(unnumbered[0])]
        return
    after = -1
    while True:
        rows = [
            dict(r)
            for r in conn.execute(
                select(*columns)
                .where(col(AuditEvent.seq) > after)
                .order_by(col(AuditEvent.seq))
                .limit(BATCH)
            ).mappings()
        ]
        if not rows:
            return
        low, high = rows[0]["seq"], rows[-1]["seq"]
        index: dict[int, set[int]] = {}
        for event_seq, citizen_id in conn.execute(
            select(col(AuditSubject.event_seq), col(AuditSubject.citizen_id)).where(
                col(AuditSubject.event_seq) >= low, col(AuditSubject.event_seq) <= high
            )
        ):
            index.setdefault(event_seq, set()).add(citizen_id)
        for row in rows:
            row["indexed"] = index.get(row["seq"], set())
        yield rows
        after = high


def verify(
    db: Database, *, checkpoint: Path | None = None, folder: Path | None = None
) -> Verification:
    """Check the whole log, that its guards are in place, that every purge is a recorded one, and
    that heads recorded outside — ``checkpoint``, and every checkpoint of this database in
    ``folder`` (the one IT set, ``app.casework.privacy.audit_checkpoints``) — are still in it."""
    external = read_checkpoint(checkpoint) if checkpoint is not None else None
    with translating_errors(db), _snapshot(db) as conn, conn.begin():
        if db.is_sqlite:  # Python's sqlite3 begins no transaction for reads: ask for one
            conn.exec_driver_sql("BEGIN")
        return _verify(conn, external, folder)


def folder_checkpoints(folder: Path, database_id: str) -> list[Path]:
    """This database's checkpoint files in a folder (``minplan-audit-<database id>-….json``)."""
    try:
        return sorted(folder.glob(f"minplan-audit-{database_id}-*.json"))
    except OSError:
        return []


def _server_sealed(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql" and bool(
        conn.execute(text("SELECT to_regproc('minplan_audit_expected') IS NOT NULL")).scalar()
    )


def _may_see_whole_log(conn: Connection) -> bool:
    """On a team server a caseworker's login sees only part of the log (row-level security)."""
    return bool(
        conn.exec_driver_sql(
            "SELECT CASE WHEN NOT c.relrowsecurity OR r.rolsuper OR r.rolbypassrls"
            " OR pg_has_role(current_user, d.datdba, 'MEMBER') THEN true"
            " ELSE pg_has_role('minplan_admin', 'USAGE')"
            " OR pg_has_role('minplan_teamlead', 'MEMBER') END"
            " FROM pg_class c, pg_roles r, pg_database d"
            " WHERE c.relname = 'audit_event' AND c.relkind IN ('r', 'p')"
            " AND r.rolname = current_user AND d.datname = current_database()"
        ).scalar()
    )


def _verify(
    conn: Connection, external: dict[str, Any] | None, folder: Path | None = None
) -> Verification:
    if conn.dialect.name == "postgresql" and not _may_see_whole_log(conn):
        from app.domain.errors import PermissionDeniedError

        raise PermissionDeniedError(
            "On a team server only team leads and administrators can check the whole access log"
        )
    head = conn.execute(select(AuditChain).where(col(AuditChain.id) == 1)).mappings().one()
    server = _server_sealed(conn)
    externals: list[tuple[Path | None, dict[str, Any]]] = []
    if external is not None:
        externals.append((None, external))
    if folder is not None:
        for path in folder_checkpoints(folder, head["database_id"]):
            try:
                externals.append((path, read_checkpoint(path)))
            except ValidationError as error:
                return Verification(
                    0, None, None, None, Break(None, None, error.message, dict(error.params))
                )
    total = conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    if head["key_check"] is None:
        sealed = conn.execute(
            select(func.count()).select_from(AuditEvent).where(col(AuditEvent.hmac).is_not(None))
        ).scalar_one()
        if sealed or head["last_hmac"] or head["purged_through_seq"]:
            return Verification(
                0,
                None,
                None,
                None,
                Break(
                    None,
                    None,
                    N_(
                        "The check of the access log's key was removed from the chain's head "
                        "(audit_chain.key_check), but {n} events are sealed: the log was tampered "
                        "with"
                    ),
                    {"n": sealed},
                ),
            )
        if total:
            note = N_(
                "{n} events from before the chain are not sealed yet; the next saved action "
                "seals them"
            )
            return Verification(0, None, None, None, notes=((note, {"n": total}),))
        return Verification(0, None, None, None)
    key = None if server else audit_key.get_key(head["database_id"], head["key_check"])
    anchor = _purge_anchor(
        conn.execute(
            select(col(AuditEvent.details))
            .where(col(AuditEvent.action) == "purge_audit")
            .order_by(col(AuditEvent.seq).desc())
            .limit(1)
        ).scalar_one_or_none()
    )
    wanted = {_seq_of(data) for _path, data in externals}
    wanted_seals: dict[int, str] = {}
    previous_hmac, previous_seq = "", None
    first_seq: int | None = None
    last_at: datetime | None = None
    checked = 0

    def broken(
        at: int | None, when: datetime | None, message: str, /, **params: Any
    ) -> Verification:
        return Verification(
            checked, first_seq, previous_seq, last_at, Break(at, when, message, params)
        )

    for batch in _batches(conn, (anchor[1] if anchor else "") if server else None):
        for row in batch:
            seq, when = row["seq"], row["occurred_at"]
            if seq is None:
                return broken(
                    None,
                    when,
                    N_("An event without a sequence number (id {id}) was added outside Min Plan"),
                    id=row["id"],
                )
            if row["hmac"] is None:
                return broken(
                    seq, when, N_("Event {seq} has no seal: it was added outside Min Plan"), seq=seq
                )
            if previous_seq is None:
                first_seq = seq
                if seq != 1:
                    if anchor is None or anchor[0] + 1 != seq:
                        return broken(
                            seq,
                            when,
                            N_(
                                "The log starts at event {seq}, but the events before it are missing "
                                "and no purge checkpoint covers them"
                            ),
                            seq=seq,
                        )
                    previous_hmac = anchor[1]
            elif seq != previous_seq + 1:
                return broken(
                    seq,
                    when,
                    N_("Events {first} to {last} are missing: removed from the log"),
                    first=previous_seq + 1,
                    last=seq - 1,
                )
            values = {name: row[name] for name in (*CONTENT_FIELDS, "db_login")}
            if key is None:  # the server recomputes the seal over the stored event
                expected = row["expected"] or ""
                if seq == first_seq and previous_hmac != (anchor[1] if anchor else ""):
                    expected = ""
            else:
                expected = seal(key, previous_hmac, values)
            if not hmac_lib.compare_digest(expected, row["hmac"]):
                return broken(
                    seq,
                    when,
                    N_("Event {seq} does not match its seal: it was changed, inserted or moved"),
                    seq=seq,
                )
            details = json.loads(row["details"]) if row["details"] else {}
            if row["indexed"] != set(details.get("subjects") or []):
                return broken(
                    seq,
                    when,
                    N_("The citizens listed for event {seq} were changed (audit_subject)"),
                    seq=seq,
                )
            if seq in wanted:
                wanted_seals[seq] = row["hmac"]
            previous_hmac, previous_seq, last_at = row["hmac"], seq, when
            checked += 1

    stray = conn.execute(
        select(col(AuditSubject.event_seq))
        .where(
            col(AuditSubject.event_seq).not_in(
                select(col(AuditEvent.seq)).where(col(AuditEvent.seq).is_not(None))
            )
        )
        .limit(1)
    ).scalar_one_or_none()
    if stray is not None:
        return broken(
            stray,
            None,
            N_("The citizen index names event {seq}, which is not in the log"),
            seq=stray,
        )
    if previous_seq is None:
        if head["last_seq"] > head["purged_through_seq"]:
            return broken(
                head["last_seq"],
                head["last_at"],
                N_("The log is empty, but its head names event {seq}: events were removed"),
                seq=head["last_seq"],
            )
    elif head["last_seq"] != previous_seq or head["last_hmac"] != previous_hmac:
        return broken(
            head["last_seq"],
            head["last_at"],
            N_(
                "The log ends at event {last}, but its head names event {seq}: the newest events "
                "were removed or the head was changed"
            ),
            last=previous_seq,
            seq=head["last_seq"],
        )
    open_permit = conn.execute(
        select(col(AuditPurge.id)).where(col(AuditPurge.active)).limit(1)
    ).scalar_one_or_none()
    if open_permit is not None:
        return broken(
            None,
            None,
            N_("A purge permit was left open (purge {id}); events may have been removed"),
            id=open_permit,
        )
    purge_break = _check_purges(conn, anchor, first_seq)
    if purge_break is not None:
        return Verification(checked, first_seq, previous_seq, last_at, purge_break)
    notes: list[tuple[str, dict[str, Any]]] = []
    if key is None:

        def mac_ok(data: dict[str, Any]) -> bool:
            return bool(
                conn.execute(
                    text("SELECT minplan_audit_checkpoint_ok(:d, :s, :h, :a, :m)"),
                    {
                        "d": str(data.get("database_id")),
                        "s": _seq_of(data),
                        "h": str(data.get("hmac")),
                        "a": data.get("at"),
                        "m": str(data.get("mac", "")),
                    },
                ).scalar()
            )
    else:

        def mac_ok(data: dict[str, Any]) -> bool:
            return checkpoint_mac_ok(key, data)

    matched: list[int] = []
    # the newest first: a log older than the newest checkpoint lost its newest events
    for source, data in sorted(externals, key=lambda item: -_seq_of(item[1])):
        found = _check_external(
            data,
            mac_ok,
            head["database_id"],
            wanted_seals.get(_seq_of(data)),
            first_seq,
            previous_seq,
        )
        if isinstance(found, Break):
            if source is not None:
                found = Break(
                    found.seq,
                    found.when,
                    N_("{problem} (checkpoint {path})"),
                    {"problem": found.message, "problem_params": found.params, "path": str(source)},
                )
            return Verification(checked, first_seq, previous_seq, last_at, found)
        if source is None:
            notes.extend(found)
        else:
            matched.append(_seq_of(data))
    # the seals agree; but without its guards the log could have been cut and the head moved
    guard = audit_triggers.check(conn)
    if guard is not None:
        return broken(None, None, guard[0], **guard[1])
    if matched:
        notes.append(
            (
                N_("{n} checkpoints in {folder} match (the newest: event {seq})"),
                {"n": len(matched), "folder": str(folder), "seq": max(matched)},
            )
        )
    elif folder is not None:
        notes.append(
            (N_("No checkpoint of this database in {folder} yet"), {"folder": str(folder)})
        )
    return Verification(checked, first_seq, previous_seq, last_at, None, tuple(notes))


def _seq_of(data: dict[str, Any]) -> int:
    try:
        return int(data.get("seq") or 0)
    except (TypeError, ValueError):
        return 0


def _check_purges(
    conn: Connection, anchor: tuple[int, str] | None, first_seq: int | None
) -> Break | None:
    """Every purge record is a real purge: in order, closed with its sealed ``purge_audit`` event
    (still in the log for the newest purge), which names the same checkpoint. A permit written by
    hand to delete the newest events fails here."""
    purges = conn.execute(select(AuditPurge).order_by(col(AuditPurge.id))).mappings().all()
    if not purges:
        return None
    before = 0
    for purge in purges:
        event = None
        if purge["event_seq"] is not None and (
            first_seq is None or purge["event_seq"] >= first_seq
        ):
            event = (
                conn.execute(
                    select(col(AuditEvent.action), col(AuditEvent.details)).where(
                        col(AuditEvent.seq) == purge["event_seq"]
                    )
                )
                .mappings()
                .one_or_none()
            )
        newest = purge is purges[-1]
        matches = (
            event is not None
            and event["action"] == "purge_audit"
            and _purge_anchor(event["details"]) == (purge["through_seq"], purge["through_hmac"])
        )
        if (
            purge["through_seq"] <= before
            or purge["event_seq"] is None
            or (newest and not matches)
            or (event is not None and not matches)
            or (newest and anchor != (purge["through_seq"], purge["through_hmac"]))
        ):
            return Break(
                purge["through_seq"],
                purge["purged_at"],
                N_(
                    "Purge {id} does not match a sealed purge checkpoint in the log: events may "
                    "have been removed outside a recorded purge"
                ),
                {"id": purge["id"]},
            )
        before = purge["through_seq"]
    return None


def _check_external(
    data: dict[str, Any],
    mac_ok: Callable[[dict[str, Any]], bool],
    database_id: str,
    seal_there: str | None,
    first_seq: int | None,
    last_seq: int | None,
) -> Break | list[tuple[str, dict[str, Any]]]:
    when = _parse_time(data.get("at"))
    if data.get("database_id") != database_id:
        return Break(None, when, N_("The checkpoint belongs to another database"))
    if not mac_ok(data):
        return Break(None, when, N_("The checkpoint file was changed (its seal does not match)"))
    seq, expected = int(data["seq"]), str(data["hmac"])
    if last_seq is None or seq > last_seq:
        return Break(
            seq,
            when,
            N_(
                "The newest events are missing: the checkpoint names event {seq}, the log ends at "
                "{last}"
            ),
            {"seq": seq, "last": last_seq or 0},
        )
    if first_seq is not None and seq < first_seq:
        return [
            (
                N_(
                    "The checkpoint (event {seq}) is older than the last purge; it confirms nothing"
                ),
                {"seq": seq},
            )
        ]
    if seq and seal_there != expected:
        return Break(
            seq,
            when,
            N_("Event {seq} differs from the checkpoint: the log was rewritten"),
            {"seq": seq},
        )
    return [(N_("The checkpoint (event {seq}) matches"), {"seq": seq})]


def _parse_time(text: Any) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
