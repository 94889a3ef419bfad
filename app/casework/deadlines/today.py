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

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import col, select

from app.casework.core.access import _team
from app.casework.core.actor import Actor
from app.casework.deadlines.deadlines import CitizenDeadline, deadlines_for
from app.domain.dates import local_to_utc, utc_to_local
from app.domain.deadlines import Deadline, RuleBook
from app.domain.errors import PermissionDeniedError
from app.i18n import N_
from app.store.engine import Database, transaction
from app.store.models import Citizen, Conversation, Milestone
from app.store.row_values import not_null

#: A conversation requirement due within this many days with nothing booked needs booking.
NEEDS_BOOKING_DAYS = 30
#: Due within this many days (the law's deadlines that need doing this week).
DUE_WITHIN_DAYS = 7

#: Overdue deadlines by how long ago they fell due: (up to this many days, label). The last
#: band has no limit. Nothing overdue is ever hidden; old items are only grouped apart.
OVERDUE_BANDS: tuple[tuple[int | None, str], ...] = (
    (30, N_("Overdue up to 30 days")),
    (90, N_("Overdue 31–90 days")),
    (365, N_("Overdue 91–365 days")),
    (None, N_("Overdue more than a year")),
)

#: Milestone states that are still to be reached.
OPEN_MILESTONE_STATUSES = ("planned", "in_progress")


def overdue_band(due: date, today: date) -> int:
    """The index in ``OVERDUE_BANDS`` of a deadline that fell due on ``due``."""
    late = (today - due).days
    for index, (limit, _label) in enumerate(OVERDUE_BANDS):
        if limit is None or late <= limit:
            return index
    return len(OVERDUE_BANDS) - 1  # pragma: no cover (the last band has no limit)


def milestone_overdue(due: date | None, status: str, today: date) -> bool:
    """A milestone past its date and not reached (nor dropped) is overdue."""
    return due is not None and due < today and status in OPEN_MILESTONE_STATUSES


def needs_booking(entry: CitizenDeadline, today: date) -> bool:
    """An open conversation requirement due within 30 days with no conversation booked in time."""
    d = entry.deadline
    return (
        d.status == "open"
        and d.kind != "offer_by"
        and d.due <= today + timedelta(days=NEEDS_BOOKING_DAYS)
        and (entry.next_booked is None or entry.next_booked.date() > d.due)
    )


@dataclass(frozen=True)
class BookedConversation:
    citizen_id: int
    name: str
    cpr: str
    at: datetime  # local wall-clock time
    channel: str
    kind: str
    location: str | None


@dataclass(frozen=True)
class DeadlineLine:
    citizen_id: int
    name: str
    cpr: str
    deadline: Deadline
    next_booked: datetime | None

    @property
    def due(self) -> date:
        return self.deadline.due


@dataclass(frozen=True)
class MilestoneLine:
    citizen_id: int
    name: str
    cpr: str
    title: str
    due: date
    status: str


@dataclass(frozen=True)
class DayOverview:
    """One caseload's day. ``caseworker_id`` is None when the actor has no caseload."""

    today: date
    caseworker_id: int | None
    today_conversations: tuple[BookedConversation, ...] = ()
    tomorrow_conversations: tuple[BookedConversation, ...] = ()
    #: Every overdue deadline, one tuple per band of ``OVERDUE_BANDS`` (oldest last).
    overdue: tuple[tuple[DeadlineLine, ...], ...] = field(
        default_factory=lambda: tuple(() for _ in OVERDUE_BANDS)
    )
    due_soon: tuple[DeadlineLine, ...] = ()
    needs_booking: tuple[DeadlineLine, ...] = ()
    milestones: tuple[MilestoneLine, ...] = ()

    @property
    def overdue_count(self) -> int:
        return sum(len(band) for band in self.overdue)

    @property
    def citizen_ids(self) -> list[int]:
        """Every citizen the day mentions (for the access log of an export)."""
        ids = {c.citizen_id for c in self.today_conversations + self.tomorrow_conversations}
        for band in self.overdue:
            ids |= {d.citizen_id for d in band}
        ids |= {d.citizen_id for d in self.due_soon + self.needs_booking}
        ids |= {m.citizen_id for m in self.milestones}
        return sorted(ids)


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
    bands: list[list[DeadlineLine]] = [[] for _ in OVERDUE_BANDS]
    soon: list[DeadlineLine] = []
    booking: list[DeadlineLine] = []
    for entry in found:
        line = DeadlineLine(
            entry.citizen_id, entry.name, entry.cpr, entry.deadline, entry.next_booked
        )
        d = entry.deadline
        if d.status == "overdue":
            bands[overdue_band(d.due, today)].append(line)
        elif d.status == "due_soon" or (
            d.status == "open" and d.due <= today + timedelta(days=DUE_WITHIN_DAYS)
        ):
            soon.append(line)
        elif needs_booking(entry, today):
            booking.append(line)
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
    return DayOverview(
        today,
        worker,
        today_conversations=tuple(b for b in booked if b.at.date() == today),
        tomorrow_conversations=tuple(b for b in booked if b.at.date() != today),
        overdue=tuple(tuple(sorted(b, key=lambda x: (x.due, x.name))) for b in bands),
        due_soon=tuple(soon),
        needs_booking=tuple(booking),
        milestones=milestones,
    )


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
