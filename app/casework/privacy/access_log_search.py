"""The team lead's "Adgangslog": search the access log by citizen (CPR), user and dates, and
export what was found — for spot checks ("stikprøver") and for looking into a suspicion.

Only team leads and administrators may (checked here, not only in the GUI), and the search and
the export are themselves recorded: who searched the log, for which citizen, with which criteria.
The citizen searched for is recorded by id, never by CPR number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.privacy.history import entry_of, events_about, names_for
from app.domain.dates import local_to_utc
from app.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.domain.identifiers import normalise_cpr
from app.i18n import N_, _
from app.reports.safe_cells import neutralise
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Citizen
from app.wording.audit_labels import action_label, details_of, entity_label

#: Rows shown or exported at most (newest first); narrow the search to see older ones.
LIMIT = 10_000
ROLES = ("teamlead", "admin")


@dataclass(frozen=True)
class LogQuery:
    cpr: str | None = None
    initials: str | None = None
    start: date | None = None
    end: date | None = None  # inclusive

    def criterion(self) -> str:
        """The search as recorded (the citizen is recorded by id, not here)."""
        parts = [f"cpr={'yes' if self.cpr else 'no'}"]
        if self.initials:
            parts.append(f"user={self.initials.strip().upper()}")
        if self.start:
            parts.append(f"from={self.start.isoformat()}")
        if self.end:
            parts.append(f"to={self.end.isoformat()}")
        return "; ".join(parts)


@dataclass(frozen=True)
class LogRow:
    seq: int | None
    when: datetime  # local wall-clock time
    initials: str | None
    os_user: str | None
    action: str
    entity: str | None
    citizen_id: int | None
    citizen: str | None  # "name (born dd.mm.yyyy)" of the event's own citizen
    purpose: str | None
    criterion: str | None
    details: dict[str, Any]
    #: The searched citizen was among the event's further subjects (a search hit, a calendar file).
    found: bool
    summary: str  # one readable line (``audit_labels.describe``)


def _check_role(actor: Actor) -> None:
    if actor.role not in ROLES:
        raise PermissionDeniedError("Only a team lead or an administrator can see the access log")


def _citizen_id(session: Session, cpr: str) -> int:
    digits = normalise_cpr(cpr)
    found = session.exec(select(col(Citizen.id)).where(col(Citizen.cpr) == digits)).first()
    if found is None:
        raise NotFoundError("No citizen with that CPR number")
    return found


def _rows(session: Session, query: LogQuery, citizen_id: int | None) -> list[LogRow]:
    if query.start and query.end and query.end < query.start:
        raise ValidationError("The end date is before the start date", field="end")
    statement = select(AuditEvent, Citizen).outerjoin(
        Citizen, col(Citizen.id) == col(AuditEvent.citizen_id)
    )
    if citizen_id is not None:
        statement = statement.where(events_about(citizen_id))
    if query.initials:
        statement = statement.where(col(AuditEvent.user_initials) == query.initials.strip().upper())
    if query.start:
        statement = statement.where(
            col(AuditEvent.occurred_at) >= local_to_utc(datetime.combine(query.start, time.min))
        )
    if query.end:
        statement = statement.where(
            col(AuditEvent.occurred_at)
            < local_to_utc(datetime.combine(query.end + timedelta(days=1), time.min))
        )
    found = session.exec(statement.order_by(col(AuditEvent.seq).desc()).limit(LIMIT)).all()
    parsed = [details_of(event.details) for event, _person in found]
    names = names_for(session, parsed)
    rows = []
    for event, person in found:
        entry = entry_of(event, citizen_id, names)
        rows.append(
            LogRow(
                entry.seq,
                entry.when,
                event.user_initials,
                entry.os_user,
                entry.action,
                entry.entity,
                event.citizen_id,
                f"{person.first_name} {person.last_name} ({person.birth_date.strftime('%d.%m.%Y')})"
                if person
                else None,
                entry.purpose,
                entry.criterion,
                entry.details or {},
                entry.found,
                entry.summary,
            )
        )
    return rows


def search_log(db: Database, actor: Actor, query: LogQuery) -> list[LogRow]:
    """The events matching the query, newest first (at most ``LIMIT``); the search is recorded."""
    _check_role(actor)
    with transaction(db) as session:
        citizen_id = _citizen_id(session, query.cpr) if query.cpr else None
        rows = _rows(session, query, citizen_id)
        audit.record(
            session,
            actor,
            "search_access_log",
            entity="audit_event",
            citizen_id=citizen_id,
            criterion=query.criterion(),
            details={"hits": len(rows)},
        )
        return rows


HEADERS = (
    N_("Sequence"),
    N_("Time"),
    N_("User"),
    N_("Computer user"),
    N_("Action"),
    N_("Area"),
    N_("Citizen no."),
    N_("Citizen"),
    N_("Purpose"),
    N_("Search criterion"),
    N_("Details"),
)


def log_csv(rows: list[LogRow]) -> bytes:
    """``;``-separated, UTF-8 with BOM (a Danish Excel opens it directly), every cell neutralised
    against formula injection. No CPR numbers: the citizen's number in Min Plan and birth date."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(_(h)) for h in HEADERS])
    for row in rows:
        cells = [
            row.seq,
            row.when.strftime("%d.%m.%Y %H:%M:%S"),
            row.initials or "",
            row.os_user or "",
            action_label(row.action),
            entity_label(row.entity),
            row.citizen_id or "",
            row.citizen or "",
            row.purpose or "",
            row.criterion or "",
            row.summary,
        ]
        writer.writerow([neutralise("" if c is None else str(c)) for c in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_log(db: Database, actor: Actor, query: LogQuery, path: Path) -> int:
    """Write the query's result as CSV; the export (with its checksum) is recorded with it."""
    _check_role(actor)

    def make(session: Session) -> tuple[bytes, int]:
        citizen_id = _citizen_id(session, query.cpr) if query.cpr else None
        rows = _rows(session, query, citizen_id)
        content = log_csv(rows)
        audit.record(
            session,
            actor,
            "export_access_log",
            entity="audit_event",
            citizen_id=citizen_id,
            criterion=query.criterion(),
            details={"rows": len(rows), "format": "csv", "sha256": audit.checksum(content)},
        )
        return content, len(rows)

    _content, count = audit.write_with_event(db, path, make)
    return int(count)
