"""What goes into a citizen's printed plan (LAB § 41), read from the database as plain values.

Never the full CPR number: the citizen is named with the date of birth. The changes since the
previous printed version come from the plan versions (or "first plan" the first time).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, literal, or_, select
from sqlmodel import Session, col

from app.domain.dates import add_months, local_today, utc_now, utc_to_local
from app.domain.errors import NotFoundError
from app.domain.plan import PLAN_FIELDS, MilestoneState, PlanChange, PlanSnapshot, diff
from app.store.engine import Database, transaction
from app.store.models import (
    Caseworker,
    Citizen,
    Company,
    Conversation,
    Employment,
    Milestone,
    Offer,
    Plan,
    PlanVersion,
)
from app.store.read_together import read_together
from app.store.row_values import not_null


@dataclass(frozen=True)
class OfferItem:
    kind: str
    company: str | None
    title: str | None
    start: date | None
    end: date | None
    hours_per_week: float | None
    status: str


@dataclass(frozen=True)
class FinishedOfferItem:
    """An offer that ended in the last 12 months, with how it went (LAB § 41 stk. 2 nr. 7)."""

    kind: str
    company: str | None
    start: date | None
    end: date | None  # the day it ended (or was cancelled)
    status: str  # completed / cancelled
    #: What followed: "job" (an ordinary job or paid hours at the same company within a month),
    #: "education", or None.
    led_to: str | None


@dataclass(frozen=True)
class MeetingItem:
    when: datetime  # local time
    kind: str
    channel: str
    location: str | None


@dataclass(frozen=True)
class MilestoneItem:
    title: str
    due: date | None
    status: str
    completed_on: date | None


@dataclass(frozen=True)
class PlanDocument:
    citizen_id: int
    name: str
    birth_date: date
    language: str
    caseworker_name: str | None
    caseworker_phone: str | None
    caseworker_email: str | None
    fields: dict[str, str | None]
    milestones: tuple[MilestoneItem, ...]
    offers: tuple[OfferItem, ...]
    meetings: tuple[MeetingItem, ...]
    changes: tuple[PlanChange, ...] | None  # None: the first printed plan
    previous_print: datetime | None
    made_on: date
    #: The day the plan was agreed with the citizen (None: not recorded).
    agreed_on: date | None = None
    finished: tuple[FinishedOfferItem, ...] = ()
    #: The plan's texts and steps as read for this document: the version recorded as printed
    #: (``mark_printed_in``) is exactly what was printed, without reading the plan again.
    snapshot: PlanSnapshot | None = None
    #: The newest saved plan version when the document was read, as (id, number, snapshot JSON),
    #: or None when none was saved: recording the print compares the snapshot with it, without
    #: asking for it again.
    latest_version: tuple[int, int, str] | None = None


_RUNNING = ("planned", "active")
_ENDED = ("completed", "cancelled")

# The document's queries, built once (a print runs them all; building a statement costs about as
# much as running one of these on an indexed citizen). They read the columns the document shows
# as plain rows: the session need not track what a print only reads, and loading whole objects
# cost as much as the queries themselves.
#: The citizen, their caseworker and their plan (one each at most) in one row.
_CITIZEN: Select[*tuple[Any, ...]] = (
    select(
        col(Citizen.first_name),
        col(Citizen.last_name),
        col(Citizen.birth_date),
        col(Citizen.language),
        col(Citizen.deleted_at),
        col(Caseworker.name).label("caseworker_name"),
        col(Caseworker.phone).label("caseworker_phone"),
        col(Caseworker.email).label("caseworker_email"),
        col(Plan.id).label("plan_id"),
        col(Plan.agreed_on),
        *(col(getattr(Plan, name)).label(f"field_{name}") for name in PLAN_FIELDS),
    )
    .select_from(Citizen)
    .outerjoin(Caseworker, col(Caseworker.id) == col(Citizen.caseworker_id))
    .outerjoin(Plan, col(Plan.citizen_id) == col(Citizen.id))
    .where(col(Citizen.id) == bindparam("citizen"))
)
#: A milestone's columns in the order of ``MilestoneState``'s fields: what a plan version keeps
#: of it (here for the printed plan, and in the plans a bundle import saves).
MILESTONE_STATE_COLUMNS = (
    col(Milestone.id),
    col(Milestone.title),
    col(Milestone.due),
    col(Milestone.status),
    col(Milestone.completed_on),
    col(Milestone.drop_reason),
)
_MILESTONES = (
    select(*MILESTONE_STATE_COLUMNS)
    .where(col(Milestone.citizen_id) == bindparam("citizen"), col(Milestone.deleted_at).is_(None))
    .order_by(col(Milestone.position), col(Milestone.id))
)
#: The running offers and the ended ones in one query (split by status after it).
_OFFERS: Select[*tuple[Any, ...]] = (
    select(
        col(Offer.kind),
        col(Company.name).label("company"),
        col(Offer.company_id),
        col(Offer.title),
        col(Offer.start_date),
        col(Offer.planned_end),
        col(Offer.actual_end),
        col(Offer.hours_per_week),
        col(Offer.status),
        col(Offer.updated_at),
    )
    .outerjoin(Company, col(Company.id) == col(Offer.company_id))
    .where(
        col(Offer.citizen_id) == bindparam("citizen"),
        col(Offer.deleted_at).is_(None),
        col(Offer.status).in_([literal(status) for status in _RUNNING + _ENDED]),
    )
    .order_by(col(Offer.start_date), col(Offer.id))
)
_OUTCOMES = select(
    col(Employment.kind), col(Employment.company_id), col(Employment.start_date)
).where(col(Employment.citizen_id) == bindparam("citizen"))
_MEETINGS = (
    select(
        col(Conversation.scheduled_at),
        col(Conversation.kind),
        col(Conversation.channel),
        col(Conversation.location),
    )
    .where(
        col(Conversation.citizen_id) == bindparam("citizen"),
        col(Conversation.status) == "planned",
        col(Conversation.scheduled_at) >= bindparam("now"),
    )
    .order_by(col(Conversation.scheduled_at))
    .limit(5)
)
#: The newest saved version and the newest printed one (the same row when the newest was printed):
#: at most two rows, newest first, in one query.
_VERSIONS = (
    select(
        col(PlanVersion.id),
        col(PlanVersion.number),
        col(PlanVersion.snapshot),
        col(PlanVersion.printed_at),
    )
    .where(
        col(PlanVersion.citizen_id) == bindparam("citizen"),
        or_(
            col(PlanVersion.printed_at).is_not(None),
            col(PlanVersion.number)
            == select(func.max(col(PlanVersion.number)))
            .where(col(PlanVersion.citizen_id) == bindparam("citizen"))
            .scalar_subquery(),
        ),
    )
    .order_by(col(PlanVersion.number).desc())
    .limit(2)
)


def plan_document(db: Database, citizen_id: int, *, today: date | None = None) -> PlanDocument:
    """Everything the printed plan shows, in one short session."""
    with transaction(db) as s:
        return plan_document_in(s, citizen_id, today=today)


def plan_document_in(s: Session, citizen_id: int, *, today: date | None = None) -> PlanDocument:
    """``plan_document`` in the caller's transaction (the print checks, reads, renders and records
    in one: ``plan_printing.plan_pdf``)."""
    today = today or local_today()
    s.flush()  # the rows are read on the transaction's connection: what the session holds first
    at: dict[str, Any] = {"citizen": citizen_id}
    # All at once: one round trip to a team server (what followed an offer, read whether or not
    # one was completed, costs less than a round trip of its own)
    citizens, milestones, all_offers, outcomes, meetings, versions = read_together(
        s.connection(),
        [
            (_CITIZEN, at),
            (_MILESTONES, at),
            (_OFFERS, at),
            (_OUTCOMES, at),  # rows of (kind, company id, start)
            (_MEETINGS, {**at, "now": utc_now()}),
            (_VERSIONS, at),
        ],
    )
    citizen = citizens[0] if citizens else None
    if citizen is None or citizen.deleted_at is not None:
        raise NotFoundError("The citizen no longer exists")
    offers = [o for o in all_offers if o.status in _RUNNING]
    ended = [o for o in all_offers if o.status in _ENDED]
    year_ago = add_months(today, -12)
    printed = next((v for v in versions if v.printed_at is not None), None)
    has_plan = citizen.plan_id is not None
    fields = {k: getattr(citizen, f"field_{k}") if has_plan else None for k in PLAN_FIELDS}
    current = PlanSnapshot(
        fields,
        tuple(
            MilestoneState(m.id, m.title, m.due, m.status, m.completed_on, m.drop_reason)
            for m in milestones
        ),
    )
    changes = (
        tuple(diff(PlanSnapshot.from_json(json.loads(printed.snapshot)), current))
        if printed
        else None
    )
    return PlanDocument(
        citizen_id=citizen_id,
        name=f"{citizen.first_name} {citizen.last_name}",
        birth_date=citizen.birth_date,
        language=citizen.language,
        caseworker_name=citizen.caseworker_name,
        caseworker_phone=citizen.caseworker_phone,
        caseworker_email=citizen.caseworker_email,
        fields=fields,
        milestones=tuple(
            MilestoneItem(m.title, m.due, m.status, m.completed_on) for m in milestones
        ),
        offers=tuple(
            OfferItem(
                o.kind, o.company, o.title, o.start_date, o.planned_end, o.hours_per_week, o.status
            )
            for o in offers
        ),
        meetings=tuple(
            MeetingItem(utc_to_local(not_null(c.scheduled_at)), c.kind, c.channel, c.location)
            for c in meetings
        ),
        changes=changes,
        previous_print=printed.printed_at if printed else None,
        made_on=today,
        agreed_on=citizen.agreed_on if has_plan else None,
        finished=tuple(
            item
            for o in ended
            if (item := _finished(o, outcomes)).end is None or item.end >= year_ago
        ),
        snapshot=current,
        latest_version=(versions[0].id, versions[0].number, versions[0].snapshot)
        if versions
        else None,
    )


def _finished(offer: Row[Any], outcomes: Sequence[Row[str, int | None, date]]) -> FinishedOfferItem:
    """An ended offer and what followed it within a month: a job (at the same company, or any
    job when the offer had none), or an education."""
    end: date | None
    if offer.status == "cancelled":
        end = utc_to_local(offer.updated_at).date()  # the row was last changed by the cancelling
    else:
        end = offer.actual_end or offer.planned_end or offer.start_date
    led_to = None
    if offer.status == "completed" and end is not None:
        for kind, company_id, start in outcomes:
            if not end <= start <= end + timedelta(days=31):
                continue
            if kind in ("ordinary_job", "paid_hours", "flexjob") and (
                offer.company_id is None or company_id == offer.company_id
            ):
                led_to = "job"
            elif kind == "education" and led_to is None:
                led_to = "education"
    return FinishedOfferItem(offer.kind, offer.company, offer.start_date, end, offer.status, led_to)
