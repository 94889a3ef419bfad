"""Booked conversations as an iCalendar file (for Outlook and others), one caseworker, a date range.

Privacy: an event names the citizen by initials and birth date at most, never the CPR number or
the full name, because calendar files travel to mail servers and phones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from icalendar import Calendar, Event
from sqlmodel import Session, col, select

from app import i18n
from app.casework.core import audit
from app.casework.core.actor import Actor
from app.domain.codes import CHANNELS, CONVERSATION_KINDS
from app.domain.dates import local_to_utc
from app.domain.errors import PermissionDeniedError
from app.store.engine import Database
from app.store.models import Caseworker, Citizen, Conversation
from app.store.row_values import saved_id

DURATION = timedelta(minutes=45)


def initials_of(first_name: str, last_name: str) -> str:
    return "".join(part[:1].upper() + "." for part in f"{first_name} {last_name}".split() if part)


def calendar_bytes(
    db: Database,
    actor: Actor,
    caseworker_id: int,
    start: date,
    end: date,
    *,
    path: Path | None = None,
) -> tuple[bytes, int]:
    """The .ics content with the caseworker's booked conversations from ``start`` to ``end``,
    read and recorded in the access log (with the citizens it names) in one transaction; with
    ``path`` the file is written in that transaction too and takes its name after the commit."""
    low = local_to_utc(datetime.combine(start, time.min))
    high = local_to_utc(datetime.combine(end, time.max))

    def make(s: Session) -> tuple[bytes, int]:
        worker = s.get(Caseworker, caseworker_id)
        _require_calendar(s, actor, worker)
        rows = s.exec(
            select(Conversation, Citizen)
            .join(Citizen, col(Citizen.id) == col(Conversation.citizen_id))
            .where(
                col(Conversation.caseworker_id) == caseworker_id,
                col(Conversation.status) == "planned",
                col(Conversation.scheduled_at) >= low,
                col(Conversation.scheduled_at) <= high,
                col(Citizen.deleted_at).is_(None),
            )
            .order_by(col(Conversation.scheduled_at))
        ).all()
        content = _ics(worker, rows)
        audit.record(
            s,
            actor,
            "export_calendar",
            details={
                "caseworker_id": caseworker_id,
                "from": start,
                "to": end,
                "events": len(rows),
                "sha256": audit.checksum(content),
            },
            subjects=[saved_id(citizen) for _conversation, citizen in rows],
        )
        return content, len(rows)

    return audit.write_with_event(db, path, make)


def _require_calendar(session: Session, actor: Actor, worker: Caseworker | None) -> None:
    """A caseworker exports their own calendar, a team lead the team's, an administrator any."""
    if actor.role == "admin" or (worker is not None and worker.id == actor.caseworker_id):
        return
    if actor.role == "teamlead" and worker is not None:
        me = session.get(Caseworker, actor.caseworker_id) if actor.caseworker_id else None
        if me is not None and me.team and me.team == worker.team:
            return
    raise PermissionDeniedError("You can export only your own calendar (a team lead: the team's)")


def _ics(worker: Caseworker | None, rows: Sequence[tuple[Conversation, Citizen]]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Min Plan//Jobcenter//DA")
    calendar.add("version", "2.0")
    calendar.add(
        "x-wr-calname",
        i18n._("Min Plan conversations, {name}").format(name=worker.initials if worker else ""),
    )
    for conversation, citizen in rows:
        event = Event()
        who = f"{initials_of(citizen.first_name, citizen.last_name)} ({i18n.format_short_date(citizen.birth_date)})"
        event.add("uid", f"minplan-conversation-{conversation.id}@minplan")
        event.add("dtstamp", conversation.updated_at)
        start = conversation.scheduled_at
        assert start is not None  # the query chose conversations booked in a time range
        event.add("dtstart", start)
        event.add("dtend", start + DURATION)
        event.add("summary", f"{i18n.label(CONVERSATION_KINDS, conversation.kind)}: {who}")
        event.add("location", conversation.location or i18n.label(CHANNELS, conversation.channel))
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical


def export_calendar(
    db: Database, actor: Actor, caseworker_id: int, start: date, end: date, path: Path
) -> int:
    """Write the .ics file; returns the number of conversations in it."""
    _content, count = calendar_bytes(db, actor, caseworker_id, start, end, path=path)
    return count
