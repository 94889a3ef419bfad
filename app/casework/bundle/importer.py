"""``minplan import DIR``: read a CSV bundle, check all of it, then write all of it or nothing.

Checking happens before any write, so a spreadsheet with problems leaves the database exactly as
it was and the report names every problem as ``file:line: reason``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.casework import access
from app.casework.actor import Actor
from app.casework.bundle import counts
from app.casework.bundle.format import FILE_NAMES, FILES, SPECS
from app.casework.bundle.reader import Problem, Row, read_rows
from app.casework.bundle.validate import Checker, Existing
from app.casework.bundle.writer import write_bundle
from app.domain.dates import Period
from app.domain.errors import MinPlanError, ValidationError
from app.i18n import N_, _, ngettext
from app.store import statistics
from app.store.engine import Database, transaction
from app.store.models import BenefitSpell, Caseworker, Citizen, Company, Plan

#: ``progress(done, total, what)``; returning False stops the import (nothing is written).
Progress = Callable[[int, int, str], bool | None]


@dataclass
class ImportReport:
    """What an import found and did; ``counts`` are data rows per file."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def error_lines(self) -> list[str]:
        """Every problem as ``file:line: reason`` in the user's language, by file then line."""
        order = {name: i for i, name in enumerate(FILE_NAMES)}
        ranked = sorted(self.problems, key=lambda p: (order.get(p.file, -1), p.file, p.line))
        return [str(p) for p in ranked]

    def summary(self) -> str:
        if not self.ok:
            n = len(self.problems)
            return ngettext(
                "{n} problem; nothing was imported", "{n} problems; nothing was imported", n
            ).format(n=n)
        if self.dry_run:
            return _("Checked, nothing written (dry run): {parts}").format(
                parts=counts.describe(self.counts)
            )
        return _("Imported: {parts}").format(parts=counts.describe(self.counts))

    def __str__(self) -> str:
        return self.summary()


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


def _bundle_files(directory: Path) -> dict[str, Path]:
    """The folder's ``.csv`` files by lower-case name; a folder with none of the bundle's files
    is refused as a whole (it is not a bundle)."""
    if not directory.is_dir():
        raise MinPlanError("{path} is not a folder", path=str(directory))
    try:
        present = {p.name.lower(): p for p in directory.iterdir() if p.suffix.lower() == ".csv"}
    except OSError as error:
        raise MinPlanError(
            "The folder {path} cannot be read: {reason}",
            path=str(directory),
            reason=error.strerror or str(error),
        ) from error
    if not set(present) & set(FILE_NAMES):
        raise MinPlanError(
            "{path} is not a bundle: it holds none of the bundle's files ({files})",
            path=str(directory),
            files=", ".join(FILE_NAMES),
        )
    return present


def check_bundle_source(directory: Path) -> Path:
    """Refuse, before a database is opened or made, what is not a bundle at all."""
    _bundle_files(directory)
    return directory


def bundle_user_for_login(directory: Path, login: str) -> tuple[str, str] | None:
    """(initials, name) of the bundle's caseworker whose initials are this OS login, if any."""
    from app.domain.users import login_candidates

    path = _bundle_files(directory).get("caseworkers.csv")
    if path is None:
        return None
    wanted = {name.upper() for name in login_candidates(login)}
    for row in read_rows(path, SPECS["caseworkers.csv"], []) or []:
        if row.values.get("initials") in wanted and row.values.get("name"):
            return row.values["initials"], row.values["name"]
    return None


def read_bundle(
    directory: Path,
    problems: list[Problem],
    refused: set[str],
    progress: Progress | None = None,
) -> dict[str, list[Row]]:
    """Every file's typed rows; a missing file is no rows, an unknown file is a problem.

    Files refused as a whole (bad header, not UTF-8) are added to ``refused``.
    """
    present = _bundle_files(directory)
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
    rows: dict[str, list[Row]] = {}
    for done, spec in enumerate(FILES, start=1):
        if spec.name in present:
            found = read_rows(present[spec.name], spec, problems)
            if found is None:
                refused.add(spec.name)
            rows[spec.name] = found or []
        if progress and progress(done, len(FILES), spec.name) is False:
            raise MinPlanError("Stopped; nothing was written")
    return rows


def import_bundle(
    db: Database,
    actor: Actor,
    directory: Path | str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
    first_admin: str | None = None,
) -> ImportReport:
    """Check every row of the bundle; write everything in one transaction only if all is well.

    ``progress`` is called while files are read and again while rows are written. Importing
    writes into every citizen's case, so it is for administrators. ``first_admin``: into a
    database without users, the bundle caseworker with these initials (the person importing) is
    written as its administrator, with the actor's login.
    """
    access.require_admin(actor, N_("Only an administrator can import a bundle"))
    directory = Path(directory)
    report = ImportReport(dry_run=dry_run)
    refused: set[str] = set()
    rows = read_bundle(directory, report.problems, refused, progress)
    checker = Checker(rows, _existing(db), report.problems, today or date.today(), refused)
    checker.check_all()
    report.counts = {name: len(rows.get(name, [])) for name in FILE_NAMES}
    if report.problems or dry_run:
        return report
    write_bundle(
        db,
        actor,
        rows,
        progress,
        details={"counts": report.counts, "folder": directory.name},
        first_admin=first_admin,
    )
    statistics.analyse(db)  # every table changed at once: the planner's guesses would not hold
    report.written = True
    return report
