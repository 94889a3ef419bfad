"""``minplan backup [--to PATH]`` and ``minplan restore PATH``: copies through SQLite's online backup
API; a restore checks the copy first and keeps the current file aside."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.command import Command, ExitCode
from app.cli.options import add_common
from app.i18n import N_, _


def add_backup_arguments(backup: argparse.ArgumentParser) -> None:
    backup.add_argument(
        "--to", metavar="DIR", help=_("folder for the copy (default: backups/ beside the database)")
    )
    add_common(backup, suppress=True)


def add_restore_arguments(restore: argparse.ArgumentParser) -> None:
    restore.add_argument("backup", metavar="PATH", help=_("the backup file"))
    add_common(restore, suppress=True)


def _sqlite_path(args: argparse.Namespace) -> Path:
    from app import paths
    from app.domain.errors import ValidationError

    if getattr(args, "database_url", None):
        raise ValidationError("Back up a PostgreSQL database with pg_dump (see the README)")
    return (
        Path(args.db).expanduser() if getattr(args, "db", None) else paths.default_database_path()
    )


def run_backup(args: argparse.Namespace) -> ExitCode:
    from app.domain.errors import NotFoundError
    from app.store.backup import MANUAL, backup_folder, backup_sqlite

    path = _sqlite_path(args)
    if not path.exists():
        raise NotFoundError("There is no database at {path}", path=str(path))
    if args.to:  # a copy out of the database's own folder: administrators, logged
        return _backup_to(args, Path(args.to).expanduser())
    target = backup_sqlite(
        path, Path(args.to).expanduser() if args.to else backup_folder(path), label=MANUAL
    )
    print(_("Backup written to {path}").format(path=target))
    return ExitCode.OK


def _backup_to(args: argparse.Namespace, folder: Path) -> ExitCode:
    from app.casework.privacy.handing_out import backup_to
    from app.cli.database import acting_user, open_database

    db = open_database(args, create=False)
    try:
        actor = acting_user(db, args)
        target = backup_to(db, actor, folder)
    finally:
        db.dispose()
    print(_("Backup written to {path}").format(path=target))
    return ExitCode.OK


def run_restore(args: argparse.Namespace) -> ExitCode:
    from app.store.backup import restore_sqlite

    path = _sqlite_path(args)
    aside = restore_sqlite(Path(args.backup).expanduser(), path)
    print(_("Restored {backup} to {path}").format(backup=args.backup, path=path))
    if aside is not None:
        print(_("The previous file was kept as {path}").format(path=aside))
    return ExitCode.OK


COMMANDS = (
    Command(
        "backup",
        N_("copy the database safely (also while Min Plan is running)"),
        add_backup_arguments,
        run_backup,
    ),
    Command(
        "restore",
        N_("put a backup in place of the database (checked first)"),
        add_restore_arguments,
        run_restore,
    ),
)
