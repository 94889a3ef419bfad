"""``minplan users``: who the database's users are (initials, name, role), e.g. on the demo, where
``--user INITIALS`` picks one of them. Any user of the database may see the list, as in the GUI's
assignment pickers; e-mail, phone and login are left out."""

from __future__ import annotations

import argparse

from app import i18n
from app.cli.command import Command, ExitCode
from app.cli.database import acting_user, open_database
from app.cli.options import add_common
from app.i18n import N_, _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser, suppress=True)


def table(users) -> list[str]:
    """One line per user: initials, name, role (and "deactivated")."""
    from app.domain.codes import ROLES

    width = max((len(u.initials) for u in users), default=0)
    lines = []
    for user in users:
        role = i18n.label(ROLES, user.role)
        state = "" if user.active else " — " + _("deactivated")
        lines.append(f"  {user.initials:<{width}}  {user.name} ({role}){state}")
    return lines


def run(args: argparse.Namespace) -> ExitCode:
    from app.casework.admin.users import list_users

    db = open_database(args)
    me = acting_user(db, args)
    users = list_users(db)
    print(_("Users of {database}:").format(database=db.description))
    print("\n".join(table(users)))
    print(_("You are {user}.").format(user=me.display))
    return ExitCode.OK


COMMANDS = (
    Command("users", N_("list the database's users: initials, name and role"), add_arguments, run),
)
