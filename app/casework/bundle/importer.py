"""``minplan import DIR``: read a CSV bundle, check all of it, then write all of it or nothing.

The write is one transaction with bulk inserts (citizens by the thousand), one plan version per
imported plan (so "changes since the last printed plan" works for imported citizens too), and one
audit event for the whole import, holding counts only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from app import i18n
from app.casework import audit
from app.casework.actor import Actor
from app.casework.bundle.format import FILE_NAMES, FILES, WEEKS_PER_MONTH
from app.casework.bundle.reader import Problem, Row, read_rows
from app.casework.bundle.validate import Checker, Existing
from app.domain.dates import Period, local_to_utc, utc_now
from app.domain.errors import MinPlanError, ValidationError
from app.domain.identifiers import birth_date_from_cpr
from app.domain.plan import PLAN_FIELDS, MilestoneState, PlanSnapshot
from app.domain.search import citizen_search_text, citizen_sort_key
from app.i18n import _
from app.store.engine import Database, transaction
from app.store.models import BenefitSpell, Caseworker, Citizen, Company, Milestone, Plan, metadata

Progress = Callable[[int, int, str], bool | None]
CHUNK = 2_000


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def error_lines(self) -> list[str]:
        return [
            str(p)
            for p in sorted(
                self.problems,
                key=lambda p: (FILE_NAMES.index(p.file) if p.file in FILE_NAMES else 99, p.line),
            )
        ]

    def summary(self) -> str:
        parts = ", ".join(
            f"{name.removesuffix('.csv')}: {i18n.format_number(count)}"
            for name, count in self.counts.items()
            if count
        )
        if not self.ok:
            return i18n.ngettext(
                "{n} problem; nothing was imported",
                "{n} problems; nothing was imported",
                len(self.problems),
            ).format(n=len(self.problems))
        if self.dry_run:
            return _("Checked, nothing written (dry run): {parts}").format(
                parts=parts or _("no rows")
            )
        return _("Imported: {parts}").format(parts=parts or _("no rows"))


def _existing(db: Database) -> Existing:
    found = Existing()
    with transaction(db) as s:
        found.caseworkers = {i: n for n, i in s.execute(select(Caseworker.id, Caseworker.initials))}
        found.companies = {c: n for n, c in s.execute(select(Company.id, Company.cvr))}
        found.citizens = {c: n for n, c in s.execute(select(Citizen.id, Citizen.cpr))}
        by_id = {n: c for c, n in found.citizens.items()}
        for citizen_id, start, end in s.execute(
            select(BenefitSpell.citizen_id, BenefitSpell.start_date, BenefitSpell.end_date)
        ):
            found.spells[by_id[citizen_id]].append(Period(start, end))
        found.plans = {by_id[n] for n in s.execute(select(Plan.citizen_id)).scalars()}
    return found


def read_bundle(directory: Path, problems: list[Problem]) -> dict[str, list[Row]]:
    if not directory.is_dir():
        raise MinPlanError("{path} is not a folder", path=str(directory))
    present = {p.name.lower(): p for p in directory.iterdir() if p.suffix.lower() == ".csv"}
    if not present:
        raise MinPlanError("No bundle files (citizens.csv, …) in {path}", path=str(directory))
    for name in sorted(set(present) - set(FILE_NAMES)):
        problems.append(
            Problem(
                present[name].name,
                1,
                ValidationError(
                    "Unknown file; the bundle's files are: {files}", files=", ".join(FILE_NAMES)
                ),
            )
        )
    return {
        spec.name: read_rows(present[spec.name], spec, problems)
        for spec in FILES
        if spec.name in present
    }


def import_bundle(
    db: Database,
    actor: Actor,
    directory: Path | str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Check every row of the bundle; write everything in one transaction only if all is well."""
    report = ImportReport(dry_run=dry_run)
    rows = read_bundle(Path(directory), report.problems)
    checker = Checker(rows, _existing(db), report.problems, today or date.today())
    checker.check_all()
    report.counts = {name: len(rows.get(name, [])) for name in FILE_NAMES}
    if report.problems or dry_run:
        return report
    _write(
        db, actor, rows, progress, details={"counts": report.counts, "folder": Path(directory).name}
    )
    report.written = True
    return report


class _Writer:
    def __init__(self, session, progress: Progress | None, total: int) -> None:  # type: ignore[no-untyped-def]
        self.session, self.progress, self.total, self.done = session, progress, total, 0
        self.now = utc_now()

    def insert(self, table: str, records: list[dict[str, Any]], what: str) -> None:
        columns = metadata.tables[table]
        versioned = "version" in columns.c
        for record in records:
            if versioned:
                record.update(version=1, created_at=self.now, updated_at=self.now)
        for start in range(0, len(records), CHUNK):
            self.session.execute(insert(columns), records[start : start + CHUNK])
        self.done += len(records)
        if self.progress and self.progress(self.done, self.total, what) is False:
            raise MinPlanError("Stopped; nothing was written")

    def ids(self, column_id, column_key) -> dict[str, int]:  # type: ignore[no-untyped-def]
        return {key: n for n, key in self.session.execute(select(column_id, column_key))}


def _write(
    db: Database,
    actor: Actor,
    rows: dict[str, list[Row]],
    progress: Progress | None,
    details: dict[str, Any],
) -> None:
    def values(name: str) -> list[dict[str, Any]]:
        return [dict(r.values) for r in rows.get(name, [])]

    total = sum(len(v) for v in rows.values())
    with transaction(db) as session:
        w = _Writer(session, progress, total)
        w.insert(
            "caseworker",
            [
                {**v, "role": v.get("role") or "caseworker", "active": True}
                for v in values("caseworkers.csv")
            ],
            "caseworkers.csv",
        )
        w.insert("company", values("companies.csv"), "companies.csv")
        workers = w.ids(Caseworker.id, Caseworker.initials)
        companies = w.ids(Company.id, Company.cvr)
        citizens = []
        for v in values("citizens.csv"):
            birth = birth_date_from_cpr(v["cpr"])
            initials = v.pop("caseworker")
            citizens.append(
                {
                    **v,
                    "birth_date": birth,
                    "language": v.get("language") or "da",
                    "caseworker_id": workers.get(initials) if initials else None,
                    "sort_key": citizen_sort_key(v["first_name"], v["last_name"]),
                    "search_text": citizen_search_text(
                        v["first_name"], v["last_name"], v["cpr"], birth
                    ),
                    **{
                        flag: bool(v.get(flag))
                        for flag in ("refugee_or_reunified", "disability", "digital_post_exempt")
                    },
                }
            )
        w.insert("citizen", citizens, "citizens.csv")
        people = w.ids(Citizen.id, Citizen.cpr)

        w.insert(
            "benefit_spell",
            [
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
                }
                for v in values("spells.csv")
            ],
            "spells.csv",
        )
        plans = {v["cpr"]: v for v in values("plans.csv")}
        w.insert(
            "plan",
            [
                {
                    "citizen_id": people[cpr],
                    **{k: v.get(k) for k in PLAN_FIELDS},
                    "updated_on": v.get("updated_on"),
                }
                for cpr, v in plans.items()
            ],
            "plans.csv",
        )
        positions: dict[str, int] = defaultdict(int)
        milestones = []
        for v in values("milestones.csv"):
            milestones.append(
                {
                    "citizen_id": people[v["cpr"]],
                    "position": positions[v["cpr"]],
                    "title": v["title"],
                    "due": v.get("due"),
                    "status": v.get("status") or "planned",
                    "completed_on": v.get("completed_on"),
                    "drop_reason": None,
                }
            )
            positions[v["cpr"]] += 1
        w.insert("milestone", milestones, "milestones.csv")
        _plan_versions(w, actor, plans, people)

        w.insert(
            "offer",
            [
                {
                    "citizen_id": people[v["cpr"]],
                    "kind": v["kind"],
                    "company_id": companies.get(v.get("company_cvr")),
                    "title": v.get("title"),
                    "offered_on": v.get("offered_on"),
                    "start_date": v.get("start"),
                    "planned_end": v.get("planned_end"),
                    "actual_end": v.get("actual_end"),
                    "hours_per_week": v.get("hours_per_week"),
                    "status": v.get("status") or "planned",
                }
                for v in values("offers.csv")
            ],
            "offers.csv",
        )
        w.insert(
            "conversation",
            [
                {
                    "citizen_id": people[v["cpr"]],
                    "kind": v.get("kind") or "jobsamtale",
                    "scheduled_at": local_to_utc(v["scheduled_at"])
                    if v.get("scheduled_at")
                    else None,
                    "held_on": v.get("held_on"),
                    "status": v.get("status") or "planned",
                    "channel": v.get("channel") or "in_person",
                    "held_by": v.get("held_by") or "jobcenter",
                    "with_a_kasse": bool(v.get("with_a_kasse")),
                    "caseworker_id": workers.get(v.get("caseworker")),
                    "note": v.get("note"),
                }
                for v in values("conversations.csv")
            ],
            "conversations.csv",
        )
        employment = []
        for v in values("employment.csv"):
            hours = v.get("hours_per_week")
            monthly = v["kind"] == "paid_hours" and hours is not None
            employment.append(
                {
                    "citizen_id": people[v["cpr"]],
                    "kind": v["kind"],
                    "company_id": companies.get(v.get("company_cvr")),
                    "start_date": v["start"],
                    "end_date": v.get("end"),
                    "completed": v.get("completed"),
                    "hours_per_week": None if monthly else hours,
                    "hours_per_month": round(hours * WEEKS_PER_MONTH, 2) if monthly else None,
                }
            )
        w.insert("employment", employment, "employment.csv")
        w.insert(
            "company_contact",
            [
                {
                    "company_id": companies[v["cvr"]],
                    "contacted_on": v["date"],
                    "kind": v["kind"],
                    "caseworker_id": workers.get(v.get("caseworker")),
                    "led_to_offer": bool(v.get("led_to_offer")),
                }
                for v in values("company_contacts.csv")
            ],
            "company_contacts.csv",
        )
        w.insert(
            "recruitment_order",
            [
                {
                    "company_id": companies[v["cvr"]],
                    "received_on": v["received_on"],
                    "title": v["title"],
                    "positions": v.get("positions") or 1,
                    "status": v.get("status") or "open",
                    "closed_on": v.get("closed_on"),
                }
                for v in values("recruitment_orders.csv")
            ],
            "recruitment_orders.csv",
        )
        w.insert(
            "journal_note",
            [
                {
                    "citizen_id": people[v["cpr"]],
                    "written_on": v["written_on"],
                    "caseworker_id": workers.get(v.get("caseworker")),
                    "text": v["text"],
                }
                for v in values("journal.csv")
            ],
            "journal.csv",
        )
        audit.record(
            session, actor, "import", details=details
        )  # counts only: no personal data in the log


def _plan_versions(
    w: _Writer, actor: Actor, plans: dict[str, dict[str, Any]], people: dict[str, int]
) -> None:
    """Version 1 of each imported plan, so later changes are shown against it."""
    if not plans:
        return
    by_citizen: dict[int, list[MilestoneState]] = defaultdict(list)
    citizen_ids = [people[cpr] for cpr in plans]
    for start in range(0, len(citizen_ids), CHUNK):
        chunk = citizen_ids[start : start + CHUNK]
        for m in w.session.execute(
            select(Milestone)
            .where(Milestone.citizen_id.in_(chunk))  # type: ignore[attr-defined]
            .order_by(Milestone.citizen_id, Milestone.position, Milestone.id)
        ).scalars():
            by_citizen[m.citizen_id].append(
                MilestoneState(m.id, m.title, m.due, m.status, m.completed_on, m.drop_reason)
            )
    versions = []
    for cpr, v in plans.items():
        citizen_id = people[cpr]
        snapshot = PlanSnapshot(
            {k: v.get(k) for k in PLAN_FIELDS}, tuple(by_citizen.get(citizen_id, ()))
        )
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
