"""Use cases for the company side: companies, contacts, recruitment orders, placed citizens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, or_, select

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.core.editing import apply_changes, flush_versioned, get_row, load_for_update
from app.casework.core.result import Area, Saved
from app.domain import validation as v
from app.domain.codes import N_, check_code
from app.domain.dates import check_period
from app.domain.errors import DuplicateError, Term, ValidationError
from app.domain.identifiers import normalise_cvr
from app.store.engine import Database, transaction
from app.store.models import Citizen, Company, CompanyContact, Offer, RecruitmentOrder
from app.store.row_values import saved_id

_AREAS = frozenset({Area.COMPANIES, Area.HISTORY})


def _clean_company(values: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    checks = {
        "cvr": lambda value, _all: normalise_cvr(str(value or "")),
        "name": v.required_text("name", Term(N_("Company name")), 300),
        "address": v.optional_text("address", Term(N_("Address")), 300),
        "postal_code": v.postal_code,
        "city": v.optional_text("city", Term(N_("City")), 100),
        "employees": _employees,
        "local": lambda value, _all: bool(value),
    }
    return v.clean(checks, values, partial=partial)


def _employees(value: Any, _all: Mapping[str, Any]) -> int | None:
    if value in (None, ""):
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            "The number of employees must be a whole number", field="employees"
        ) from None
    if count < 0:
        raise ValidationError("The number of employees cannot be negative", field="employees")
    return count


def _check_unique_cvr(session: Session, cvr: str, own_id: int | None = None) -> None:
    existing = session.exec(select(Company).where(col(Company.cvr) == cvr)).first()
    if existing is not None and existing.id != own_id:
        raise DuplicateError(
            "{name} already has CVR number {cvr}",
            existing_id=saved_id(existing),
            field="cvr",
            name=existing.name,
            cvr=cvr,
        )


def create_company_in(session: Session, actor: Actor, values: Mapping[str, Any]) -> Company:
    """Create a company inside the caller's transaction (used inline when registering an offer)."""
    cleaned = _clean_company(values)
    _check_unique_cvr(session, cleaned["cvr"])
    row = Company(**cleaned)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", entity="company", entity_id=row.id, new=cleaned)
    return row


def create_company(db: Database, actor: Actor, values: Mapping[str, Any]) -> Saved:
    with transaction(db) as session:
        row = create_company_in(session, actor, values)
        return Saved(saved_id(row), row.version, None, _AREAS)


def update_company(
    db: Database,
    actor: Actor,
    company_id: int,
    expected_version: int | None,
    values: Mapping[str, Any],
) -> Saved:
    cleaned = _clean_company(values, partial=True)
    with transaction(db) as session:
        row = load_for_update(session, Company, company_id, expected_version, cleaned)
        if "cvr" in cleaned:
            _check_unique_cvr(session, cleaned["cvr"], own_id=company_id)
        old, new = apply_changes(row, cleaned)
        if new:
            flush_versioned(session, row, cleaned)
            audit.record(
                session, actor, "update", entity="company", entity_id=row.id, old=old, new=new
            )
        return Saved(saved_id(row), row.version, None, _AREAS | {Area.OFFERS})


@dataclass(frozen=True)
class CompanyHit:
    id: int
    cvr: str
    name: str
    city: str | None


def find_companies(db: Database, text: str, *, limit: int = 20) -> list[CompanyHit]:
    """Type-ahead: companies whose name contains the text or whose CVR starts with it."""
    term = text.strip()
    if len(term) > 200:  # longer than any name or CVR number (and than SQLite's LIKE allows)
        return []
    with transaction(db) as session:
        query = select(Company)
        if term:
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(
                or_(
                    col(Company.name).ilike(f"%{escaped}%", escape="\\"),
                    col(Company.cvr).startswith(term.replace(" ", "")),
                )
            )
        rows = session.exec(query.order_by(col(Company.name)).limit(limit)).all()
        return [CompanyHit(saved_id(r), r.cvr, r.name, r.city) for r in rows]


def last_used_company(db: Database, actor: Actor) -> CompanyHit | None:
    """The company of the actor's most recently registered offer: the default for a new one."""
    with transaction(db) as session:
        from app.store.models import AuditEvent

        event = session.exec(
            select(AuditEvent)
            .where(
                col(AuditEvent.entity) == "offer",
                col(AuditEvent.action) == "create",
                col(AuditEvent.user_initials) == actor.initials,
            )
            .order_by(col(AuditEvent.id).desc())
        ).first()
        offer = session.get(Offer, event.entity_id) if event and event.entity_id else None
        company = session.get(Company, offer.company_id) if offer and offer.company_id else None
        return (
            CompanyHit(saved_id(company), company.cvr, company.name, company.city)
            if company
            else None
        )


def log_contact(db: Database, actor: Actor, company_id: int, values: Mapping[str, Any]) -> Saved:
    """A visit, call, meeting or e-mail with a company; did it lead to an offer."""
    kind = check_code("company_contact_kind", values.get("kind"))
    contacted_on = values.get("contacted_on")
    if not isinstance(contacted_on, date):
        raise ValidationError("{label} is required", field="contacted_on", label=Term(N_("Date")))
    with transaction(db) as session:
        get_row(session, Company, company_id)
        row = CompanyContact(
            company_id=company_id,
            contacted_on=contacted_on,
            kind=kind,
            caseworker_id=values.get("caseworker_id", actor.caseworker_id),
            led_to_offer=bool(values.get("led_to_offer")),
            contact_person=v.text(values.get("contact_person")),
            note=v.text(values.get("note")),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "create",
            entity="company_contact",
            entity_id=row.id,
            new={"company_id": company_id, "kind": kind, "contacted_on": contacted_on},
        )
        return Saved(saved_id(row), row.version, None, _AREAS)


def save_recruitment_order(
    db: Database,
    actor: Actor,
    company_id: int,
    values: Mapping[str, Any],
    *,
    order_id: int | None = None,
    expected_version: int | None = None,
) -> Saved:
    """Register a recruitment order, or update one (e.g. record its outcome and closing date)."""
    status = check_code("recruitment_order_status", values.get("status", "open"))
    if status != "open" and values.get("closed_on") is None:
        raise ValidationError("Give the date the order was closed", field="closed_on")
    if status == "open" and values.get("closed_on") is not None:
        raise ValidationError("An open order has no closing date", field="closed_on")
    check_period(values.get("received_on"), values.get("closed_on"), field="closed_on")
    positions = int(values.get("positions") or 1)
    if positions < 1:
        raise ValidationError("An order has at least one position", field="positions")
    cleaned = {
        "received_on": values.get("received_on"),
        "title": v.required_text("title", Term(N_("Title")))(values.get("title"), values),
        "positions": positions,
        "status": status,
        "closed_on": values.get("closed_on"),
    }
    if cleaned["received_on"] is None:
        raise ValidationError(
            "{label} is required", field="received_on", label=Term(N_("Received on"))
        )
    with transaction(db) as session:
        get_row(session, Company, company_id)
        if order_id is None:
            row = RecruitmentOrder(company_id=company_id, **cleaned)
            session.add(row)
            session.flush()
            audit.record(
                session, actor, "create", entity="recruitment_order", entity_id=row.id, new=cleaned
            )
        else:
            row = load_for_update(session, RecruitmentOrder, order_id, expected_version, cleaned)
            old, new = apply_changes(row, cleaned)
            flush_versioned(session, row, cleaned)
            audit.record(
                session,
                actor,
                "update",
                entity="recruitment_order",
                entity_id=row.id,
                old=old,
                new=new,
            )
        return Saved(saved_id(row), row.version, None, _AREAS)


@dataclass(frozen=True)
class Placement:
    citizen_id: int
    citizen_name: str
    offer_kind: str
    start: date | None
    end: date | None
    status: str


def citizens_placed(db: Database, actor: Actor, company_id: int) -> list[Placement]:
    """Citizens with offers at the company, newest first (the company page's "placed here").

    A citizen the actor may not read without a reason is listed without a name; the names shown
    are logged (one event, the citizens as its subjects)."""
    from app.casework.core.reading import may_read_now, record_list

    with transaction(db) as session:
        rows = session.exec(
            select(Offer, Citizen)
            .join(Citizen, col(Citizen.id) == col(Offer.citizen_id))
            .where(
                col(Offer.company_id) == company_id,
                col(Offer.deleted_at).is_(None),
                col(Citizen.deleted_at).is_(None),
            )
            .order_by(col(Offer.start_date).desc(), col(Offer.id).desc())
        ).all()
        readable = {saved_id(c) for _o, c in rows if may_read_now(session, actor, saved_id(c))}
        record_list(session, actor, "placed", sorted(readable), company_id=company_id)
        return [
            Placement(
                saved_id(c),
                f"{c.first_name} {c.last_name}" if c.id in readable else HIDDEN_NAME,
                o.kind,
                o.start_date,
                o.actual_end or o.planned_end,
                o.status,
            )
            for o, c in rows
        ]


#: The name shown for a placed citizen the actor may not read without a reason.
HIDDEN_NAME = "…"
