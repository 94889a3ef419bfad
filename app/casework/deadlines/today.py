"""The caseworker's day ("I dag"): what to do today, read for one caseload in one call.

``day_overview`` gathers, for the actor's own caseload (or, for a team lead or administrator,
a colleague's):

- the conversations booked today and tomorrow (citizen, time, channel);
- every open legal deadline that is overdue — all of them, however old, grouped by how long ago
  they fell due — and those due within 7 days;
- the citizens who need a conversation booked (a conversation requirement due within 30 days
  with nothing booked before it);
- the caseworker's own milestones whose date has passed without being reached.

The values are plain frozen dataclasses, so the window can show them after the session closed
and the CLI, tests and exports use the same data.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import col, select

from app.casework.core.access import _team
from app.casework.core.actor import Actor
from app.casework.deadlines.deadline_rule_files import load_rule_sets
from app.casework.deadlines.deadlines import deadlines_for
from app.domain.dates import local_to_utc, utc_to_local
from app.domain.day import (
    DUE_WITHIN_DAYS,
    NEEDS_BOOKING_DAYS,
    OPEN_MILESTONE_STATUSES,
    OVERDUE_BANDS,
    BookedConversation,
    DayOverview,
    DeadlineLine,
    MilestoneLine,
    arrange_day,
    milestone_overdue,
    needs_booking,
    overdue_band,
)
from app.domain.deadlines import RuleBook
from app.domain.errors import PermissionDeniedError
from app.store.engine import Database, transaction, translating_errors
from app.store.models import Citizen, Conversation, Milestone
from app.store.row_values import not_null

__all__ = [
    "DUE_WITHIN_DAYS",
    "NEEDS_BOOKING_DAYS",
    "OPEN_MILESTONE_STATUSES",
    "OVERDUE_BANDS",
    "BookedConversation",
    "DayOverview",
    "DeadlineLine",
    "MilestoneLine",
    "day_overview",
    "own_day_overview",
    "milestone_overdue",
    "needs_booking",
    "overdue_band",
    "overdue_milestones_of",
]


def _check_scope(db: Database, actor: Actor, caseworker_id: int) -> None:
    """A caseworker sees their own day; a team lead their team's; an administrator anyone's."""
    if caseworker_id == actor.caseworker_id or actor.role == "admin":
        return
    if actor.role == "teamlead":
        with transaction(db) as s:
            mine, theirs = _team(s, actor.caseworker_id), _team(s, caseworker_id)
        if mine is not None and mine == theirs:
            return
    raise PermissionDeniedError("You can see only your own caseload's day")


def day_overview(
    db: Database,
    actor: Actor,
    today: date,
    *,
    caseworker_id: int | None = None,
    rules: RuleBook | None = None,
) -> DayOverview:
    """The day for ``caseworker_id``'s caseload (default: the actor's own)."""
    worker = caseworker_id if caseworker_id is not None else actor.caseworker_id
    if worker is None:
        return DayOverview(today, None)
    _check_scope(db, actor, worker)
    found = deadlines_for(db, today, caseworker_ids={worker}, open_only=True, rules=rules)
    start = local_to_utc(datetime.combine(today, time()))
    end = local_to_utc(datetime.combine(today + timedelta(days=2), time()))
    with transaction(db) as s:
        # Two queries, not one with OR: with OR the database walked every conversation of the
        # two days at the whole jobcenter (130–230 ms at 100 000 citizens, at every start);
        # each of these seeks: the worker's own, and those of their citizens nobody holds.
        planned = (
            col(Conversation.status) == "planned",
            col(Conversation.scheduled_at) >= start,
            col(Conversation.scheduled_at) < end,
            col(Citizen.deleted_at).is_(None),
        )
        talks = [
            *s.exec(
                select(Conversation, Citizen)
                .join(Citizen, col(Citizen.id) == col(Conversation.citizen_id))
                .where(*planned, col(Conversation.caseworker_id) == worker)
            ),
            *s.exec(
                select(Conversation, Citizen)
                .join(Citizen, col(Citizen.id) == col(Conversation.citizen_id))
                .where(
                    *planned,
                    col(Conversation.caseworker_id).is_(None),
                    col(Citizen.caseworker_id) == worker,
                )
            ),
        ]
        talks.sort(key=lambda pair: (not_null(pair[0].scheduled_at), not_null(pair[0].id)))
        booked = [
            BookedConversation(
                c.citizen_id,
                f"{p.first_name} {p.last_name}",
                p.cpr,
                utc_to_local(not_null(c.scheduled_at)),
                c.channel,
                c.kind,
                c.location,
            )
            for c, p in talks
        ]
        marks = s.exec(
            select(Milestone, Citizen)
            .join(Citizen, col(Citizen.id) == col(Milestone.citizen_id))
            .where(
                col(Citizen.caseworker_id) == worker,
                col(Citizen.deleted_at).is_(None),
                col(Milestone.deleted_at).is_(None),
                col(Milestone.status).in_(OPEN_MILESTONE_STATUSES),
                col(Milestone.due) < today,
            )
            .order_by(col(Milestone.due).desc(), col(Citizen.sort_key))  # the latest first
        ).all()
        milestones = tuple(
            MilestoneLine(
                m.citizen_id,
                f"{p.first_name} {p.last_name}",
                p.cpr,
                m.title,
                not_null(m.due),
                m.status,
            )
            for m, p in marks
        )
    return arrange_day(today, worker, found, booked, milestones)


def own_day_overview(
    db: Database, actor: Actor, today: date, *, rules: RuleBook | None = None
) -> DayOverview:
    """The actor's own day as I dag reads it: through the driver (``app.store.day_read``: no
    SQLAlchemy expressions to build and compile, a tenth of a start's I dag) where the kept
    requirements are current; otherwise ``day_overview``, which rebuilds them first. The same
    day either way (``tests/test_day_read.py``), on a file and on a server."""
    if actor.caseworker_id is not None:
        from app.store.day_read import read_day

        book = rules or load_rule_sets().book
        with translating_errors(db), db.engine.connect() as conn:
            day = read_day(conn.connection.dbapi_connection, actor.caseworker_id, today, book)
        if day is not None:
            return day
    return day_overview(db, actor, today, rules=rules)


def overdue_milestones_of(db: Database, citizen_id: int, today: date) -> list[tuple[str, date]]:
    """One citizen's milestones past their date and not reached: (title, due), the oldest first
    (said before the plan is printed, so nobody prints a plan that looks on track)."""
    with transaction(db) as s:
        rows = s.exec(
            select(col(Milestone.title), col(Milestone.due))
            .where(
                col(Milestone.citizen_id) == citizen_id,
                col(Milestone.deleted_at).is_(None),
                col(Milestone.status).in_(OPEN_MILESTONE_STATUSES),
                col(Milestone.due) < today,
            )
            .order_by(col(Milestone.due))
        ).all()
    return [(title, not_null(due)) for title, due in rows]
