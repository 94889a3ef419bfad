"""The citizen's own access-log extract (the right of access covers logs, CJEU C-579/21): when the
jobcenter looked at, changed, printed or exported their information in Min Plan, and why.

Employees are left out by default (Datatilsynet's practice); a team lead or an administrator may
include initials and names where the municipality decides so. Making the extract is recorded, with
what was handed out (entries, checksum), in the same transaction that read the log.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from app import i18n
from app.casework.admin import org_settings
from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.core.reading import read_citizen
from app.casework.privacy.history import events_about
from app.domain.dates import local_today, utc_to_local
from app.domain.errors import NotFoundError, PermissionDeniedError
from app.domain.identifiers import normalise_cpr
from app.reports.access_log_pdf import Extract, ExtractLine, render_extract
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker, Citizen
from app.wording.audit_labels import citizen_purpose, citizen_sentence, details_of


def citizen_by_cpr(db: Database, cpr: str, *, deleted_ok: bool = True) -> int:
    """The id of the citizen with this CPR number (one deleted but not yet erased too, unless
    ``deleted_ok`` is false), or ``NotFoundError``: nothing else, never the caseworker."""
    digits = normalise_cpr(cpr)
    query = select(col(Citizen.id)).where(col(Citizen.cpr) == digits)
    if not deleted_ok:
        query = query.where(col(Citizen.deleted_at).is_(None))
    with transaction(db) as session:
        found = session.exec(query).first()
    if found is None:
        raise NotFoundError("No citizen with that CPR number")
    return found


def _lines(session: Session, citizen_id: int, language: str, with_names: bool) -> list[ExtractLine]:
    t = i18n.gettext_for(language)
    names = (
        {c.initials: c.name for c in session.exec(select(Caseworker)).all()} if with_names else {}
    )
    events = session.exec(
        select(AuditEvent).where(events_about(citizen_id)).order_by(col(AuditEvent.seq))
    ).all()
    lines: list[ExtractLine] = []
    for event in events:
        found = event.citizen_id != citizen_id
        what = citizen_sentence(
            event.action, event.entity, details_of(event.details), found=found, t=t
        )
        purpose = citizen_purpose(event.action, event.purpose, t)
        who = None
        if with_names:
            who = (
                f"{event.user_initials} ({names[event.user_initials]})"
                if event.user_initials in names
                else event.user_initials or event.os_user
            )
        when = utc_to_local(event.occurred_at)
        last = lines[-1] if lines else None
        if (
            last is not None
            and last.when.date() == when.date()
            and (last.what, last.purpose, last.who) == (what, purpose, who)
        ):
            lines[-1] = ExtractLine(last.when, what, purpose, who, last.count + 1)
        else:
            lines.append(ExtractLine(when, what, purpose, who))
    return lines


def make_extract(
    db: Database,
    actor: Actor,
    citizen_id: int,
    path: Path | None = None,
    *,
    with_names: bool = False,
    language: str | None = None,
    today: date | None = None,
    purpose: str | None = None,
) -> bytes:
    """The extract as PDF bytes (and written to ``path``); recorded as handed out. Reading the
    citizen's log is a read of the citizen: checked (``purpose`` breaks the glass) and logged."""
    if with_names and actor.role not in ("teamlead", "admin"):
        raise PermissionDeniedError(
            "Only a team lead or an administrator can include the employees' names"
        )

    def make(session: Session) -> tuple[bytes, None]:
        read_citizen(session, actor, citizen_id, "access_log_extract", purpose=purpose)
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise NotFoundError("The citizen no longer exists")
        lang = i18n.normalise_language(language or citizen.language)
        lines = _lines(session, citizen_id, lang, with_names)
        extract = Extract(
            name=f"{citizen.first_name} {citizen.last_name}",
            birth_date=citizen.birth_date,
            language=lang,
            made_on=today or local_today(),
            months_kept=org_settings.read(session, "audit_retention_months"),
            first=lines[0].when if lines else None,
            lines=tuple(lines),
            with_names=with_names,
        )
        content = render_extract(extract)
        audit.record(
            session,
            actor,
            "access_log_extract",
            entity="audit_event",
            citizen_id=citizen_id,
            details={
                "with_names": with_names,
                "language": lang,
                "lines": len(lines),
                "events": sum(line.count for line in lines),
                "sha256": audit.checksum(content),
            },
        )
        return content, None

    content, _none = audit.write_with_event(db, path, make)
    return content
