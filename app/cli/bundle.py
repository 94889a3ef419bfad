"""``minplan import DIR|FILE.xlsx`` and ``minplan export DIR|FILE.xlsx``: a whole jobcenter in and
out, as the bundle's CSV files or one workbook (packaging/BUNDLE.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.command import Command, ExitCode
from app.cli.database import acting_user, actor_for, open_database
from app.cli.options import add_common
from app.cli.progress import stderr_progress
from app.i18n import N_, _


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "directory",
        metavar="DIR|FILE.xlsx",
        help=_("folder holding the bundle's CSV files, or the bundle as one .xlsx workbook"),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help=_("check the files and report, but write nothing")
    )
    parser.add_argument(
        "--fix-leading-zeros",
        action="store_true",
        help=_(
            "give back the leading 0 of CPR numbers a spreadsheet shortened to 9 digits "
            "(otherwise they are refused)"
        ),
    )
    add_common(parser, suppress=True)


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "directory",
        metavar="DIR|FILE.xlsx",
        help=_(
            "folder to write the CSV files into, or an .xlsx file for one workbook with a "
            "sheet per file"
        ),
    )
    add_common(parser, suppress=True)


def run_import(args: argparse.Namespace) -> ExitCode:
    from app.casework.bundle.importer import check_bundle_source, import_bundle
    from app.store.engine import transaction

    source = check_bundle_source(Path(args.directory))  # before any database is made
    db = open_database(args)
    with transaction(db) as session:
        actor, first_admin = _importer(session, args, source)
    report = import_bundle(
        db,
        actor,
        source,
        dry_run=args.dry_run,
        progress=stderr_progress,
        first_admin=first_admin,
        fix_leading_zeros=args.fix_leading_zeros,
    )
    for line in report.error_lines():
        print(line, file=sys.stderr)
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    for line in report.encoding_lines():  # which encoding each CSV file was read in
        print(line, file=sys.stdout if report.ok else sys.stderr)
    return ExitCode.OK if report.ok else ExitCode.PROBLEM


def _importer(session, args: argparse.Namespace, source: Path):
    """Who imports, and which bundle caseworker becomes the administrator (or None).

    Into a database without users the person at the desk becomes its administrator: when the
    bundle holds them already (their login as initials in ``caseworkers.csv``) as that row,
    written with the import, instead of a second user of their own; a dry run makes nobody."""
    from app.casework.admin.users import has_users
    from app.casework.bundle.importer import bundle_user_for_login
    from app.casework.core.actor import Actor, os_user

    if has_users(session):
        return actor_for(session, args), None
    match = bundle_user_for_login(source, os_user())
    if match is None and not args.dry_run:
        return actor_for(session, args), None  # the first administrator, from the login
    initials, name = match or ("", os_user())
    actor = Actor(
        caseworker_id=None, initials=initials or None, name=name, role="admin", os_user=os_user()
    )
    return actor, initials or None


def run_export(args: argparse.Namespace) -> ExitCode:
    from app.casework.bundle.exporter import export_bundle

    db = open_database(args)
    actor = acting_user(db, args)
    report = export_bundle(db, actor, Path(args.directory))
    print(report.summary())
    return ExitCode.OK


COMMANDS = (
    Command("import", N_("import a CSV bundle (all or nothing)"), add_import_arguments, run_import),
    Command(
        "export", N_("export the whole database as a CSV bundle"), add_export_arguments, run_export
    ),
)
