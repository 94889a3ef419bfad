"""``minplan db rekey | encrypt | recover`` and what the command line says about encryption.

The recovery key is printed once, to stderr (so that a command's own output stays clean), when a
command creates an encrypted database or gives it a new key. ``db recover`` reads the recovery
key from the terminal without echo (or one line of standard input), never from an argument.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from app import paths
from app.cli.command import ExitCode
from app.cli.options import add_common
from app.i18n import _, ngettext


def add_parsers(db_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rekey = db_sub.add_parser(
        "rekey", help=_("give the encrypted database a new key (shows the new recovery key)")
    )
    add_common(rekey, suppress=True)
    encrypt = db_sub.add_parser(
        "encrypt", help=_("encrypt an unencrypted database (the original is removed once verified)")
    )
    add_common(encrypt, suppress=True)
    recover = db_sub.add_parser(
        "recover", help=_("store the database key again from its recovery key (asked for)")
    )
    add_common(recover, suppress=True)


def database_path(args: argparse.Namespace) -> Path:
    from app.domain.errors import ValidationError

    if getattr(args, "database_url", None):
        raise ValidationError(
            "A PostgreSQL database is encrypted by its server, not by Min Plan (see the README)"
        )
    raw = Path(args.db).expanduser() if getattr(args, "db", None) else paths.default_database_path()
    return raw.resolve()


def print_recovery_key(recovery_key: str, database_id: str, path: Path) -> None:
    print(
        _(
            "The recovery key of the database {path} (database id {id}) is shown only now. Give "
            "it to IT to keep safe: if the key store entry is lost, only the recovery key opens "
            "the database (minplan db recover)."
        ).format(path=path, id=database_id),
        file=sys.stderr,
    )
    print(f"\n    {recovery_key}\n", file=sys.stderr)


def announce(db) -> None:
    """Warnings about a database just opened, and a new database's recovery key (once)."""
    from app.store.cipher import short_id

    if db.network_fs:
        from app.casework.privacy.database_keys import network_warning

        print(_("Warning: {message}").format(message=network_warning(db)), file=sys.stderr)
    if db.new_recovery_key is not None:
        recovery = db.new_recovery_key.take()
        if recovery:
            print(
                _("Created an encrypted database; its key is in the key store ({store}).").format(
                    store=db.encryption.key_store
                ),
                file=sys.stderr,
            )
            print_recovery_key(recovery, short_id(db.encryption.database_id), db.path)


def encryption_line(db) -> str:
    """One line for ``minplan db current``."""
    from app.store.cipher import short_id

    if db.encryption is None:
        return _("Encryption: by the database server (encryption at rest and TLS, see the README)")
    if not db.encryption.encrypted:
        return _("Encryption: NONE: this database file is not encrypted (minplan db encrypt)")
    if not db.encryption.key_store_protected:
        return _(
            "Encryption: SQLCipher 4, database id {id}; the key is in an UNPROTECTED key store "
            "({store})"
        ).format(id=short_id(db.encryption.database_id), store=db.encryption.key_store)
    return _(
        "Encryption: SQLCipher 4, database id {id}; the key is in the key store ({store})"
    ).format(id=short_id(db.encryption.database_id), store=db.encryption.key_store)


def read_recovery_key() -> str:
    prompt = _("Recovery key: ")
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline() if sys.stdin is not None else ""


def run(args: argparse.Namespace) -> ExitCode:
    from app.casework.core.actor import system_actor
    from app.casework.privacy import database_keys

    path = database_path(args)
    if args.db_command == "recover":
        print(
            _("Type the recovery key of {path} (letters and digits; dashes optional).").format(
                path=path
            ),
            file=sys.stderr,
        )
        database_id = database_keys.recover(path, system_actor(), read_recovery_key())
        print(
            _(
                "The key of {path} (database id {id}) is in the key store again; Min Plan opens "
                "the database as before."
            ).format(path=path, id=database_id)
        )
        return ExitCode.OK
    if args.db_command == "rekey":
        result = database_keys.rekey(path, system_actor())
        print(
            _(
                "The database {path} has a new key. Backups made before now still open with the "
                "old key, which stays in the key store, and with the old recovery key."
            ).format(path=path)
        )
    else:
        result = database_keys.encrypt(path, system_actor())
        print(
            _(
                "The database {path} is encrypted now ({tables} tables, {rows} rows checked). The "
                "unencrypted original was removed only after the encrypted copy had been verified."
            ).format(path=path, tables=result.tables, rows=result.rows)
        )
        _warn_plaintext_leftovers(path)
    from app.store.cipher import short_id

    print_recovery_key(result.recovery_key, short_id(result.database_id), path)
    return ExitCode.OK


def _warn_plaintext_leftovers(path: Path) -> None:
    from app.store.conversion import plaintext_backups

    left = plaintext_backups(path.parent / "backups")
    if left:
        print(
            ngettext(
                "Note: {count} unencrypted backup in {folder} still holds the data in plain form; "
                "delete it once you have an encrypted backup (minplan backup).",
                "Note: {count} unencrypted backups in {folder} still hold the data in plain form; "
                "delete them once you have an encrypted backup (minplan backup).",
                len(left),
            ).format(count=len(left), folder=path.parent / "backups"),
            file=sys.stderr,
        )
    print(
        _(
            "The disk blocks of the removed file may still hold plain data until they are "
            "overwritten; full-disk encryption (BitLocker, FileVault, LUKS) covers that."
        ),
        file=sys.stderr,
    )
