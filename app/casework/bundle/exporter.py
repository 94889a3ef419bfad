"""``minplan export DIR``: the whole database as a CSV bundle, canonical and in a stable order.

Soft-deleted citizens, offers and milestones are left out. Rows are ordered by their natural
keys (CPR, CVR, initials, then dates), so the same data always gives the same bytes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app import i18n
from app.casework import audit
from app.casework.actor import Actor
from app.casework.bundle.format import FILE_NAMES, SPECS, WEEKS_PER_MONTH, write_value
from app.domain.dates import utc_to_local
from app.domain.errors import MinPlanError
from app.i18n import _
from app.store.engine import Database, transaction
from app.store.models import (
    BenefitSpell,
    Caseworker,
    Citizen,
    Company,
    CompanyContact,
    Conversation,
    Employment,
    JournalNote,
    Milestone,
    Offer,
    Plan,
    RecruitmentOrder,
)


@dataclass
class ExportReport:
    counts: dict[str, int] = field(default_factory=dict)
    directory: Path | None = None

    def summary(self) -> str:
        parts = ", ".join(
            f"{n.removesuffix('.csv')}: {i18n.format_number(c)}"
            for n, c in self.counts.items()
            if c
        )
        return _("Exported to {path}: {parts}").format(
            path=self.directory, parts=parts or _("no rows")
        )

    def __str__(self) -> str:
        return self.summary()


def _check_folder(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise MinPlanError("{path} is a file, not a folder", path=str(directory))
    if directory.exists():
        others = sorted(p.name for p in directory.iterdir() if p.name not in FILE_NAMES)
        if others:
            raise MinPlanError(
                "The folder {path} holds other files ({files}); choose an empty folder",
                path=str(directory),
                files=", ".join(others[:5]),
            )


def _rows(session, actor: Actor) -> dict[str, list[list[Any]]]:  # type: ignore[no-untyped-def]
    workers = {n: i for n, i in session.execute(select(Caseworker.id, Caseworker.initials))}
    companies = {n: c for n, c in session.execute(select(Company.id, Company.cvr))}
    live = Citizen.deleted_at.is_(None)  # type: ignore[union-attr]
    people = {n: c for n, c in session.execute(select(Citizen.id, Citizen.cpr).where(live))}
    out: dict[str, list[list[Any]]] = {}

    def take(name: str, records: list[list[Any]]) -> None:
        out[name] = sorted(records, key=lambda r: [write_value(v) for v in r])

    take(
        "caseworkers.csv",
        [
            [w.initials, w.name, w.team, w.role, w.email, w.phone]
            for w in session.execute(select(Caseworker)).scalars()
        ],
    )
    take(
        "companies.csv",
        [
            [c.cvr, c.name, c.address, c.postal_code, c.city, c.employees]
            for c in session.execute(select(Company)).scalars()
        ],
    )
    take(
        "citizens.csv",
        [
            [
                c.cpr,
                c.first_name,
                c.last_name,
                c.address,
                c.postal_code,
                c.city,
                c.phone,
                c.email,
                c.language,
                workers.get(c.caseworker_id),
                c.refugee_or_reunified,
                c.refugee_year,
                c.disability,
                c.digital_post_exempt,
            ]
            for c in session.execute(select(Citizen).where(live)).scalars()
        ],
    )

    def mine(model):  # type: ignore[no-untyped-def]
        return [r for r in session.execute(select(model)).scalars() if r.citizen_id in people]

    take(
        "spells.csv",
        [
            [
                people[s.citizen_id],
                s.target_group,
                s.start_date,
                s.end_date,
                s.end_reason,
                s.visited_to_jobcenter,
                s.early_followup_requested_on,
                s.exempt_75,
                s.exempt_75_reason,
                s.agreed_contact_days,
            ]
            for s in mine(BenefitSpell)
        ],
    )
    take(
        "plans.csv",
        [
            [
                people[p.citizen_id],
                p.job_goal,
                p.education_goal,
                p.own_words,
                p.job_search,
                p.stabilising,
                p.other_efforts,
                p.updated_on,
            ]
            for p in mine(Plan)
        ],
    )
    # Milestones keep their order within a plan: sort by CPR and position, not by title.
    milestones = sorted(
        (m for m in mine(Milestone) if m.deleted_at is None),
        key=lambda m: (people[m.citizen_id], m.position, m.id),
    )
    out["milestones.csv"] = [
        [people[m.citizen_id], m.title, m.due, m.status, m.completed_on] for m in milestones
    ]
    take(
        "offers.csv",
        [
            [
                people[o.citizen_id],
                o.kind,
                companies.get(o.company_id),
                o.title,
                o.offered_on,
                o.start_date,
                o.planned_end,
                o.actual_end,
                o.hours_per_week,
                o.status,
            ]
            for o in mine(Offer)
            if o.deleted_at is None
        ],
    )
    take(
        "conversations.csv",
        [
            [
                people[c.citizen_id],
                c.kind,
                utc_to_local(c.scheduled_at).replace(tzinfo=None) if c.scheduled_at else None,
                c.held_on,
                c.status,
                c.channel,
                c.held_by,
                c.with_a_kasse,
                workers.get(c.caseworker_id),
                c.note,
            ]
            for c in mine(Conversation)
        ],
    )
    take(
        "employment.csv",
        [
            [
                people[e.citizen_id],
                e.kind,
                companies.get(e.company_id),
                e.start_date,
                e.end_date,
                round(e.hours_per_month / WEEKS_PER_MONTH, 2)
                if e.hours_per_month is not None
                else e.hours_per_week,
                e.completed,
            ]
            for e in mine(Employment)
        ],
    )
    take(
        "company_contacts.csv",
        [
            [
                companies[c.company_id],
                c.contacted_on,
                c.kind,
                workers.get(c.caseworker_id),
                c.led_to_offer,
            ]
            for c in session.execute(select(CompanyContact)).scalars()
        ],
    )
    take(
        "recruitment_orders.csv",
        [
            [companies[o.company_id], o.received_on, o.title, o.positions, o.status, o.closed_on]
            for o in session.execute(select(RecruitmentOrder)).scalars()
        ],
    )
    take(
        "journal.csv",
        [
            [people[n.citizen_id], n.written_on, workers.get(n.caseworker_id), n.text]
            for n in mine(JournalNote)
        ],
    )
    return out


def export_bundle(db: Database, actor: Actor, directory: Path | str) -> ExportReport:
    """Write every file of the bundle into ``directory`` (created if needed; must hold nothing else)."""
    directory = Path(directory)
    _check_folder(directory)
    with transaction(db) as session:
        rows = _rows(session, actor)
        audit.record(
            session,
            actor,
            "export",
            details={"counts": {n: len(r) for n, r in rows.items()}, "folder": directory.name},
        )
    directory.mkdir(parents=True, exist_ok=True)
    report = ExportReport(directory=directory)
    for name in FILE_NAMES:
        temporary = directory / f".{name}.tmp"
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(SPECS[name].column_names)
            writer.writerows([[write_value(v) for v in record] for record in rows[name]])
        temporary.replace(directory / name)
        report.counts[name] = len(rows[name])
    return report
