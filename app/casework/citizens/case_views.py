"""Read views for the citizen page's tabs: plain frozen rows, never ORM objects.

Each function reads one area of one citizen in one short session, with the version number the
tab passes back to the use case (optimistic locking); it checks that the actor may read the
citizen and writes the view event in that session (``reading.read_citizen``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from sqlmodel import col, select

from app.casework.core.actor import Actor
from app.casework.core.reading import read_citizen
from app.domain.dates import utc_to_local
from app.domain.spells import SPELL_FACTS
from app.store.engine import Database, transaction
from app.store.models import (
    BenefitSpell,
    Caseworker,
    Company,
    Conversation,
    Employment,
    Milestone,
    Offer,
    Plan,
)
from app.store.row_values import saved_id


@dataclass(frozen=True)
class ConversationRow:
    id: int
    version: int
    when: datetime | None  # local wall-clock time
    kind: str
    channel: str
    held_by: str
    with_a_kasse: bool
    status: str
    held_on: date | None
    caseworker: str | None
    location: str | None
    note: str | None


def conversations_of(db: Database, actor: Actor, citizen_id: int) -> list[ConversationRow]:
    """Booked ones first (soonest first), then the past (newest first)."""
    with transaction(db) as s:
        read_citizen(s, actor, citizen_id, "conversations")
        rows = s.exec(
            select(Conversation, col(Caseworker.initials))
            .outerjoin(Caseworker, col(Caseworker.id) == col(Conversation.caseworker_id))
            .where(col(Conversation.citizen_id) == citizen_id)
        ).all()
    views = [
        ConversationRow(
            saved_id(c),
            c.version,
            utc_to_local(c.scheduled_at) if c.scheduled_at else None,
            c.kind,
            c.channel,
            c.held_by,
            c.with_a_kasse,
            c.status,
            c.held_on,
            initials,
            c.location,
            c.note,
        )
        for c, initials in rows
    ]
    planned = sorted(
        (v for v in views if v.status == "planned"),
        key=lambda v: (v.when is None, v.when or datetime.min),
    )
    past = sorted(
        (v for v in views if v.status != "planned"),
        key=lambda v: v.when.date() if v.when else v.held_on or date.min,
        reverse=True,
    )
    return planned + past


@dataclass(frozen=True)
class OfferRow:
    id: int
    version: int
    kind: str
    company_id: int | None
    company: str | None
    title: str | None
    offered_on: date | None
    start: date | None
    planned_end: date | None
    actual_end: date | None
    hours_per_week: float | None
    status: str
    deleted: bool


def offers_of(
    db: Database, actor: Actor, citizen_id: int, *, include_deleted: bool = False
) -> list[OfferRow]:
    with transaction(db) as s:
        read_citizen(s, actor, citizen_id, "offers")
        query = (
            select(Offer, col(Company.name))
            .outerjoin(Company, col(Company.id) == col(Offer.company_id))
            .where(col(Offer.citizen_id) == citizen_id)
        )
        if not include_deleted:
            query = query.where(col(Offer.deleted_at).is_(None))
        rows = s.exec(query.order_by(col(Offer.start_date).desc(), col(Offer.id).desc())).all()
        return [
            OfferRow(
                saved_id(o),
                o.version,
                o.kind,
                o.company_id,
                name,
                o.title,
                o.offered_on,
                o.start_date,
                o.planned_end,
                o.actual_end,
                o.hours_per_week,
                o.status,
                o.deleted_at is not None,
            )
            for o, name in rows
        ]


@dataclass(frozen=True)
class SpellRow:
    id: int
    version: int
    target_group: str
    start: date
    end: date | None
    end_reason: str | None
    visited_to_jobcenter: bool
    exempt_75: bool
    agreed_contact_days: int | None
    #: Every fact of the spell the deadline rules count from, by field name (for editing).
    facts: Mapping[str, Any] = field(default_factory=dict)


def spells_of(db: Database, actor: Actor, citizen_id: int) -> list[SpellRow]:
    with transaction(db) as s:
        read_citizen(s, actor, citizen_id, "spells")
        rows = s.exec(
            select(BenefitSpell)
            .where(col(BenefitSpell.citizen_id) == citizen_id)
            .order_by(col(BenefitSpell.start_date).desc())
        ).all()
        return [
            SpellRow(
                saved_id(r),
                r.version,
                r.target_group,
                r.start_date,
                r.end_date,
                r.end_reason,
                r.visited_to_jobcenter,
                r.exempt_75,
                r.agreed_contact_days,
                MappingProxyType({name: getattr(r, name) for name in SPELL_FACTS}),
            )
            for r in rows
        ]


@dataclass(frozen=True)
class EmploymentRow:
    id: int
    version: int
    kind: str
    company: str | None
    start: date
    end: date | None
    hours_per_week: float | None
    hours_per_month: float | None
    completed: bool | None


def employment_of(db: Database, actor: Actor, citizen_id: int) -> list[EmploymentRow]:
    with transaction(db) as s:
        read_citizen(s, actor, citizen_id, "employment")
        rows = s.exec(
            select(Employment, col(Company.name))
            .outerjoin(Company, col(Company.id) == col(Employment.company_id))
            .where(col(Employment.citizen_id) == citizen_id)
            .order_by(col(Employment.start_date).desc(), col(Employment.id).desc())
        ).all()
        return [
            EmploymentRow(
                saved_id(e),
                e.version,
                e.kind,
                name,
                e.start_date,
                e.end_date,
                e.hours_per_week,
                e.hours_per_month,
                e.completed,
            )
            for e, name in rows
        ]


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    version: int
    title: str
    due: date | None
    status: str
    completed_on: date | None
    drop_reason: str | None
    deleted: bool


@dataclass(frozen=True)
class PlanView:
    version: int | None  # None: no plan saved yet
    fields: dict[str, str | None]
    updated_on: date | None
    milestones: tuple[MilestoneRow, ...]
    agreed_on: date | None = None
    #: The benefit the citizen is on today (decides which goals LAB § 41 asks for).
    target_group: str | None = None
    sick_category: str | None = None


def plan_of(
    db: Database, actor: Actor, citizen_id: int, *, include_deleted: bool = False
) -> PlanView:
    from app.domain.plan import PLAN_FIELDS

    with transaction(db) as s:
        read_citizen(s, actor, citizen_id, "plan")
        plan = s.exec(select(Plan).where(col(Plan.citizen_id) == citizen_id)).first()
        query = select(Milestone).where(col(Milestone.citizen_id) == citizen_id)
        if not include_deleted:
            query = query.where(col(Milestone.deleted_at).is_(None))
        milestones = s.exec(query.order_by(col(Milestone.position), col(Milestone.id))).all()
        current = s.exec(
            select(col(BenefitSpell.target_group), col(BenefitSpell.sick_category))
            .where(col(BenefitSpell.citizen_id) == citizen_id)
            .order_by(col(BenefitSpell.start_date).desc())
        ).first()
        return PlanView(
            plan.version if plan else None,
            {k: getattr(plan, k) if plan else None for k in PLAN_FIELDS},
            plan.updated_on if plan else None,
            tuple(
                MilestoneRow(
                    saved_id(m),
                    m.version,
                    m.title,
                    m.due,
                    m.status,
                    m.completed_on,
                    m.drop_reason,
                    m.deleted_at is not None,
                )
                for m in milestones
            ),
            plan.agreed_on if plan else None,
            current[0] if current else None,
            current[1] if current else None,
        )


@dataclass(frozen=True)
class ContactRow:
    id: int
    contacted_on: date
    kind: str
    caseworker: str | None
    contact_person: str | None
    led_to_offer: bool
    note: str | None


@dataclass(frozen=True)
class OrderRow:
    id: int
    version: int
    received_on: date
    title: str
    positions: int
    status: str
    closed_on: date | None


@dataclass(frozen=True)
class CompanyView:
    id: int
    version: int
    cvr: str
    name: str
    address: str | None
    postal_code: str | None
    city: str | None
    employees: int | None
    contacts: tuple[ContactRow, ...]
    orders: tuple[OrderRow, ...]
    local: bool = False


def company_view(db: Database, company_id: int) -> CompanyView:
    """One company with its contact log (newest first) and recruitment orders."""
    from app.domain.errors import NotFoundError
    from app.store.models import CompanyContact, RecruitmentOrder

    with transaction(db) as s:
        company = s.get(Company, company_id)
        if company is None:
            raise NotFoundError("The company no longer exists")
        contacts = s.exec(
            select(CompanyContact, col(Caseworker.initials))
            .outerjoin(Caseworker, col(Caseworker.id) == col(CompanyContact.caseworker_id))
            .where(col(CompanyContact.company_id) == company_id)
            .order_by(col(CompanyContact.contacted_on).desc(), col(CompanyContact.id).desc())
        ).all()
        orders = s.exec(
            select(RecruitmentOrder)
            .where(col(RecruitmentOrder.company_id) == company_id)
            .order_by(col(RecruitmentOrder.received_on).desc())
        ).all()
        return CompanyView(
            saved_id(company),
            company.version,
            company.cvr,
            company.name,
            company.address,
            company.postal_code,
            company.city,
            company.employees,
            tuple(
                ContactRow(
                    saved_id(c),
                    c.contacted_on,
                    c.kind,
                    initials,
                    c.contact_person,
                    c.led_to_offer,
                    c.note,
                )
                for c, initials in contacts
            ),
            local=company.local,
            orders=tuple(
                OrderRow(
                    saved_id(o),
                    o.version,
                    o.received_on,
                    o.title,
                    o.positions,
                    o.status,
                    o.closed_on,
                )
                for o in orders
            ),
        )
