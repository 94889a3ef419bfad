"""Retention (GDPR art. 5(1)(e), storage limitation): erase citizens the jobcenter no longer needs.

A citizen is **due for deletion** when, for ``retention_years`` (organisation setting, default 5)
up to today, there has been no activity on their case and nothing is ongoing:

- nothing ongoing: no benefit spell without an end date or ending today or later, and no fleksjob
  without an end date (the jobcenter follows up on fleksjob);
- no activity: every date below lies before the cut-off day (today minus ``retention_years``):

  ======================  ==================================================================
  citizen                 registered, master data last changed, soft-deleted
  benefit spell           start, end, last changed
  plan                    plan date, last changed; every plan version saved or printed
  milestone               due, reached, last changed
  offer                   offered, start, planned end, actual end, last changed
  employment              start, end, last changed
  conversation            booked time, held, last changed
  journal note            written, last changed
  deadline put aside      put aside, until
  ======================  ==================================================================

  Rows that are soft-deleted count like the others. Looking at a case (openings, searches,
  break-the-glass grants, the audit log) is not activity: reading must not keep data alive.

The list is a **preview**: each citizen with the date of the last activity and what would be
deleted (rows per kind). Deletion is explicit (the administrator confirms the listed citizens;
anyone who became active since is refused), complete (every row of every table that refers to the
citizen, found through the schema's foreign keys, soft-deleted rows included), irreversible, and
audited without personal data: one ``erase`` event per citizen holding a random reference and the
counts, never the CPR number, the name or the internal id. Older audit events about the citizen
stay until the access log's own retention (``audit_retention_months``) purges them. Copies made
by ``minplan backup`` hold the citizen until they are rotated out (``backups_kept``).
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    CursorResult,
    Date,
    Table,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
    text,
)
from sqlmodel import Session, col

from app.casework.admin import org_settings
from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.domain.dates import add_months, local_to_utc, local_today
from app.domain.errors import ValidationError
from app.i18n import N_
from app.store.engine import Database, transaction
from app.store.models import (
    BenefitSpell,
    Citizen,
    Conversation,
    DeadlineSnooze,
    Employment,
    JournalNote,
    Milestone,
    Offer,
    Plan,
    PlanVersion,
    metadata,
    table_of,
)

log = logging.getLogger(__name__)

#: The dates that count as activity, per table (see the module's docstring).
ACTIVITY: dict[type, tuple[str, ...]] = {
    BenefitSpell: ("start_date", "end_date", "updated_at"),
    Plan: ("updated_on", "updated_at"),
    PlanVersion: ("saved_at", "printed_at"),
    Milestone: ("due", "completed_on", "updated_at"),
    Offer: ("offered_on", "start_date", "planned_end", "actual_end", "updated_at"),
    Employment: ("start_date", "end_date", "updated_at"),
    Conversation: ("scheduled_at", "held_on", "updated_at"),
    JournalNote: ("written_on", "updated_at"),
    DeadlineSnooze: ("created_at", "until"),
}
CITIZEN_DATES = ("created_at", "updated_at", "deleted_at")

#: What each table holds, in words, for the preview (tables not named here show their name).
KINDS: dict[str, str] = {
    "citizen": N_("citizen"),
    "benefit_spell": N_("benefit spells"),
    "plan": N_("plan"),
    "plan_version": N_("plan versions"),
    "milestone": N_("milestones"),
    "offer": N_("offers"),
    "employment": N_("employment"),
    "conversation": N_("conversations"),
    "journal_note": N_("journal notes"),
    "deadline_snooze": N_("deadlines put aside"),
    "access_grant": N_("reasons given for opening the case"),
}
#: Tables that are never deleted from here: the audit log has its own retention.
KEEP = frozenset({"audit_event"})
#: Rows derived from the case data (kept deadlines and periods): deleted with the citizen, but not
#: listed as "what goes", since they hold nothing of their own.
DERIVED = frozenset({"requirement", "count_period"})


@dataclass(frozen=True)
class Candidate:
    citizen_id: int
    name: str
    birth_date: date
    last_activity: date
    soft_deleted: bool
    #: Rows per table that deletion removes (the citizen's own row included).
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Preview:
    today: date
    years: int
    cutoff: date
    candidates: tuple[Candidate, ...]

    @property
    def totals(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for candidate in self.candidates:
            total.update(candidate.rows)
        return dict(total)


@dataclass(frozen=True)
class Erased:
    """One erased citizen: the random reference of the audit event and the rows deleted."""

    reference: str
    rows: dict[str, int]


def describe_rows(rows: dict[str, int]) -> str:
    """ "borger: 1, ydelsesforløb: 2, samtaler: 14" in the user's language, tables in schema order."""
    from app import i18n

    order = [*KINDS, *(t.name for t in metadata.sorted_tables)]
    return ", ".join(
        f"{i18n._(KINDS[name]) if name in KINDS else name}: {rows[name]}"
        for name in sorted(rows, key=lambda n: order.index(n) if n in order else len(order))
        if rows[name]
    )


def cutoff_for(today: date, years: int) -> date:
    """Activity before this day is old enough (today minus ``years``; 29 Feb → 28 Feb)."""
    return add_months(today, -12 * years)


def _bound(column: Column[Any], cutoff: date) -> date | datetime:
    """The cut-off as the column's type: a date, or the local midnight as a UTC instant."""
    if isinstance(column.type, Date):
        return cutoff
    return local_to_utc(datetime.combine(cutoff, time()))


def _recent(table: Table, names: Iterable[str], cutoff: date) -> ColumnElement[bool]:
    """Any of the columns on or after the cut-off (an empty column is never recent; the explicit
    NOT NULL keeps SQL's three-valued logic from turning "unknown" into "not due")."""
    return or_(
        *(and_(table.c[n].is_not(None), table.c[n] >= _bound(table.c[n], cutoff)) for n in names)
    )


def _due_condition(today: date, cutoff: date) -> ColumnElement[bool]:
    """SQL: the citizen row (``citizen`` table) is due for deletion."""
    citizen = table_of(Citizen)
    conditions: list[ColumnElement[bool]] = [
        ~_recent(citizen, CITIZEN_DATES, cutoff),
        ~exists().where(
            col(BenefitSpell.citizen_id) == citizen.c.id,
            or_(col(BenefitSpell.end_date).is_(None), col(BenefitSpell.end_date) >= today),
        ),
        ~exists().where(
            col(Employment.citizen_id) == citizen.c.id,
            col(Employment.kind) == "flexjob",
            col(Employment.end_date).is_(None),
        ),
    ]
    for model, names in ACTIVITY.items():
        table = table_of(model)
        conditions.append(
            ~exists().where(table.c.citizen_id == citizen.c.id, _recent(table, names, cutoff))
        )
    return and_(*conditions)


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def citizen_tables() -> list[Table]:
    """Every table with a foreign key to ``citizen`` (so tables added later are found too)."""
    return [
        table
        for table in metadata.sorted_tables
        if table.name not in KEEP
        and any(fk.column.table.name == "citizen" for fk in table.foreign_keys)
    ]


def _row_counts(session: Session, ids: Sequence[int]) -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = {i: Counter({"citizen": 1}) for i in ids}
    for table in citizen_tables():
        if table.name in DERIVED:
            continue
        fk = next(fk.parent for fk in table.foreign_keys if fk.column.table.name == "citizen")
        for chunk in _chunks(ids):
            for citizen_id, n in session.execute(
                select(fk, func.count()).where(fk.in_(chunk)).group_by(fk)
            ):
                counts[citizen_id][table.name] += n
    return counts


def _last_activity(session: Session, ids: Sequence[int]) -> dict[int, date]:
    last: dict[int, date] = {}

    def seen(citizen_id: int, value: date | datetime | None) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, datetime) else value
        if citizen_id not in last or day > last[citizen_id]:
            last[citizen_id] = day

    citizen = table_of(Citizen)
    sources: list[tuple[Table, Column[Any], tuple[str, ...]]] = [
        (citizen, citizen.c.id, CITIZEN_DATES)
    ]
    for model, names in ACTIVITY.items():
        table = table_of(model)
        sources.append((table, table.c.citizen_id, names))
    for table, key, names in sources:
        for chunk in _chunks(ids):
            query = select(key, *(func.max(table.c[n]) for n in names)).where(key.in_(chunk))
            for citizen_id, *values in session.execute(query.group_by(key)):
                for value in values:
                    seen(citizen_id, value)
    return last


def _due_ids(session: Session, today: date, cutoff: date, among: Sequence[int] | None) -> list[int]:
    query = (
        select(col(Citizen.id)).where(_due_condition(today, cutoff)).order_by(col(Citizen.sort_key))
    )
    if among is None:
        return list(session.execute(query).scalars())
    found: list[int] = []
    for chunk in _chunks(list(among)):
        found += session.execute(query.where(col(Citizen.id).in_(chunk))).scalars()
    return found


def preview(db: Database, actor: Actor, *, today: date | None = None) -> Preview:
    """The citizens due for deletion, with what deleting each would remove (administrators only;
    the listing is audited with its size, not with names)."""
    access.require_admin(actor, N_("Only an administrator can see the citizens due for deletion"))
    today = today or local_today()
    with transaction(db) as session:
        years = org_settings.read(session, "retention_years")
        cutoff = cutoff_for(today, years)
        ids = _due_ids(session, today, cutoff, None)
        counts = _row_counts(session, ids)
        last = _last_activity(session, ids)
        rows = {
            c.id: c
            for chunk in _chunks(ids)
            for c in session.execute(select(Citizen).where(col(Citizen.id).in_(chunk))).scalars()
        }
        candidates = tuple(
            Candidate(
                citizen_id=i,
                name=f"{rows[i].first_name} {rows[i].last_name}",
                birth_date=rows[i].birth_date,
                last_activity=last.get(i, cutoff),
                soft_deleted=rows[i].deleted_at is not None,
                rows=dict(counts[i]),
            )
            for i in ids
        )
        audit.record(
            session,
            actor,
            "retention_list",
            entity="citizen",
            details={"due": len(ids), "retention_years": years, "cutoff": cutoff},
        )
    return Preview(today, years, cutoff, candidates)


def _children(table: Table) -> list[tuple[Table, Column[Any], Column[Any]]]:
    """(child table, its foreign-key column, the referred column) for tables referring to ``table``."""
    found = []
    for child in metadata.sorted_tables:
        if child is table:
            continue
        for fk in child.foreign_keys:
            if fk.column.table is table:
                found.append((child, fk.parent, fk.column))
    return found


def _delete_where(
    session: Session, table: Table, where: ColumnElement[bool], counts: Counter[str]
) -> None:
    """Delete the rows of ``table`` matching ``where`` and, first, every row referring to them."""
    if table.name in KEEP:
        raise ValidationError(
            "Retention cannot delete from {table}; it has its own retention", table=table.name
        )
    for child, fk, referred in _children(table):
        _delete_where(session, child, fk.in_(select(referred).where(where)), counts)
    result = session.execute(delete(table).where(where))
    assert isinstance(result, CursorResult)  # a DELETE's result counts its rows
    if result.rowcount:
        counts[table.name] += result.rowcount


def erase(
    db: Database, actor: Actor, citizen_ids: Sequence[int], *, today: date | None = None
) -> list[Erased]:
    """Delete the listed citizens completely and irreversibly (administrators only).

    All or nothing: if any listed citizen is no longer due (new activity since the preview, or
    already gone), nothing is deleted."""
    access.require_admin(actor, N_("Only an administrator can delete citizens for good"))
    ids = sorted(set(citizen_ids))
    if not ids:
        raise ValidationError("No citizens are chosen for deletion")
    today = today or local_today()
    erased: list[Erased] = []
    with transaction(db) as session:
        years = org_settings.read(session, "retention_years")
        cutoff = cutoff_for(today, years)
        still_due = set(_due_ids(session, today, cutoff, ids))
        if still_due != set(ids):
            raise ValidationError(
                "{n} of the chosen citizens are no longer due for deletion; list them again",
                n=len(set(ids) - still_due),
            )
        if db.backend == "sqlite":  # overwrite the deleted content in the file, not just unlink it
            session.execute(text("PRAGMA secure_delete = ON"))
        citizen = table_of(Citizen)
        for citizen_id in ids:
            counts: Counter[str] = Counter()
            _delete_where(session, citizen, citizen.c.id == citizen_id, counts)
            reference = secrets.token_hex(4).upper()
            audit.record(
                session,
                actor,
                "erase",
                entity="citizen",
                details={
                    "reference": reference,
                    "rows": dict(counts),
                    "retention_years": years,
                    "cutoff": cutoff,
                },
            )
            erased.append(Erased(reference, dict(counts)))
    if db.backend == "sqlite":
        with db.engine.connect() as conn:  # move the overwritten pages out of the -wal file too
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    log.info("retention: erased %d citizens", len(erased))
    return erased
