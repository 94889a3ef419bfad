"""Use cases for offers (tilbud): register (with a new company inline), end, extend, cancel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app import i18n
from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.casework.core.editing import (
    flush_versioned,
    get_row,
    insert_audited,
    load_case_row_for_update,
    snapshot,
    update_audited,
)
from app.casework.core.result import Area, Saved
from app.casework.offers.companies import create_company_in
from app.casework.offers.rule_files import offer_duration_limits
from app.domain import validation as v
from app.domain.codes import TARGET_GROUPS
from app.domain.dates import local_today, utc_now
from app.domain.errors import ValidationError
from app.domain.offers import check_offer, duration_warning
from app.store.engine import Database, transaction
from app.store.models import BenefitSpell, Citizen, Company, Offer
from app.store.row_values import saved_id

_AREAS = frozenset({Area.OFFERS, Area.CITIZEN, Area.COMPANIES, Area.HISTORY})
OFFER_FIELDS = (
    "kind",
    "company_id",
    "title",
    "offered_on",
    "start_date",
    "planned_end",
    "actual_end",
    "hours_per_week",
    "status",
)


def _group_on(session: Session, citizen_id: int, day: date | None) -> str | None:
    """The citizen's target group on a day (the spell covering it), for duration limits."""
    if day is None:
        return None
    for spell in session.exec(
        select(BenefitSpell).where(col(BenefitSpell.citizen_id) == citizen_id)
    ).all():
        if spell.start_date <= day and (spell.end_date is None or day <= spell.end_date):
            return spell.target_group
    return None


def _warnings(session: Session, citizen_id: int, values: Mapping[str, Any]) -> tuple[str, ...]:
    group = _group_on(session, citizen_id, values.get("start_date"))
    warning = duration_warning(
        offer_duration_limits(),
        values["kind"],
        group,
        values.get("start_date"),
        values.get("planned_end"),
    )
    if warning is None:
        return ()
    return (
        i18n._(
            "The offer runs until {end}, past the usual limit for {group} ({latest}, {source}); "
            "record the concrete assessment in the journal"
        ).format(
            end=i18n.format_date(warning.planned_end),
            latest=i18n.format_date(warning.latest_end),
            group=i18n.label(TARGET_GROUPS, group) if group else i18n._("the citizen's group"),
            source=warning.limit.source,
        ),
    )


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {k: values[k] for k in OFFER_FIELDS if k in values}
    if "title" in cleaned:
        cleaned["title"] = v.text(cleaned["title"])
    if cleaned.get("hours_per_week") in ("", None):
        cleaned["hours_per_week"] = None
    return cleaned


def register_offer(
    db: Database,
    actor: Actor,
    citizen_id: int,
    values: Mapping[str, Any],
    *,
    new_company: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> Saved:
    """Register an offer; ``new_company`` creates the company (CVR validated) in the same step."""
    cleaned = _clean(values)
    cleaned.setdefault("status", "planned")
    cleaned.setdefault("offered_on", today or local_today())
    check_offer(cleaned)
    with transaction(db) as session:
        get_row(session, Citizen, citizen_id)
        access.require_case_write(session, actor, citizen_id)
        if new_company is not None:
            cleaned["company_id"] = create_company_in(session, actor, new_company).id
        elif cleaned.get("company_id") is not None:
            get_row(session, Company, cleaned["company_id"])
        row = Offer(citizen_id=citizen_id, **cleaned)
        saved = insert_audited(session, actor, row, cleaned, entity="offer", areas=_AREAS)
        return replace(saved, warnings=_warnings(session, citizen_id, cleaned))


def update_offer(
    db: Database,
    actor: Actor,
    offer_id: int,
    expected_version: int | None,
    values: Mapping[str, Any],
    *,
    action: str = "update",
) -> Saved:
    cleaned = _clean(values)
    with transaction(db) as session:
        row = load_case_row_for_update(session, actor, Offer, offer_id, expected_version, cleaned)
        merged = {**snapshot(row, OFFER_FIELDS), **cleaned}
        check_offer(merged)
        if cleaned.get("company_id") is not None:
            get_row(session, Company, cleaned["company_id"])
        saved = update_audited(
            session,
            actor,
            row,
            cleaned,
            action=action,
            entity="offer",
            areas=_AREAS,
            skip_unchanged=True,
        )
        return replace(saved, warnings=_warnings(session, row.citizen_id, merged))


def end_offer(
    db: Database,
    actor: Actor,
    offer_id: int,
    actual_end: date,
    *,
    expected_version: int | None = None,
) -> Saved:
    """The offer has ended (completed) on its last day."""
    return update_offer(
        db,
        actor,
        offer_id,
        expected_version,
        {"actual_end": actual_end, "status": "completed"},
        action="end_offer",
    )


def extend_offer(
    db: Database,
    actor: Actor,
    offer_id: int,
    planned_end: date,
    *,
    expected_version: int | None = None,
) -> Saved:
    with transaction(db) as session:
        current = get_row(session, Offer, offer_id)
        if current.planned_end and planned_end <= current.planned_end:
            raise ValidationError(
                "An extension must end after the current planned end ({end})",
                field="planned_end",
                end=current.planned_end.isoformat(),
            )
    return update_offer(
        db, actor, offer_id, expected_version, {"planned_end": planned_end}, action="extend_offer"
    )


def cancel_offer(
    db: Database, actor: Actor, offer_id: int, reason: str, *, expected_version: int | None = None
) -> Saved:
    if not v.text(reason):
        raise ValidationError("Give a reason for cancelling the offer", field="reason")
    with transaction(db) as session:
        row = load_case_row_for_update(
            session, actor, Offer, offer_id, expected_version, {"status": "cancelled"}
        )
        return update_audited(
            session,
            actor,
            row,
            {"status": "cancelled"},
            action="cancel_offer",
            entity="offer",
            areas=_AREAS,
            purpose=v.text(reason),
        )


def delete_offer(db: Database, actor: Actor, offer_id: int) -> Saved:
    """Soft delete (registered by mistake); restorable."""
    with transaction(db) as session:
        row = get_row(session, Offer, offer_id)
        access.require_case_write(session, actor, row.citizen_id)
        row.deleted_at = utc_now()
        flush_versioned(session, row, {"deleted_at": row.deleted_at})
        audit.record(
            session, actor, "delete", entity="offer", entity_id=row.id, citizen_id=row.citizen_id
        )
        return Saved(saved_id(row), row.version, row.citizen_id, _AREAS)


def restore_offer(db: Database, actor: Actor, offer_id: int) -> Saved:
    with transaction(db) as session:
        row = get_row(session, Offer, offer_id, include_deleted=True)
        access.require_case_write(session, actor, row.citizen_id)
        row.deleted_at = None
        flush_versioned(session, row, {"deleted_at": None})
        audit.record(
            session, actor, "restore", entity="offer", entity_id=row.id, citizen_id=row.citizen_id
        )
        return Saved(saved_id(row), row.version, row.citizen_id, _AREAS)
