"""The caseworker's day ("I dag") as plain values: what the page shows, and how the day's
deadlines are sorted into its sections.

Read by ``app.casework.deadlines.today.day_overview`` (SQLAlchemy) and, for the first screen of
a start, by ``app.store.day_read`` (the DB-API driver, before the ORM is loaded): both build the
day here, so it is made in one place only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from app.domain.codes import N_
from app.domain.deadlines import Deadline


class CitizenDeadline(Protocol):
    """A deadline with the citizen it belongs to (``app.store.kept_deadlines.CitizenDeadline``)."""

    @property
    def citizen_id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def cpr(self) -> str: ...
    @property
    def deadline(self) -> Deadline: ...
    @property
    def next_booked(self) -> datetime | None: ...


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


def arrange_day(
    today: date,
    worker: int,
    found: Iterable[CitizenDeadline],
    booked: list[BookedConversation],
    milestones: tuple[MilestoneLine, ...],
) -> DayOverview:
    """The day of ``worker``'s caseload from its open deadlines (by due date, then name in Danish
    order), its booked conversations of today and tomorrow (in time order) and its overdue
    milestones. The lines keep that order (a name compared as text would put Å before Æ)."""
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
    return DayOverview(
        today,
        worker,
        today_conversations=tuple(b for b in booked if b.at.date() == today),
        tomorrow_conversations=tuple(b for b in booked if b.at.date() != today),
        overdue=tuple(tuple(sorted(b, key=lambda x: x.due)) for b in bands),
        due_soon=tuple(soon),
        needs_booking=tuple(booking),
        milestones=milestones,
    )
