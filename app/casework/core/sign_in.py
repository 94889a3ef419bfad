"""Signing in: the user at the desk as an ``Actor``, or the first user of an empty database.

The operating system has already checked who sits at the desk, so Min Plan signs the user in by
their login name (``app.casework.core.actor`` finds the user a login belongs to; on a shared
PostgreSQL server the database login is tried first).

- A database with no users yet makes the person at the desk its first user, an administrator
  (the GUI asks for name and initials first; the CLI takes them from the login).
- Someone who is not a user of a real database is refused with a calm message; they are never
  given another person's identity.
- On the demo database (recognised by the setting the demo generator writes, or ``--demo``)
  anyone may try any user with ``--user INITIALS``; without it the GUI opens as a caseworker and
  a command (``demo_role="admin"``) acts as the demo's administrator.

The module functions of ``actor`` are called through the module, so that a test can stand in for
the login (``app.casework.core.actor.os_user``).
"""

from __future__ import annotations

import os

from sqlmodel import Session, col, select

from app.casework.admin import users
from app.casework.core import actor as actor_module
from app.casework.core.actor import Actor
from app.domain.errors import NotFoundError, PermissionDeniedError
from app.store.models import Caseworker


def _as_actor(row: Caseworker, login: str) -> Actor:
    return Actor(
        caseworker_id=row.id, initials=row.initials, name=row.name, role=row.role, os_user=login
    )


def resolve_actor(
    session: Session,
    initials: str | None = None,
    *,
    demo: bool = False,
    first_admin: tuple[str, str] | None = None,
    demo_role: str | None = None,
) -> Actor:
    """The user at the desk (see the module's docstring).

    ``initials`` (``--user``; else ``MINPLAN_USER``) chooses a user on the demo database; on a
    real database it must name the user the login belongs to. On a database without users the
    login becomes the first administrator with ``first_admin`` = (initials, name) or defaults
    from the login; the new user is written in ``session``'s transaction. ``demo_role``: on the
    demo database without ``--user``, act as its first active user of that role.
    """
    login = actor_module.os_user()
    server_user = actor_module.server_login(session)
    if server_user is not None and actor_module.user_for_login(session, server_user) is not None:
        login = server_user  # the server checked this login's password: it names the person
    if not users.has_users(session):
        chosen_initials, name = first_admin or actor_module.first_admin_defaults(login)
        admin = users.create_first_admin(
            session, initials=chosen_initials, name=name, login=login.lower(), os_user=login
        )
        return _as_actor(admin, login)
    wanted = (initials or os.environ.get("MINPLAN_USER") or "").strip().upper()
    mine = actor_module.user_for_login(session, login)
    if demo or actor_module.is_demo_database(session):
        row: Caseworker | None = mine if demo_role is None else None
        if wanted:
            row = session.exec(select(Caseworker).where(col(Caseworker.initials) == wanted)).first()
            if row is None:
                raise NotFoundError("No user has the initials {initials}", initials=wanted)
        if row is None:  # the demo opens with a caseworker, whoever starts it
            row = session.exec(
                select(Caseworker)
                .where(col(Caseworker.active))
                .order_by(col(Caseworker.role) != (demo_role or "caseworker"), col(Caseworker.id))
            ).first()
    else:
        if mine is None:
            raise PermissionDeniedError(
                "You ({login}) are not a user of this database; ask an administrator to add you "
                "under Settings → Users",
                login=login,
            )
        if wanted and wanted != mine.initials:
            raise PermissionDeniedError(
                "You are signed in as {initials}; another user can be chosen only on the demo "
                "database",
                initials=mine.initials,
            )
        row = mine
    if row is None:
        raise PermissionDeniedError("The database has no active user; ask an administrator")
    if not row.active:
        raise PermissionDeniedError(
            "Your user {initials} is deactivated; ask an administrator", initials=row.initials
        )
    return _as_actor(row, login)
