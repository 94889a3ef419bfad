"""Retention of the access log: whole months older than ``audit_retention_months`` are deleted.

The purge is the only way events leave the log, and it leaves a trace verification can start
from. In one transaction it

1. checks the chain first (a broken log is kept as evidence, never purged);
2. writes a purge permit (``audit_purge``, ``active``) naming the last event to go — the delete
   triggers allow deleting events up to that number only while such a permit is open;
3. deletes those events and their subject index rows;
4. seals a ``purge_audit`` event onto the chain with the checkpoint: sequence number, seal and time
   of the last purged event, and the counts;
5. closes the permit (the triggers allow nothing else) and records the checkpoint in the head.

A month is purged when all of it is older than the limit: with 6 months, on any day of December
the events before 1 June go.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from app.casework.admin import org_settings
from app.casework.core import audit
from app.casework.core.actor import Actor, system_actor
from app.domain.dates import local_to_utc, utc_now, utc_to_local
from app.domain.errors import DatabaseError, MinPlanError, PermissionDeniedError
from app.store import audit_chain
from app.store.audit_verify import verify
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, AuditPurge, AuditSubject

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime  # UTC: events before this instant were due
    events: int
    subjects: int
    through_seq: int | None
    dry_run: bool = False


def cutoff_for(now: datetime, months: int) -> datetime:
    """The first instant kept: the start (Copenhagen time) of the month ``months`` before now's."""
    local = utc_to_local(now)
    index = local.year * 12 + (local.month - 1) - months
    first = date(index // 12, index % 12 + 1, 1)
    return local_to_utc(datetime.combine(first, time.min))


def purge_expired(
    db: Database,
    actor: Actor,
    *,
    now: datetime | None = None,
    months: int | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    """Delete the whole months of events older than the retention limit, with a checkpoint
    (administrators; on a team server the database's owner: ``handing_out``)."""
    from app.casework.privacy.handing_out import require_purge_right

    with transaction(db) as session:
        require_purge_right(session, actor)
    if months is None:
        months = org_settings.get(db, "audit_retention_months")
    cutoff = cutoff_for(now or utc_now(), int(months))
    with transaction(db) as session:
        through = _last_due(session, cutoff)
        due = _count(session, through)
    if through is None or due == 0:
        return PurgeResult(cutoff, 0, 0, None, dry_run)
    if dry_run:
        with transaction(db) as session:
            subjects = session.execute(
                select(func.count())
                .select_from(AuditSubject)
                .where(col(AuditSubject.event_seq) <= through)
            ).scalar_one()
        return PurgeResult(cutoff, due, subjects, through, True)
    checked = verify(db)
    if not checked.ok:
        raise MinPlanError(
            "The access log is broken (see minplan audit verify); it is not purged, so that the "
            "evidence is kept"
        )
    try:
        return _purge(db, actor, cutoff, int(months))
    except (DBAPIError, DatabaseError) as exc:
        # the driver's error, or our translation of it (``translating_errors``)
        cause = exc if isinstance(exc, DBAPIError) else exc.__cause__
        if not isinstance(cause, DBAPIError) or "permission denied" not in str(cause.orig).lower():
            raise
        raise PermissionDeniedError(
            "Only the database owner may purge the access log; run minplan audit purge as the owner"
        ) from None


def _require_owner(db: Database) -> None:
    """On a server only the database owner purges (a desk sees only part of the log)."""
    from sqlalchemy import text

    with transaction(db) as session:
        owner = session.execute(
            text(
                "SELECT r.rolsuper OR pg_has_role(current_user, d.datdba, 'MEMBER') "
                "FROM pg_roles r, pg_database d "
                "WHERE r.rolname = current_user AND d.datname = current_database()"
            )
        ).scalar()
    if not owner:
        raise PermissionDeniedError(
            "Only the database owner may purge the access log; run minplan audit purge as the owner"
        )


def _purge(db: Database, actor: Actor, cutoff: datetime, months: int) -> PurgeResult:
    with transaction(db) as session:
        head, _key = audit_chain.locked_chain(session)
        through = _last_due(session, cutoff)
        if through is None or through <= head.purged_through_seq:
            return PurgeResult(cutoff, 0, 0, None)
        last = session.execute(
            select(AuditEvent).where(col(AuditEvent.seq) == through)
        ).scalar_one()
        events = _count(session, through)
        subjects = session.execute(
            select(func.count())
            .select_from(AuditSubject)
            .where(col(AuditSubject.event_seq) <= through)
        ).scalar_one()
        permit = AuditPurge(
            cutoff=cutoff,
            through_seq=through,
            through_hmac=last.hmac,
            through_time=last.occurred_at,
            events=events,
            subjects=subjects,
            user_initials=actor.initials,
            os_user=actor.os_user,
            active=True,
        )
        session.add(permit)
        session.flush()
        session.execute(delete(AuditSubject).where(col(AuditSubject.event_seq) <= through))
        session.execute(delete(AuditEvent).where(col(AuditEvent.seq) <= through))
        session.expunge(last)
        event = audit.record(
            session,
            actor,
            "purge_audit",
            entity="audit_purge",
            entity_id=permit.id,
            details={
                "through_seq": through,
                "through_hmac": permit.through_hmac,
                "through_time": permit.through_time,
                "cutoff": cutoff,
                "months": months,
                "events": events,
                "subject_rows": subjects,  # ("subjects" is the index list of every event)
            },
        )
        permit.active = False
        permit.event_seq = event.seq
        head.purged_through_seq, head.purged_through_hmac = through, permit.through_hmac
        session.flush()
    log.info("access log purged: %d events before %s", events, cutoff.date().isoformat())
    return PurgeResult(cutoff, events, subjects, through)


def _last_due(session: Session, cutoff: datetime) -> int | None:
    """The last event of the prefix that is due: everything before the first event kept."""
    first_kept: int | None = session.execute(
        select(func.min(col(AuditEvent.seq))).where(col(AuditEvent.occurred_at) >= cutoff)
    ).scalar_one()
    if first_kept is None:
        first_kept = (session.execute(select(func.max(col(AuditEvent.seq)))).scalar_one() or 0) + 1
    return first_kept - 1 if first_kept > 1 else None


def _count(session: Session, through: int | None) -> int:
    if through is None:
        return 0
    count: int = session.execute(
        select(func.count()).select_from(AuditEvent).where(col(AuditEvent.seq) <= through)
    ).scalar_one()
    return count


def purge_at_start(db: Database) -> PurgeResult | None:
    """The app's start-up call: purge what is due, never stopping the start (a PostgreSQL desk
    without the owner's rights leaves the purge to IT's ``minplan audit purge``)."""
    try:
        return purge_expired(db, system_actor())
    except (MinPlanError, DBAPIError) as problem:
        log.warning("access-log purge skipped: %s", type(problem).__name__)
        return None
