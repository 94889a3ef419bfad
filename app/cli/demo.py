"""``minplan demo``: a synthetic demo jobcenter written into a database (a file, or an empty
database on a server)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from app import paths
from app.cli.command import Command, ExitCode
from app.cli.database import (
    DEMO_CITIZENS,
    DEMO_SEED,
    database_path,
    encryption_choice,
    open_database,
)
from app.cli.options import add_common
from app.cli.progress import stderr_progress
from app.domain.errors import MinPlanError
from app.i18n import N_, _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--citizens",
        type=int,
        default=DEMO_CITIZENS,
        help=_("number of citizens (default %(default)s)"),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEMO_SEED,
        help=_("random seed: the same seed gives the same data"),
    )
    parser.add_argument("--force", action="store_true", help=_("replace the file if it exists"))
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=date.fromisoformat,
        default=None,
        help=_("the demo's 'today' (default: today); with the seed it fixes the data"),
    )
    add_common(parser, suppress=True)


def run(args: argparse.Namespace) -> ExitCode:
    from app.demo.data import write_demo_database

    if getattr(args, "database_url", None):
        return _demo_on_server(args)
    path = database_path(args) if getattr(args, "db", None) else paths.demo_database_path()
    summary = write_demo_database(
        path,
        citizens=args.citizens,
        seed=args.seed,
        force=args.force,
        progress=stderr_progress,
        as_of=args.as_of,
        encryption=encryption_choice(args),
    )
    print(
        _("Wrote a synthetic demo jobcenter to {path}: {summary}").format(
            path=path, summary=summary
        )
    )
    if summary.recovery_key:
        from app.cli.encryption import print_recovery_key

        print_recovery_key(summary.recovery_key, summary.database_id or "", path.resolve())
    _print_demo_users(path, encryption_choice(args))
    return ExitCode.OK


def _print_demo_users(path: Path, encryption: bool | None) -> None:
    """Who the demo's users are, so that ``--user INITIALS`` can be tried from the CLI."""
    from app.casework.admin.users import list_users
    from app.cli.users import table
    from app.store.engine import open_sqlite

    db = open_sqlite(path, create=False, encryption=encryption)
    try:
        users = list_users(db)
    finally:
        db.dispose()
    admin = next((u.initials for u in users if u.role == "admin" and u.active), "-")
    print(
        _(
            "The demo's users (commands act as {admin}; choose another with --user INITIALS):"
        ).format(admin=admin)
    )
    print("\n".join(table(users)))


def _demo_on_server(args: argparse.Namespace) -> ExitCode:
    """Demo data into an empty database on a server (nothing there is ever replaced)."""
    from app.casework.core.actor import system_actor
    from app.demo.data import populate

    if args.force:
        raise MinPlanError("--force replaces SQLite files only; on a server give an empty database")
    from app.store.migrations import upgrade

    db = open_database(args, upgrade=False)
    try:
        upgrade(db)
        summary = populate(
            db,
            system_actor(),
            citizens=args.citizens,
            seed=args.seed,
            as_of=args.as_of,
            progress=stderr_progress,
        )
    finally:
        db.dispose()
    print(
        _("Wrote a synthetic demo jobcenter to {path}: {summary}").format(
            path=db.description, summary=summary
        )
    )
    return ExitCode.OK


COMMANDS = (
    Command("demo", N_("write a synthetic demo jobcenter into a database"), add_arguments, run),
)
