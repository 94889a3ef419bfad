"""Deadlines from the database: load the facts the pure engine needs, for one citizen or many.

One query per table for the whole scope (a caseload, a team, everybody), grouped in memory, so a
whole jobcenter is computed in one pass. Conversations that were cancelled or missed never count,
so only held and booked ones are read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select

from app.casework import audit
from app.casework.actor import Actor
from app.casework.deadline_rule_files import load_rule_sets
from app.domain.dates import utc_to_local
from app.domain.deadline_rules import RuleSet
from app.domain.deadlines import (
    CitizenFacts,
    ConversationFacts,
    Deadline,
    OfferFacts,
    SpellFacts,
    compute,
)
from app.store.engine import Database, transaction, translating_errors
from app.store.models import BenefitSpell, Caseworker, Citizen, Conversation, Offer

#: Spells that ended longer ago than this are left out of worklists (their deadlines are history).
HISTORY_DAYS = 400


@dataclass(frozen=True)
class CitizenDeadline:
    """A requirement with the citizen it belongs to (for worklists, the CLI and calendar files)."""

    citizen_id: int
    cpr: str
    name: str
    caseworker_id: int | None
    caseworker: str | None
    deadline: Deadline
    next_booked: datetime | None  # the next booked conversation (local time), if any


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _facts(db: Database, citizen_ids: list[int] | None, as_of: date) -> tuple[dict, dict]:
    """(citizen id -> CitizenFacts, citizen id -> next booked local time) for the scope."""
    since = as_of - timedelta(days=HISTORY_DAYS)
    spells: dict[int, list[SpellFacts]] = defaultdict(list)
    conversations: dict[int, list[ConversationFacts]] = defaultdict(list)
    offers: dict[int, list[OfferFacts]] = defaultdict(list)
    booked: dict[int, datetime] = {}
    births: dict[int, date] = {}

    def scoped(query, column, ids):  # type: ignore[no-untyped-def]
        return query.where(column.in_(ids)) if ids is not None else query

    scopes = list(_chunks(citizen_ids)) if citizen_ids is not None else [None]
    with translating_errors(db), db.engine.connect() as conn:
        for ids in scopes:
            for row in conn.execute(
                scoped(
                    select(Citizen.id, Citizen.birth_date).where(Citizen.deleted_at.is_(None)),  # type: ignore[union-attr]
                    Citizen.id,
                    ids,
                )
            ):
                births[row.id] = row.birth_date
            spell_query = select(
                BenefitSpell.citizen_id,
                BenefitSpell.target_group,
                BenefitSpell.start_date,
                BenefitSpell.end_date,
                BenefitSpell.visited_to_jobcenter,
                BenefitSpell.early_followup_requested_on,
                BenefitSpell.agreed_contact_days,
                BenefitSpell.exempt_75,
            ).where(
                or_(
                    BenefitSpell.end_date.is_(None),
                    BenefitSpell.end_date >= since - timedelta(days=800),
                )
            )  # type: ignore[union-attr]
            for r in conn.execute(scoped(spell_query, BenefitSpell.citizen_id, ids)):
                spells[r.citizen_id].append(
                    SpellFacts(
                        r.target_group,
                        r.start_date,
                        r.end_date,
                        r.visited_to_jobcenter,
                        r.early_followup_requested_on,
                        r.agreed_contact_days,
                        r.exempt_75,
                    )
                )
            held_query = select(
                Conversation.citizen_id,
                Conversation.held_on,
                Conversation.held_by,
                Conversation.kind,
                Conversation.channel,
            ).where(
                Conversation.status == "held", Conversation.held_on >= since - timedelta(days=800)
            )  # type: ignore[operator]
            for cid, held_on, held_by, kind, channel in conn.execute(
                scoped(held_query, Conversation.citizen_id, ids)
            ).all():
                conversations[cid].append(
                    ConversationFacts(held_on, "held", held_by, kind, channel)
                )
            planned_query = select(
                Conversation.citizen_id,
                Conversation.scheduled_at,
                Conversation.held_by,
                Conversation.kind,
                Conversation.channel,
            ).where(Conversation.status == "planned", Conversation.scheduled_at.is_not(None))  # type: ignore[union-attr]
            for cid, scheduled_at, held_by, kind, channel in conn.execute(
                scoped(planned_query, Conversation.citizen_id, ids)
            ).all():
                local = utc_to_local(scheduled_at)
                conversations[cid].append(
                    ConversationFacts(local.date(), "planned", held_by, kind, channel)
                )
                if local.date() >= as_of and (
                    cid not in booked or local.replace(tzinfo=None) < booked[cid]
                ):
                    booked[cid] = local.replace(tzinfo=None)
            offer_query = select(
                Offer.citizen_id,
                Offer.kind,
                Offer.start_date,
                Offer.planned_end,
                Offer.offered_on,
                Offer.status,
            ).where(Offer.deleted_at.is_(None))  # type: ignore[union-attr]
            for r in conn.execute(scoped(offer_query, Offer.citizen_id, ids)):
                offers[r.citizen_id].append(
                    OfferFacts(r.kind, r.start_date, r.planned_end, r.offered_on, r.status)
                )
    facts = {
        cid: CitizenFacts(
            births[cid],
            tuple(spells[cid]),
            tuple(conversations.get(cid, ())),
            tuple(offers.get(cid, ())),
        )
        for cid in spells
        if cid in births
    }
    return facts, booked


def deadlines_for_citizen(
    db: Database, citizen_id: int, as_of: date, rule_sets: tuple[RuleSet, ...] | None = None
) -> list[Deadline]:
    """Every requirement of the citizen's spells (history included), by due date."""
    rules = rule_sets or load_rule_sets().rule_sets
    facts, _booked = _facts(db, [citizen_id], as_of)
    return compute(facts[citizen_id], rules, as_of) if citizen_id in facts else []


def deadlines_for(
    db: Database,
    as_of: date,
    *,
    caseworker_ids: set[int] | None = None,
    open_only: bool = False,
    rule_sets: tuple[RuleSet, ...] | None = None,
) -> list[CitizenDeadline]:
    """Requirements for a scope: caseworkers' caseloads, or everybody (``caseworker_ids=None``)."""
    rules = rule_sets or load_rule_sets().rule_sets
    with translating_errors(db), db.engine.connect() as conn:
        query = (
            select(
                Citizen.id,
                Citizen.cpr,
                Citizen.first_name,
                Citizen.last_name,
                Citizen.caseworker_id,
                Caseworker.initials,
            )
            .outerjoin(Caseworker, Caseworker.id == Citizen.caseworker_id)
            .where(Citizen.deleted_at.is_(None))
        )  # type: ignore[union-attr]
        if caseworker_ids is not None:
            query = query.where(Citizen.caseworker_id.in_(caseworker_ids))  # type: ignore[union-attr]
        people = {r.id: r for r in conn.execute(query)}
    facts, booked = _facts(db, list(people) if caseworker_ids is not None else None, as_of)
    since = as_of - timedelta(days=HISTORY_DAYS)
    out = []
    for citizen_id, citizen_facts in facts.items():
        person = people.get(citizen_id)
        if person is None:
            continue
        for deadline in compute(citizen_facts, rules, as_of):
            if open_only and not deadline.is_open:
                continue
            if deadline.due < since and not deadline.is_open:
                continue
            out.append(
                CitizenDeadline(
                    citizen_id,
                    person.cpr,
                    f"{person.first_name} {person.last_name}",
                    person.caseworker_id,
                    person.initials,
                    deadline,
                    booked.get(citizen_id),
                )
            )
    out.sort(key=lambda item: (item.deadline.due, item.name))
    return out


def export_deadlines(
    db: Database,
    actor: Actor,
    as_of: date,
    *,
    caseworker_ids: set[int] | None = None,
    open_only: bool = False,
    rule_sets: tuple[RuleSet, ...] | None = None,
    output: str = "table",
) -> list[CitizenDeadline]:
    """``deadlines_for`` for a list that leaves the program (``minplan deadlines``: names and CPR
    numbers on screen or in a file), recorded in the access log with its scope and citizens."""
    items = deadlines_for(
        db, as_of, caseworker_ids=caseworker_ids, open_only=open_only, rule_sets=rule_sets
    )
    scope = ",".join(str(i) for i in sorted(caseworker_ids)) if caseworker_ids else "all"
    with transaction(db) as session:
        audit.record(
            session,
            actor,
            "export_deadlines",
            criterion=f"as_of={as_of.isoformat()}; caseworkers={scope}; open={open_only}",
            details={"format": output, "requirements": len(items)},
            subjects=[item.citizen_id for item in items],
        )
    return items
