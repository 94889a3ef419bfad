"""``minplan import DIR|FILE.xlsx``: read a bundle, check all of it, then write all of it or nothing.

A spreadsheet with problems leaves the database exactly as it was, and the report names every
problem as ``file:line: reason``. Each file is read once, row by row, in the bundle's dependency
order: every row is checked, and while no row has had a problem it is also written, in one
transaction that is rolled back when the last file has been read if any row had one (after the
first problem nothing more is written, but every row is still checked, so the report is the
same as a check alone). Memory holds the keys, not the files: a caseload of 200 000 citizens
imports in bounded memory, and each CSV file is read and typed once. ``dry_run`` only checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

from app.casework.bundle import cells, counts
from app.casework.bundle.format import FILE_NAMES, FILES, SPECS
from app.casework.bundle.reader import Problem, ReadOptions, Row, open_rows
from app.casework.bundle.source import Bundle, open_bundle
from app.casework.bundle.validate import Checker, Existing
from app.casework.bundle.writer import write_bundle
from app.casework.core import access
from app.casework.core.actor import Actor
from app.domain.dates import Period, local_today
from app.domain.errors import MinPlanError
from app.i18n import N_, _, ngettext
from app.store import statistics
from app.store.engine import Database, transaction
from app.store.models import BenefitSpell, Caseworker, Citizen, Company, Plan
from app.store.rows import cycle_collection_paused

#: ``progress(done, total, what)``; returning False stops the import (nothing is written).
Progress = Callable[[int, int, str], bool | None]
#: Problems kept for the report; past this they are counted only (a wrong file can have a
#: problem on each of its 200 000 lines, and nobody reads more than the first ones).
MAX_PROBLEMS = 1000


class Problems(list[Problem]):
    """The report's problems: the first ``MAX_PROBLEMS`` kept, the rest counted."""

    def __init__(self) -> None:
        super().__init__()
        self.more = 0

    def append(self, problem: Problem) -> None:
        if len(self) < MAX_PROBLEMS:
            super().append(problem)
        else:
            self.more += 1

    @property
    def total(self) -> int:
        return len(self) + self.more


def _file_order(label: str) -> int:
    """A problem's place in the report: the bundle's file order (a workbook's sheets too)."""
    name = label.split("[", 1)[1].rstrip("]") + ".csv" if "[" in label else label.lower()
    return FILE_NAMES.index(name) if name in FILE_NAMES else -1


@dataclass
class ImportReport:
    """What an import found and did; ``counts`` are data rows per file, ``encodings`` how each
    CSV file was read."""

    problems: Problems = field(default_factory=Problems)
    counts: dict[str, int] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def error_lines(self) -> list[str]:
        """Every problem as ``file:line: reason`` in the user's language, by file then line."""
        ranked = sorted(self.problems, key=lambda p: (_file_order(p.file), p.file, p.line))
        lines = [str(p) for p in ranked]
        if self.problems.more:
            lines.append(
                ngettext(
                    "… and {n} more problem", "… and {n} more problems", self.problems.more
                ).format(n=self.problems.more)
            )
        return lines

    def encoding_lines(self) -> list[str]:
        """ "Read as Windows-1252: spells.csv" — which encoding each CSV file was read in."""
        by_encoding: dict[str, list[str]] = {}
        for name, encoding in self.encodings.items():
            by_encoding.setdefault(encoding, []).append(name)
        return [
            _("Read as {encoding}: {files}").format(encoding=encoding, files=", ".join(names))
            for encoding, names in sorted(by_encoding.items())
        ]

    def summary(self) -> str:
        if not self.ok:
            n = self.problems.total
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
        found.caseworkers = {
            i: n for n, i in s.execute(select(col(Caseworker.id), col(Caseworker.initials)))
        }
        found.companies = {c: n for n, c in s.execute(select(col(Company.id), col(Company.cvr)))}
        found.citizens = {c: n for n, c in s.execute(select(col(Citizen.id), col(Citizen.cpr)))}
        by_id = {n: c for c, n in found.citizens.items()}
        for citizen_id, start, end in s.execute(
            select(
                col(BenefitSpell.citizen_id),
                col(BenefitSpell.start_date),
                col(BenefitSpell.end_date),
            )
        ):
            found.spells[by_id[citizen_id]].append(Period(start, end))
        found.plans = {by_id[n] for n in s.execute(select(col(Plan.citizen_id))).scalars()}
    return found


def check_bundle_source(origin: Path) -> Path:
    """Refuse, before a database is opened or made, what is not a bundle at all."""
    open_bundle(origin, Problems())
    return origin


def bundle_user_for_login(origin: Path, login: str) -> tuple[str, str] | None:
    """(initials, name) of the bundle's caseworker whose initials are this OS login, if any."""
    from app.domain.users import login_candidates

    table = open_bundle(origin, Problems()).tables.get("caseworkers.csv")
    rows = open_rows(table, SPECS["caseworkers.csv"], Problems()) if table else None
    wanted = {name.upper() for name in login_candidates(login)}
    for row in rows or ():
        if row.values.get("initials") in wanted and row.values.get("name"):
            return row.values["initials"], row.values["name"]
    return None


def check_bundle(
    bundle: Bundle,
    checker: Checker,
    report: ImportReport,
    options: ReadOptions,
    progress: Progress | None = None,
) -> None:
    """Stream every table once through the checker, file by file in dependency order."""
    for done, spec in enumerate(FILES, start=1):
        table = bundle.tables.get(spec.name)
        if table is not None:
            rows = open_rows(table, spec, report.problems, options)
            if table.encoding is not None:
                report.encodings[table.name] = table.encoding
            if rows is None:
                checker.refused.add(spec.name)
            n = 0
            for row in rows or ():
                checker.check(spec.name, row)
                n += 1
            checker.finish(spec.name)
            report.counts[spec.name] = n
        if progress and progress(done, len(FILES), spec.name) is False:
            raise MinPlanError("Stopped; nothing was written")


def import_bundle(
    db: Database,
    actor: Actor,
    source: Path | str,
    *,
    dry_run: bool = False,
    fix_leading_zeros: bool = False,
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
    try:
        # The collector's full passes rescanned every row, key and cache the import holds, a
        # dozen times at 100 000 citizens (4-5 s, 6 % of the import's processor time), to find
        # about 11 000 objects in cycles (0.1 per citizen: SQLAlchemy's, the rollback's), which
        # the first collection after the import frees. Reference counting frees the rest.
        with cycle_collection_paused():
            return _import(
                db, actor, source, dry_run, fix_leading_zeros, progress, today, first_admin
            )
    finally:
        cells.forget()


def _import(
    db: Database,
    actor: Actor,
    source: Path | str,
    dry_run: bool,
    fix_leading_zeros: bool,
    progress: Progress | None,
    today: date | None,
    first_admin: str | None,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    options = ReadOptions(fix_leading_zeros=fix_leading_zeros)
    bundle = open_bundle(Path(source), report.problems)
    before = bundle.fingerprint()
    today = today or local_today()
    checker = Checker(_existing(db), report.problems, today, set())
    if dry_run:
        check_bundle(bundle, checker, report, options, progress)
        report.counts = {name: report.counts.get(name, 0) for name in FILE_NAMES}
        return report
    reading = _OnePass(bundle, checker, report, options)
    try:
        write_bundle(
            db,
            actor,
            reading.rows,
            progress,
            details={"counts": report.counts, "folder": bundle.origin.name},
            first_admin=first_admin,
            unchanged=lambda: before == bundle.fingerprint(),
            verdict=reading.verdict,
        )
    except _Refused:
        return report  # rolled back: the report names every problem
    statistics.analyse(db)  # every table changed at once: the planner's guesses would not hold
    report.written = True
    return report


class _Refused(Exception):
    """The bundle had a problem: the transaction that wrote its first rows is rolled back."""


class _OnePass:
    """Each file of the bundle read once, for the checker and the writer together.

    ``rows(name)`` streams one file's rows through the checker and hands each on to be written
    while the bundle has no problem so far (the writer reports the progress); ``verdict()``,
    after the writer's last file, reads whatever file the writer did not ask for and raises
    ``_Refused`` when there was a problem."""

    def __init__(
        self, bundle: Bundle, checker: Checker, report: ImportReport, options: ReadOptions
    ) -> None:
        self.bundle, self.checker, self.report, self.options = bundle, checker, report, options
        self.read: set[str] = set()

    def rows(self, name: str) -> Iterator[Row]:
        if name in self.read:
            raise RuntimeError(f"{name} is read once")  # the writer's order is the bundle's
        self.read.add(name)
        problems, checker = self.report.problems, self.checker
        table = self.bundle.tables.get(name)
        n = 0
        if table is not None:
            rows = open_rows(table, SPECS[name], problems, self.options)
            if table.encoding is not None:
                self.report.encodings[table.name] = table.encoding
            if rows is None:
                checker.refused.add(name)
            for row in rows or ():
                checker.check(name, row)
                n += 1
                if not problems:  # (a row that is not complete has a problem)
                    yield row
            checker.finish(name)
        self.report.counts[name] = n

    def verdict(self) -> None:
        for name in FILE_NAMES:
            if name not in self.read:
                for _row in self.rows(name):
                    pass
        counted = {name: self.report.counts.get(name, 0) for name in FILE_NAMES}
        self.report.counts.clear()
        self.report.counts.update(counted)  # (the audit event's details hold this dict)
        if self.report.problems:
            raise _Refused
