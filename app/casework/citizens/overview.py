"""The read-only overview of one citizen: who, on which benefit, the plan's goals, what is next.

Returns plain frozen values (never ORM rows) so the GUI can show them after the session closed
and tests can assert on them without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, select

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.core.reading import NEEDS_REASON, may_read_now, read_citizen
from app.casework.deadlines.deadlines import _citizen_deadlines
from app.domain.dates import local_to_utc, local_today, utc_now
from app.domain.errors import NotFoundError, PermissionDeniedError
from app.domain.identifiers import age_on
from app.store.engine import Database, transaction
from app.store.models import (
    BenefitSpell,
    Caseworker,
    Citizen,
    Company,
    Conversation,
    Milestone,
    Offer,
    Plan,
)
from app.store.row_values import saved_id


@dataclass(frozen=True)
class SpellLine:
    target_group: str
    start: date
    end: date | None


@dataclass(frozen=True)
class MilestoneLine:
    title: str
    due: date | None
    status: str
    completed_on: date | None
    #: Past its date without being reached (or dropped) on the day the overview was read.
    overdue: bool = False


@dataclass(frozen=True)
class ConversationLine:
    kind: str
    scheduled_at: datetime | None
    channel: str
    status: str
    held_on: date | None


@dataclass(frozen=True)
class OfferLine:
    kind: str
    company: str | None
    title: str | None
    start: date | None
    planned_end: date | None
    status: str


@dataclass(frozen=True)
class CitizenOverview:
    id: int
    name: str
    cpr: str
    birth_date: date
    age: int
    phone: str | None
    email: str | None
    address: str | None
    caseworker: str | None
    language: str
    refugee_or_reunified: bool
    disability: bool
    digital_post_exempt: bool
    current_spell: SpellLine | None
    previous_spells: tuple[SpellLine, ...]
    job_goal: str | None
    education_goal: str | None
    own_words: str | None
    plan_updated_on: date | None
    milestones: tuple[MilestoneLine, ...]
    next_conversations: tuple[ConversationLine, ...]
    last_conversation: ConversationLine | None
    offers: tuple[OfferLine, ...]
    #: Requirements not yet met (overdue first), from the deadline engine.
    deadlines: tuple[Any, ...] = ()


def _conversation(row: Conversation) -> ConversationLine:
    return ConversationLine(row.kind, row.scheduled_at, row.channel, row.status, row.held_on)


@dataclass(frozen=True)
class CitizenGlimpse:
    """What anyone who may search sees of a citizen whose case they may not open without a
    reason (another caseload: the glass is not broken yet): who it is and whose it is."""

    id: int
    name: str
    birth_date: date
    caseworker: str | None


class GlassNotBrokenError(PermissionDeniedError):
    """The full overview of another caseload's citizen needs a stated reason first; ``glimpse``
    is what may be shown meanwhile."""

    def __init__(self, glimpse: CitizenGlimpse) -> None:
        super().__init__(NEEDS_REASON)  # the message names nobody; the (logged) glimpse does
        self.glimpse = glimpse


def _glimpse(s: Session, citizen: Citizen) -> CitizenGlimpse:
    worker = s.get(Caseworker, citizen.caseworker_id) if citizen.caseworker_id else None
    return CitizenGlimpse(
        id=saved_id(citizen),
        name=f"{citizen.first_name} {citizen.last_name}",
        birth_date=citizen.birth_date,
        caseworker=f"{worker.name} ({worker.initials})" if worker else None,
    )


def _glimpse_unless_allowed(db: Database, actor: Actor, citizen_id: int) -> CitizenGlimpse | None:
    """For a citizen the actor may not read yet: the glimpse, its showing logged (committed before
    the refusal is raised); None when the actor may read the citizen."""
    with transaction(db) as s:
        if may_read_now(s, actor, citizen_id):
            return None
        citizen = s.get(Citizen, citizen_id)
        if citizen is None or citizen.deleted_at is not None:
            raise NotFoundError("The citizen no longer exists")
        audit.record(
            s,
            actor,
            "view",
            entity="citizen",
            entity_id=citizen_id,
            citizen_id=citizen_id,
            details={"part": "glimpse"},
        )
        return _glimpse(s, citizen)


def citizen_overview(
    db: Database,
    actor: Actor,
    citizen_id: int,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> CitizenOverview:
    """Everything the overview panel shows for one citizen, read in one short session.

    The actor must be allowed to read the citizen (``reading.read_citizen``); the look is recorded
    in the access log in the same transaction. A citizen the actor may open only with a reason
    (another caseload, and no reason given today) raises ``GlassNotBrokenError`` carrying the
    glimpse (name, birth date, caseworker) instead: no address, phone, plan or history before
    that, and the glimpse itself is logged (it names whose caseload the citizen is in)."""
    real_today = local_today()
    today = today or real_today
    if now is None:
        # Seen on another day (a look back, a test's fixed day): bookings from that day's start.
        now = utc_now() if today == real_today else local_to_utc(datetime.combine(today, time()))
    glimpse = _glimpse_unless_allowed(db, actor, citizen_id)
    if glimpse is not None:
        raise GlassNotBrokenError(glimpse)
    with transaction(db) as s:
        read_citizen(s, actor, citizen_id, "overview")
        citizen = s.get(Citizen, citizen_id)
        assert citizen is not None  # read_citizen refuses a missing or deleted citizen
        worker = s.get(Caseworker, citizen.caseworker_id) if citizen.caseworker_id else None
        spells = s.exec(
            select(BenefitSpell)
            .where(col(BenefitSpell.citizen_id) == citizen_id)
            .order_by(col(BenefitSpell.start_date).desc())
        ).all()
        current = next(
            (
                sp
                for sp in spells
                if sp.start_date <= today and (sp.end_date is None or sp.end_date >= today)
            ),
            None,
        )
        plan = s.exec(select(Plan).where(col(Plan.citizen_id) == citizen_id)).first()
        milestones = s.exec(
            select(Milestone)
            .where(col(Milestone.citizen_id) == citizen_id, col(Milestone.deleted_at).is_(None))
            .order_by(col(Milestone.position), col(Milestone.id))
        ).all()
        upcoming = s.exec(
            select(Conversation)
            .where(
                col(Conversation.citizen_id) == citizen_id,
                col(Conversation.status) == "planned",
                col(Conversation.scheduled_at) >= now,
            )
            .order_by(col(Conversation.scheduled_at))
            .limit(3)
        ).all()
        last = s.exec(
            select(Conversation)
            .where(
                col(Conversation.citizen_id) == citizen_id,
                col(Conversation.status).in_(("held", "no_show")),
            )
            .order_by(col(Conversation.scheduled_at).desc())
            .limit(1)
        ).first()
        offers = s.exec(
            select(Offer, col(Company.name))
            .outerjoin(Company, col(Company.id) == col(Offer.company_id))
            .where(
                col(Offer.citizen_id) == citizen_id,
                col(Offer.deleted_at).is_(None),
                col(Offer.status).in_(("planned", "active")),
            )
            .order_by(col(Offer.start_date))
        ).all()
        address = ", ".join(
            p
            for p in (citizen.address, " ".join(filter(None, (citizen.postal_code, citizen.city))))
            if p
        )
        return CitizenOverview(
            id=citizen_id,
            name=f"{citizen.first_name} {citizen.last_name}",
            cpr=citizen.cpr,
            birth_date=citizen.birth_date,
            age=age_on(citizen.birth_date, today),
            phone=citizen.phone,
            email=citizen.email,
            address=address or None,
            caseworker=f"{worker.name} ({worker.initials})" if worker else None,
            language=citizen.language,
            refugee_or_reunified=citizen.refugee_or_reunified,
            disability=citizen.disability,
            digital_post_exempt=citizen.digital_post_exempt,
            current_spell=SpellLine(current.target_group, current.start_date, current.end_date)
            if current
            else None,
            previous_spells=tuple(
                SpellLine(sp.target_group, sp.start_date, sp.end_date)
                for sp in spells
                if sp is not current
            )[:4],
            job_goal=plan.job_goal if plan else None,
            education_goal=plan.education_goal if plan else None,
            own_words=plan.own_words if plan else None,
            plan_updated_on=plan.updated_on if plan else None,
            milestones=tuple(
                MilestoneLine(
                    m.title,
                    m.due,
                    m.status,
                    m.completed_on,
                    m.due is not None and m.due < today and m.status in ("planned", "in_progress"),
                )
                for m in milestones
            ),
            next_conversations=tuple(_conversation(c) for c in upcoming),
            last_conversation=_conversation(last) if last else None,
            offers=tuple(
                OfferLine(o.kind, name, o.title, o.start_date, o.planned_end, o.status)
                for o, name in offers
            ),
            deadlines=_open_deadlines(db, citizen_id, today),
        )


def _open_deadlines(db: Database, citizen_id: int, today: date) -> tuple[Any, ...]:
    order = {"overdue": 0, "due_soon": 1, "open": 2}
    found = [d for d in _citizen_deadlines(db, citizen_id, today) if d.is_open]
    return tuple(sorted(found, key=lambda d: (order[d.status], d.due)))
