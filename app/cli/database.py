"""The database a command works on, and who it acts as.

``open_database`` opens what ``--db``, ``--database-url``, ``--demo`` or the environment name,
upgraded to the current schema; ``actor_for`` is the user a command acts as (``acting_user``
reads it in a transaction of its own).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app import paths
from app.domain.errors import DatabaseError

#: Default size of the demo database that ``minplan --demo`` creates.
DEMO_CITIZENS = 2000
DEMO_SEED = 1


#: Commands that make a new database file when there is none (the GUI's first start, an import);
#: the others report a missing file instead of reading or exporting an empty new database.
CREATING_COMMANDS = {None, "import"}


def database_path(args: argparse.Namespace) -> Path:
    """The SQLite file: ``--db``; else the demo's own file with ``--demo`` (made when missing);
    else ``MINPLAN_DB`` or the data folder. ``--db`` must name a file in a folder that exists:
    a mistyped folder is refused, never created."""
    if getattr(args, "db", None):
        path = Path(args.db).expanduser()
        if not path.parent.is_dir():
            raise DatabaseError(
                "The folder {folder} does not exist; create it first, or give --db a file in "
                "an existing folder",
                folder=str(path.parent),
            )
        return path
    if getattr(args, "demo", False):
        path = paths.demo_database_path()
        if not path.exists():  # the generator (Faker, the bundle writer) only when it makes it
            from app.demo.data import ensure_demo_database

            ensure_demo_database(
                path, citizens=DEMO_CITIZENS, seed=DEMO_SEED, encryption=encryption_choice(args)
            )
        return path
    return paths.default_database_path()


def actor_for(session, args: argparse.Namespace):
    """Who a command acts as: the user at the desk; on the demo database its administrator, or
    the user ``--user`` names."""
    from app.casework.core.sign_in import resolve_actor

    return resolve_actor(
        session, getattr(args, "user", None), demo=getattr(args, "demo", False), demo_role="admin"
    )


def acting_user(db, args: argparse.Namespace):
    """``actor_for``, read in a short transaction of its own."""
    from app.store.engine import transaction

    with transaction(db) as session:
        return actor_for(session, args)


def encryption_choice(args: argparse.Namespace) -> bool | None:
    """``--no-encryption`` gives False; otherwise None (``MINPLAN_ENCRYPTION``, default on)."""
    return False if getattr(args, "no_encryption", False) else None


def open_database(
    args: argparse.Namespace,
    *,
    create: bool | None = None,
    upgrade: bool = True,
    announce: bool = True,
):
    """The database named on the command line (or the default), upgraded to the current schema.

    A SQLite file is upgraded on the spot (after a backup copy); a server's schema must already
    be current (its owner runs ``minplan db upgrade``), otherwise a calm error says so. With
    ``announce``, a network-drive warning and a new database's recovery key go to stderr (the
    GUI shows them in its own windows instead).
    """
    if create is None:
        create = getattr(args, "command", None) in CREATING_COMMANDS
    from app.store.engine import open_sqlite, open_url
    from app.store.migrations import require_current
    from app.store.migrations import upgrade as upgrade_schema

    url = getattr(args, "database_url", None) or os.environ.get("MINPLAN_DATABASE_URL")
    if url:
        db = open_url(url, encryption=encryption_choice(args))
    else:
        path = database_path(args)
        args.leftover_notice = _remove_leftovers(path, announce=announce)
        db = open_sqlite(path, create=create, encryption=encryption_choice(args))
    if announce:
        from app.cli.encryption import announce as announce_database

        announce_database(db)
    if upgrade and db.is_sqlite:
        upgrade_schema(db)
    elif upgrade:  # a shared server is upgraded by its owner: minplan db upgrade
        require_current(db)
    return db


def _remove_leftovers(path: Path, *, announce: bool) -> str | None:
    """Copies cut off last time (a killed backup, rekey, restore or demo) are removed now, and the
    start says so: on stderr for a command, in the status bar for the window."""
    from app.i18n import ngettext
    from app.store.leftovers import remove_leftovers

    removed = remove_leftovers(path)
    if path != paths.demo_database_path():
        removed += remove_leftovers(paths.demo_database_path())
    if not removed:
        return None
    message = ngettext(
        "Removed {n} unfinished copy left by work that was cut off last time: {files}",
        "Removed {n} unfinished copies left by work that was cut off last time: {files}",
        len(removed),
    ).format(n=len(removed), files=", ".join(p.name for p in removed))
    if announce:
        print(message, file=sys.stderr)
    return message
