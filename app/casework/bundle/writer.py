"""Writing a bundle as it is read: one transaction, bulk inserts, one audit event with counts only.

Each file's rows come from the importer as they are read and checked (``importer.import_bundle``);
the importer's verdict, given after the last file, rolls the transaction back when any row had a
problem. Rows are inserted by the thousand with the driver's ``executemany`` rather than as ORM
objects, so that a caseload of 100 000 citizens imports in seconds. Derived columns are set the
way the use cases set them (birth date, search text and sort key of a citizen), and each imported
plan gets version 1 so that "changes since the last printed plan" works for it too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.casework.bundle.format import FILE_NAMES, WEEKS_PER_MONTH
from app.casework.bundle.reader import Row
from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.deadlines import deadline_store
from app.casework.deadlines.deadline_facts import WrittenFacts
from app.domain.codes import N_
from app.domain.dates import local_to_utc, utc_now
from app.domain.errors import ConflictError, MinPlanError
from app.domain.identifiers import birth_date_from_cpr
from app.domain.plan import PLAN_FIELDS, MilestoneState, PlanSnapshot
from app.domain.search import citizen_search_text, citizen_sort_key
from app.reports.plan_document import MILESTONE_STATE_COLUMNS
from app.store import bulk
from app.store.bulk_load import indexes_built_after
from app.store.engine import Database, transaction
from app.store.models import Caseworker, Citizen, Company, Milestone, Plan, metadata

Progress = Callable[[int, int, str], bool | None]
CHUNK = 2_000
_FLAGS = ("refugee_or_reunified", "disability", "digital_post_exempt")
#: The optional facts of a spell the deadline rules count from (LAB § 9), imported as they are.
_SPELL_FACTS = (
    "first_request_on",
    "absence_start_on",
    "sick_category",
    "new_dagpengeperiode_on",
    "ledighed_hours",
    "ledighed_on",
    "offer_exempt_from",
    "offer_exempt_to",
)


#: The tables an import into an empty database fills with their indexes built after the rows
#: (``bulk_load``); not the milestones, which plan versions read back by citizen while the
#: import is still writing.
_LOADED = (
    "caseworker",
    "company",
    "citizen",
    "benefit_spell",
    "plan_version",
    "offer",
    "conversation",
    "employment",
    "company_contact",
    "recruitment_order",
    "journal_note",
)

#: Kept under its old name for the demo generator (whose source is part of its cache key).
bulk_insert = bulk.insert_rows

#: The rows of one file, read and checked as they are written (``importer.import_bundle``);
#: each file is asked for once, in the bundle's file order.
RowsOf = Callable[[str], Iterator[Row]]

CHANGED = N_(
    "A bundle file changed while it was being imported; nothing was written. Run the import again"
)


class _Writer:
    def __init__(self, session: Session, progress: Progress | None) -> None:
        self.session, self.progress, self.done = session, progress, 0
        self.now = utc_now()

    def insert(
        self,
        table: str,
        records: Iterable[dict[str, Any]],
        what: str,
        note: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> None:
        """Insert ``records`` a chunk at a time, as they come (never all held at once); each
        chunk is shown to ``note`` first."""
        columns = metadata.tables[table]
        versioned = "version" in columns.c
        records = iter(records)
        while chunk := list(islice(records, CHUNK)):
            if note is not None:
                note(chunk)
            if versioned:
                for record in chunk:
                    record.update(version=1, created_at=self.now, updated_at=self.now)
            self._flush(columns, chunk, what)
        self._progress(FILE_NAMES.index(what) + 1, what)

    def _flush(self, columns: Any, chunk: list[dict[str, Any]], what: str) -> None:
        bulk.insert_rows(self.session.connection(), columns, chunk)
        self._progress(FILE_NAMES.index(what), what)

    def _progress(self, done: int, what: str) -> None:
        """Files done of the bundle's files (plan versions, written after the milestones, do not
        move it back)."""
        self.done = max(self.done, done)
        if self.progress and self.progress(self.done, len(FILE_NAMES), what) is False:
            raise MinPlanError("Stopped; nothing was written")

    def ids(self, column_id: Any, column_key: Any) -> dict[str, int]:
        return {key: n for n, key in self.session.execute(select(column_id, column_key))}


def write_bundle(
    db: Database,
    actor: Actor,
    rows: RowsOf,
    progress: Progress | None,
    details: dict[str, Any],
    first_admin: str | None = None,
    unchanged: Callable[[], bool] = lambda: True,
    verdict: Callable[[], None] = lambda: None,
) -> None:
    """Insert every row ``rows`` gives, or nothing: ``verdict`` is called after the last file
    and raises when the bundle had a problem, which rolls everything back; a concurrent change
    turns into a conflict, and so does a bundle file that changed while it was read
    (``unchanged`` says it did not).

    ``first_admin``: the initials of the bundle caseworker who is the person importing into a
    database without users; that row becomes the administrator, signing in with their login."""
    try:
        with transaction(db) as session:
            written = WrittenFacts()
            with indexes_built_after(session.connection(), _LOADED):
                people = _write(session, actor, rows, progress, first_admin, written)
                verdict()  # before the indexes are built: a refused bundle is rolled back
                if not unchanged():
                    raise ConflictError(CHANGED)
            # Core inserts bypass the session's bookkeeping: keep these citizens' deadlines here
            # (the new citizens' facts from the rows just written, not read back).
            with indexes_built_after(session.connection(), deadline_store.TABLES):
                deadline_store.refresh(session.connection(), people, written=written)
            # Counts only, no personal data; every imported citizen by id, so that each one's
            # history shows where their data came from (and a team server's row trigger knows
            # that the app logged their rows: it wrote one event per row for those left out).
            audit.record(
                session, actor, "import", details=details, subjects=people, every_subject=True
            )
    except IntegrityError:
        raise ConflictError(
            "Someone changed the database while the bundle was being imported; nothing was written. "
            "Run the import again"
        ) from None


def _write(
    session: Session,
    actor: Actor,
    rows: RowsOf,
    progress: Progress | None,
    first_admin: str | None,
    written: WrittenFacts,
) -> list[int]:
    """Insert every file's rows; returns the ids of the citizens the bundle names. The deadline
    facts of the citizens it adds are noted in ``written`` as their rows go in."""
    named: set[str] = set()  # the CPR numbers of the citizens this bundle is about

    def values(name: str) -> Iterator[dict[str, Any]]:
        for row in rows(name):  # read once, never kept: the values can be changed in place
            if name in _NAMING:
                named.add(row.values["cpr"])
            yield row.values

    w = _Writer(session, progress)
    w.insert(
        "caseworker",
        (
            {**v, "role": v.get("role") or "caseworker", "active": True, "login": None}
            | (
                {"role": "admin", "login": actor.os_user.lower()}
                if first_admin and v["initials"] == first_admin
                else {}
            )
            for v in values("caseworkers.csv")
        ),
        "caseworkers.csv",
    )
    w.insert(
        "company",
        ({**v, "local": bool(v.get("local"))} for v in values("companies.csv")),
        "companies.csv",
    )
    workers = w.ids(col(Caseworker.id), col(Caseworker.initials))
    companies = w.ids(col(Company.id), col(Company.cvr))
    born: dict[str, date] = {}  # the new citizens' birth dates, by CPR number
    w.insert(
        "citizen", (_citizen(v, workers, born) for v in values("citizens.csv")), "citizens.csv"
    )
    people = w.ids(col(Citizen.id), col(Citizen.cpr))
    for cpr, birth in born.items():
        written.citizen(people[cpr], birth)

    w.insert(
        "benefit_spell",
        (
            {
                "citizen_id": people[v["cpr"]],
                "target_group": v["target_group"],
                "start_date": v["start"],
                "end_date": v["end"],
                "end_reason": v.get("end_reason"),
                "visited_to_jobcenter": bool(v.get("visited_to_jobcenter")),
                "early_followup_requested_on": v.get("early_followup_requested_on"),
                "exempt_75": bool(v.get("exempt_75")),
                "exempt_75_reason": v.get("exempt_75_reason"),
                "agreed_contact_days": v.get("agreed_contact_days"),
                **{name: v.get(name) for name in _SPELL_FACTS},
                **{flag: bool(v.get(flag)) for flag in ("part_time_insured", "work_duty")},
            }
            for v in values("spells.csv")
        ),
        "spells.csv",
        note=written.spells,
    )
    planned: list[int] = []  # the citizens whose plans the bundle holds, in its order
    w.insert("plan", (_plan(v, people, planned) for v in values("plans.csv")), "plans.csv")
    _milestones(w, values("milestones.csv"), people)
    _plan_versions(w, actor, planned)
    w.insert(
        "offer",
        (
            {
                "citizen_id": people[v["cpr"]],
                "kind": v["kind"],
                "company_id": _id_of(companies, v.get("company_cvr")),
                "title": v.get("title"),
                "offered_on": v.get("offered_on"),
                "start_date": v.get("start"),
                "planned_end": v.get("planned_end"),
                "actual_end": v.get("actual_end"),
                "hours_per_week": v.get("hours_per_week"),
                "status": v.get("status") or "planned",
            }
            for v in values("offers.csv")
        ),
        "offers.csv",
        note=written.offers,
    )
    instants = _Instants()  # bookings fall on a few thousand distinct times
    w.insert(
        "conversation",
        (
            {
                "citizen_id": people[v["cpr"]],
                "kind": v.get("kind") or "jobsamtale",
                "scheduled_at": instants[v["scheduled_at"]] if v.get("scheduled_at") else None,
                "held_on": v.get("held_on"),
                "status": v.get("status") or "planned",
                "channel": v.get("channel") or "in_person",
                "held_by": v.get("held_by") or "jobcenter",
                "with_a_kasse": bool(v.get("with_a_kasse")),
                "caseworker_id": _id_of(workers, v.get("caseworker")),
                "note": v.get("note"),
            }
            for v in values("conversations.csv")
        ),
        "conversations.csv",
        note=written.conversations,
    )
    w.insert(
        "employment",
        (_employment(v, people, companies) for v in values("employment.csv")),
        "employment.csv",
    )
    w.insert(
        "company_contact",
        (
            {
                "company_id": companies[v["cvr"]],
                "contacted_on": v["date"],
                "kind": v["kind"],
                "caseworker_id": _id_of(workers, v.get("caseworker")),
                "led_to_offer": bool(v.get("led_to_offer")),
            }
            for v in values("company_contacts.csv")
        ),
        "company_contacts.csv",
    )
    w.insert(
        "recruitment_order",
        (
            {
                "company_id": companies[v["cvr"]],
                "received_on": v["received_on"],
                "title": v["title"],
                "positions": v.get("positions") or 1,
                "status": v.get("status") or "open",
                "closed_on": v.get("closed_on"),
            }
            for v in values("recruitment_orders.csv")
        ),
        "recruitment_orders.csv",
    )
    w.insert(
        "journal_note",
        (
            {
                "citizen_id": people[v["cpr"]],
                "written_on": v["written_on"],
                "caseworker_id": _id_of(workers, v.get("caseworker")),
                "text": v["text"],
            }
            for v in values("journal.csv")
        ),
        "journal.csv",
    )
    return sorted(people[cpr] for cpr in named)


#: The files whose rows name a citizen the import is about (its audit event's subjects).
_NAMING = frozenset({"citizens.csv", "spells.csv", "offers.csv", "conversations.csv", "plans.csv"})


def _plan(v: dict[str, Any], people: dict[str, int], planned: list[int]) -> dict[str, Any]:
    citizen_id = people[v["cpr"]]
    planned.append(citizen_id)
    return {
        "citizen_id": citizen_id,
        **{k: v.get(k) for k in PLAN_FIELDS},
        "updated_on": v.get("updated_on"),
        "agreed_on": v.get("agreed_on"),
    }


def _citizen(v: dict[str, Any], workers: dict[str, int], born: dict[str, date]) -> dict[str, Any]:
    birth = born[v["cpr"]] = birth_date_from_cpr(v["cpr"])
    initials = v.pop("caseworker")
    return {
        **v,
        "birth_date": birth,
        "language": v.get("language") or "da",
        "caseworker_id": workers.get(initials) if initials else None,
        "sort_key": citizen_sort_key(v["first_name"], v["last_name"]),
        "search_text": citizen_search_text(v["first_name"], v["last_name"], v["cpr"], birth),
        **{flag: bool(v.get(flag)) for flag in _FLAGS},
    }


class _Instants(dict[datetime, datetime]):
    """Copenhagen wall-clock time -> the instant (UTC), each distinct time converted once (a
    time the clocks pass twice, whose ``fold`` would tell the two apart, is refused when read)."""

    def __missing__(self, local: datetime) -> datetime:
        instant = self[local] = local_to_utc(local)
        return instant


def _id_of(ids: Mapping[str, int], key: str | None) -> int | None:
    """The id a bundle's key (CVR number, initials) names; None for no key or an unknown one."""
    return ids.get(key) if key is not None else None


def _employment(
    v: dict[str, Any], people: dict[str, int], companies: dict[str, int]
) -> dict[str, Any]:
    """Paid hours (småjob) are stored per month; the bundle gives the weekly average."""
    hours = v.get("hours_per_week")
    monthly = v["kind"] == "paid_hours" and hours is not None
    return {
        "citizen_id": people[v["cpr"]],
        "kind": v["kind"],
        "company_id": _id_of(companies, v.get("company_cvr")),
        "start_date": v["start"],
        "end_date": v.get("end"),
        "completed": v.get("completed"),
        "hours_per_week": None if monthly else hours,
        "hours_per_month": round(hours * WEEKS_PER_MONTH, 2)
        if monthly and hours is not None
        else None,
    }


def _milestones(w: _Writer, rows: Iterable[dict[str, Any]], people: dict[str, int]) -> None:
    """Milestones keep the file's order; for a citizen already in the database they follow the
    milestones the citizen has (only citizens already in the database can have some)."""
    positions: dict[int, int] = defaultdict(int)
    query = select(col(Milestone.citizen_id), func.max(col(Milestone.position))).group_by(
        col(Milestone.citizen_id)
    )
    positions.update((citizen_id, last + 1) for citizen_id, last in w.session.execute(query))

    def records() -> Iterator[dict[str, Any]]:
        for v in rows:
            citizen_id = people[v["cpr"]]
            yield {
                "citizen_id": citizen_id,
                "position": positions[citizen_id],
                "title": v["title"],
                "due": v.get("due"),
                "status": v.get("status") or "planned",
                "completed_on": v.get("completed_on"),
                "drop_reason": None,
            }
            positions[citizen_id] += 1

    w.insert("milestone", records(), "milestones.csv")


def _plan_versions(w: _Writer, actor: Actor, planned: list[int]) -> None:
    """Version 1 of each imported plan, so later changes are shown against it: the plans just
    written are read back a chunk at a time, each chunk with its citizens' milestones."""
    for start in range(0, len(planned), CHUNK):
        _version_chunk(w, actor, planned[start : start + CHUNK])


def _version_chunk(w: _Writer, actor: Actor, citizen_ids: list[int]) -> None:
    fields = [col(getattr(Plan, k)) for k in PLAN_FIELDS]
    plans = {
        citizen_id: dict(zip(PLAN_FIELDS, texts, strict=True))
        for citizen_id, *texts in w.session.execute(
            select(col(Plan.citizen_id), *fields).where(col(Plan.citizen_id).in_(citizen_ids))
        )
    }
    by_citizen: dict[int, list[MilestoneState]] = defaultdict(list)
    for citizen_id, *state in w.session.execute(
        select(col(Milestone.citizen_id), *MILESTONE_STATE_COLUMNS)
        .where(col(Milestone.citizen_id).in_(citizen_ids))
        .where(col(Milestone.deleted_at).is_(None))
        .order_by(col(Milestone.citizen_id), col(Milestone.position), col(Milestone.id))
    ):
        by_citizen[citizen_id].append(MilestoneState(*state))
    versions = []
    for citizen_id in citizen_ids:
        snapshot = PlanSnapshot(plans[citizen_id], tuple(by_citizen.get(citizen_id, ())))
        versions.append(
            {
                "citizen_id": citizen_id,
                "number": 1,
                "saved_at": w.now,
                "saved_by": actor.initials,
                "snapshot": json.dumps(snapshot.to_json(), ensure_ascii=False, sort_keys=True),
                "printed_at": None,
            }
        )
    w.insert("plan_version", versions, "plans.csv")
