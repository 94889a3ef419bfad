"""``minplan db …``: database maintenance.

minplan db upgrade [--no-backup] | db current
minplan db password [--forget]                 (app.cli.db_password)
minplan db rekey | db encrypt | db recover     (app.cli.encryption)
minplan db keystore                            (app.cli.keystore)
"""

from __future__ import annotations

import argparse

from app.cli import db_password, encryption, keystore
from app.cli.command import Command, ExitCode
from app.cli.database import open_database
from app.cli.options import add_common
from app.i18n import N_, _


def add_arguments(db: argparse.ArgumentParser) -> None:
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_sub.add_parser(
        "upgrade", help=_("bring the database schema up to date (after a backup copy)")
    )
    upgrade.add_argument(
        "--no-backup", action="store_true", help=_("do not copy the file before upgrading")
    )
    add_common(upgrade, suppress=True)
    current = db_sub.add_parser(
        "current", help=_("show the database's schema revision and whether it is encrypted")
    )
    add_common(current, suppress=True)
    db_password.add_parser(db_sub)
    encryption.add_parsers(db_sub)
    keystore.add_parser(db_sub)


def run(args: argparse.Namespace) -> ExitCode:
    from app.store.migrations import current_revision, head_revision, upgrade

    if args.db_command == "password":
        return db_password.run(args)
    if args.db_command in ("rekey", "encrypt", "recover"):
        return encryption.run(args)
    if args.db_command == "keystore":
        return keystore.run(args)
    db = open_database(args, create=args.db_command == "upgrade", upgrade=False)
    if args.db_command == "current":
        print(
            _("Schema revision: {current} (newest: {head})").format(
                current=current_revision(db) or "-", head=head_revision()
            )
        )
        print(encryption.encryption_line(db))
        return ExitCode.OK
    result = upgrade(db, backup=not args.no_backup)
    if not result.changed:
        print(_("The database is already up to date ({revision}).").format(revision=result.after))
    else:
        print(
            _("Upgraded the database from {before} to {after}.").format(
                before=result.before or "-", after=result.after
            )
        )
        if result.backup:
            print(_("Backup copy: {path}").format(path=result.backup))
    return ExitCode.OK


COMMANDS = (Command("db", N_("database maintenance"), add_arguments, run),)
