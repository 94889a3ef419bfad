"""``minplan export DIR|FILE.xlsx``: the whole database as a bundle, canonical and in a stable order.

CSV files follow the one convention of Min Plan's exports (``app.reports.csv_convention``: UTF-8
with BOM, ``;``, decimal comma, CRLF); a workbook has a sheet per file.

Soft-deleted citizens (with everything of theirs), offers and milestones are left out. Rows are
ordered by their natural keys (CPR or CVR, then the row's date), with the whole row as the
tie-break, so the same data always gives the same bytes whatever the database's ids are.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Label, Select, select
from sqlmodel import Session, col

from app.casework.bundle import counts
from app.casework.bundle.cells import write_value
from app.casework.bundle.format import FILE_NAMES, SPECS, WEEKS_PER_MONTH
from app.casework.bundle.source import is_workbook
from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.domain.dates import utc_to_local
from app.domain.errors import MinPlanError
from app.i18n import N_, _
from app.reports import csv_convention
from app.store import files
from app.store.engine import Database, transaction
from app.store.files import file_error, make_folder
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

#: The columns each file is sorted by, before the rest of the row (milestones keep plan order).
SORT_BY: dict[str, tuple[str, ...]] = {
    "caseworkers.csv": ("initials",),
    "companies.csv": ("cvr",),
    "citizens.csv": ("cpr",),
    "spells.csv": ("cpr", "start"),
    "plans.csv": ("cpr",),
    "offers.csv": ("cpr", "start", "offered_on"),
    "conversations.csv": ("cpr", "scheduled_at", "held_on"),
    "employment.csv": ("cpr", "start"),
    "company_contacts.csv": ("cvr", "date"),
    "recruitment_orders.csv": ("cvr", "received_on"),
    "journal.csv": ("cpr", "written_on"),
}


@dataclass
class ExportReport:
    counts: dict[str, int] = field(default_factory=dict)
    directory: Path | None = None

    def summary(self) -> str:
        return _("Exported to {path}: {parts}").format(
            path=self.directory, parts=counts.describe(self.counts)
        )

    def __str__(self) -> str:
        return self.summary()


def _temporary(directory: Path, name: str) -> Path:
    return directory / f".{name}.tmp"


def _check_folder(directory: Path) -> None:
    """Refuse to mix the bundle with other files; an earlier bundle in the folder is replaced."""
    if directory.exists() and not directory.is_dir():
        raise MinPlanError("{path} is a file, not a folder", path=str(directory))
    if directory.exists():
        ours = set(FILE_NAMES) | {_temporary(directory, n).name for n in FILE_NAMES}
        others = sorted(p.name for p in directory.iterdir() if p.name not in ours)
        if others:
            raise MinPlanError(
                "The folder {path} holds other files ({files}); choose an empty folder",
                path=str(directory),
                files=", ".join(others[:5]),
            )


def _queries() -> dict[str, Select[Any]]:
    """One query per file; its labels are the file's column names (plus ``hours_per_month``)."""
    live = col(Citizen.deleted_at).is_(None)
    initials: Label[str] = col(Caseworker.initials).label("caseworker")
    company_cvr: Label[str] = col(Company.cvr).label("company_cvr")

    def of_citizen(model: Any, *columns: Any) -> Select[Any]:
        """A living citizen's rows, with the CPR in front."""
        return (
            select(col(Citizen.cpr), *columns)
            .select_from(model)
            .join(Citizen, col(Citizen.id) == model.citizen_id)
            .where(live)
        )

    def plain(model: Any, name: str) -> Select[Any]:
        return select(*(getattr(model, column) for column in SPECS[name].column_names))

    s, p, m, o, c, e = BenefitSpell, Plan, Milestone, Offer, Conversation, Employment
    cc, ro, j = CompanyContact, RecruitmentOrder, JournalNote
    return {
        "caseworkers.csv": plain(Caseworker, "caseworkers.csv"),
        "companies.csv": plain(Company, "companies.csv"),
        "citizens.csv": select(
            col(Citizen.cpr), col(Citizen.first_name), col(Citizen.last_name),
            col(Citizen.address), col(Citizen.postal_code), col(Citizen.city), col(Citizen.phone),
            col(Citizen.email), col(Citizen.language), initials,
            col(Citizen.refugee_or_reunified), col(Citizen.refugee_year), col(Citizen.disability),
            col(Citizen.digital_post_exempt),
        )
        .select_from(Citizen)
        .outerjoin(Caseworker, col(Caseworker.id) == col(Citizen.caseworker_id))
        .where(live),
        "spells.csv": of_citizen(
            s, col(s.target_group), col(s.start_date).label("start"),
            col(s.end_date).label("end"), col(s.end_reason), col(s.visited_to_jobcenter),
            col(s.early_followup_requested_on), col(s.exempt_75), col(s.exempt_75_reason),
            col(s.agreed_contact_days), col(s.first_request_on), col(s.absence_start_on),
            col(s.sick_category), col(s.new_dagpengeperiode_on), col(s.ledighed_hours),
            col(s.ledighed_on), col(s.part_time_insured), col(s.offer_exempt_from),
            col(s.offer_exempt_to), col(s.work_duty),
        ),
        "plans.csv": of_citizen(
            p, col(p.job_goal), col(p.education_goal), col(p.own_words), col(p.job_search),
            col(p.stabilising), col(p.other_efforts), col(p.updated_on), col(p.agreed_on),
        ),
        # Milestones keep their order within the plan rather than a sorted order.
        "milestones.csv": of_citizen(
            m, col(m.title), col(m.due), col(m.status), col(m.completed_on)
        )
        .where(col(m.deleted_at).is_(None))
        .order_by(col(Citizen.cpr), col(m.position), col(m.id)),
        "offers.csv": of_citizen(
            o, col(o.kind), company_cvr, col(o.title), col(o.offered_on),
            col(o.start_date).label("start"), col(o.planned_end), col(o.actual_end),
            col(o.hours_per_week), col(o.status),
        )
        .outerjoin(Company, col(Company.id) == col(o.company_id))
        .where(col(o.deleted_at).is_(None)),
        "conversations.csv": of_citizen(
            c, col(c.kind), col(c.scheduled_at), col(c.held_on), col(c.status), col(c.channel),
            col(c.held_by), col(c.with_a_kasse), initials, col(c.note),
        ).outerjoin(Caseworker, col(Caseworker.id) == col(c.caseworker_id)),
        "employment.csv": of_citizen(
            e, col(e.kind), company_cvr, col(e.start_date).label("start"),
            col(e.end_date).label("end"), col(e.hours_per_week), col(e.hours_per_month),
            col(e.completed),
        ).outerjoin(Company, col(Company.id) == col(e.company_id)),
        "company_contacts.csv": select(
            col(Company.cvr), col(cc.contacted_on).label("date"), col(cc.kind), initials,
            col(cc.led_to_offer),
        )
        .select_from(cc)
        .join(Company, col(Company.id) == col(cc.company_id))
        .outerjoin(Caseworker, col(Caseworker.id) == col(cc.caseworker_id)),
        "recruitment_orders.csv": select(
            col(Company.cvr), col(ro.received_on), col(ro.title), col(ro.positions),
            col(ro.status), col(ro.closed_on),
        )
        .select_from(ro)
        .join(Company, col(Company.id) == col(ro.company_id)),
        "journal.csv": of_citizen(j, col(j.written_on), initials, col(j.text)).outerjoin(
            Caseworker, col(Caseworker.id) == col(j.caseworker_id)
        ),
    }  # fmt: skip


def _values(name: str, row: Mapping[Any, Any]) -> list[Any]:
    """The file's cells as values (dates, numbers, text), in the file's column order."""
    values = dict(row)
    if values.get("scheduled_at") is not None:  # stored in UTC, exchanged as Danish local time
        values["scheduled_at"] = utc_to_local(values["scheduled_at"])
    if (
        "hours_per_month" in values
    ):  # paid hours are kept per month; the bundle has the weekly average
        per_month = values.pop("hours_per_month")
        if per_month is not None:
            values["hours_per_week"] = round(per_month / WEEKS_PER_MONTH, 2)
    return [values[column] for column in SPECS[name].column_names]


def _rows(session: Session) -> dict[str, list[list[Any]]]:
    """Every file's rows, sorted by key columns then by the whole row as canonical text (in
    Python, so that SQLite and PostgreSQL collations cannot change the order)."""
    out: dict[str, list[list[Any]]] = {}
    for name, query in _queries().items():
        rows = [_values(name, r) for r in session.execute(query).mappings()]
        if name in SORT_BY:
            index = [SPECS[name].column_names.index(c) for c in SORT_BY[name]]

            def key(row: list[Any], index: list[int] = index) -> Any:
                text = [write_value(v) for v in row]
                return [text[i] for i in index], text

            rows.sort(key=key)
        out[name] = rows
    return out


def export_bundle(db: Database, actor: Actor, target: Path | str) -> ExportReport:
    """Write the bundle: a folder of CSV files, or one workbook when ``target`` ends in ``.xlsx``.

    The bundle holds every citizen's case with the journal's text: administrators only. All
    files are written to hidden temporary files first; only when every one is complete is the
    export recorded in the audit log and are the files renamed into place. A full disk or a
    read-only folder leaves the folder as it was and records nothing.
    """
    access.require_admin(actor, N_("Only an administrator can export the whole database"))
    target = Path(target)
    if is_workbook(target):
        return _export_workbook(db, actor, target)
    directory = target
    _check_folder(directory)
    make_folder(directory)
    report = ExportReport(directory=directory)
    written: list[tuple[Path, Path]] = []
    try:
        with transaction(db) as session:
            rows = _rows(session)
            for name in FILE_NAMES:
                temporary = _temporary(directory, name)
                written.append((temporary, directory / name))
                try:
                    binary = files.open_temporary(temporary)
                    with io.TextIOWrapper(
                        binary, encoding=csv_convention.ENCODING, newline=""
                    ) as handle:
                        writer = csv_convention.writer(handle)
                        writer.writerow(SPECS[name].column_names)
                        writer.writerows([write_value(v) for v in row] for row in rows[name])
                        handle.flush()
                        os.fsync(handle.fileno())
                except OSError as exc:
                    raise file_error(exc, directory / name) from exc
                report.counts[name] = len(rows[name])
            audit.record(
                session,
                actor,
                "export",
                details={"counts": report.counts, "folder": directory.name},
            )
    except BaseException:
        for temporary, _target in written:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, final in written:
        temporary.replace(final)
    return report


def _export_workbook(db: Database, actor: Actor, path: Path) -> ExportReport:
    """The bundle as one workbook, a sheet per file: what a caseworker edits in a spreadsheet.
    CPR and CVR numbers are text cells (no leading zero is lost), dates are dates."""
    from app.casework.bundle.workbook import write_workbook

    if path.exists() and not path.is_file():
        raise MinPlanError("{path} is a folder, not a file", path=str(path))
    if not path.parent.is_dir():
        raise MinPlanError("The folder {path} does not exist", path=str(path.parent))
    report = ExportReport(directory=path)
    temporary = _temporary(path.parent, path.name)
    try:
        with transaction(db) as session:
            rows = _rows(session)
            try:
                with files.open_temporary(temporary) as handle:
                    write_workbook(handle, rows)
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError as exc:
                raise file_error(exc, path) from exc
            report.counts = {name: len(rows[name]) for name in FILE_NAMES}
            audit.record(
                session, actor, "export", details={"counts": report.counts, "folder": path.name}
            )
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(path)
    return report
