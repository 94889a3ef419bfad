"""Who is acting: the app user (a caseworker row) and the operating-system user.

Every use case takes an ``Actor`` so that its audit event names who did it. The operating system
has already checked who sits at the desk, so Min Plan signs the user in by their login name:
the user whose ``login`` is that name (or, with no login set, whose initials are that name). On
a shared PostgreSQL server the database login (which the server checked with the person's own
password) is tried first.

- A database with no users yet makes the person at the desk its first user, an administrator
  (the GUI asks for name and initials first; the CLI takes them from the login).
- Someone who is not a user of a real database is refused with a calm message; they are never
  given another person's identity.
- On the demo database (recognised by the setting the demo generator writes, or ``--demo``)
  anyone may try any user with ``--user INITIALS``; without it the GUI opens as a caseworker and
  a command (``demo_role="admin"``) acts as the demo's administrator.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.domain.errors import NotFoundError, PermissionDeniedError
from app.domain.users import initials_from_login, login_candidates
from app.store.models import AppSetting, Caseworker

#: The ``app_setting`` key the demo generator writes: this database holds synthetic data only.
DEMO_MARKER = "demo_database"


def os_user() -> str:
    """The operating system's account of this process, never an environment variable.

    ``getpass.getuser()`` believes ``LOGNAME``/``USER``/``USERNAME``, which anyone can set
    (``LOGNAME=ad minplan export …`` would act as the administrator "ad"); the account the
    kernel runs the process as is asked instead: ``getpwuid(getuid())`` on Linux and macOS,
    ``GetUserNameW`` on Windows."""
    try:
        if sys.platform == "win32":
            return _windows_user()
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError, AttributeError):
        return "unknown"  # no account name: matches no user, so a real database refuses


def _windows_user() -> str:
    """The Windows account of this process, from the Windows API (``GetUserNameW``)."""
    import ctypes
    from ctypes import wintypes

    size = wintypes.DWORD(257)  # UNLEN + 1
    buffer = ctypes.create_unicode_buffer(size.value)
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    if not advapi32.GetUserNameW(buffer, ctypes.byref(size)):
        raise OSError(ctypes.get_last_error(), "GetUserNameW failed")  # type: ignore[attr-defined]
    return buffer.value


def os_full_name(login: str) -> str | None:
    """The user's full name from the system's user database, where there is one (Unix)."""
    try:
        import pwd

        name = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError, OSError):
        return None
    return name or None


@dataclass(frozen=True)
class Actor:
    """Plain data (never a live ORM object) so it can cross threads."""

    caseworker_id: int | None
    initials: str | None
    name: str | None
    role: str
    os_user: str

    @property
    def display(self) -> str:
        if self.initials:
            return f"{self.name} ({self.initials})" if self.name else self.initials
        return self.os_user


def system_actor() -> Actor:
    """The CLI or a batch job acting without a caseworker identity."""
    return Actor(caseworker_id=None, initials=None, name=None, role="admin", os_user=os_user())


def is_demo_database(session: Session) -> bool:
    return (
        session.exec(select(AppSetting.id).where(AppSetting.key == DEMO_MARKER)).first() is not None
    )


def server_login(session: Session) -> str | None:
    """On a shared PostgreSQL server, the database login of this connection (``session_user``).

    Each person has a login role of their own (README, "Team deployment"), authenticated by the
    server with their password from the key store, so it identifies them better than the desk's
    operating-system user. On SQLite there is none."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return str(session.execute(text("SELECT session_user")).scalar_one())


def user_for_login(session: Session, login: str) -> Caseworker | None:
    """The user this OS login belongs to: by their login name, else by their initials."""
    names = login_candidates(login)
    if not names:
        return None
    row = session.exec(select(Caseworker).where(col(Caseworker.login).in_(names))).first()
    if row is None:
        row = session.exec(
            select(Caseworker).where(
                col(Caseworker.initials).in_([n.upper() for n in names]),
                col(Caseworker.login).is_(None),
            )
        ).first()
    return row


def first_admin_defaults(login: str | None = None) -> tuple[str, str]:
    """(initials, name) suggested for the first user, from the OS login."""
    login = login or os_user()
    return initials_from_login(login), os_full_name(login) or login


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
    from app.casework import users

    login = os_user()
    server_user = server_login(session)
    if server_user is not None and user_for_login(session, server_user) is not None:
        login = server_user  # the server checked this login's password: it names the person
    if not users.has_users(session):
        chosen_initials, name = first_admin or first_admin_defaults(login)
        row = users.create_first_admin(
            session, initials=chosen_initials, name=name, login=login.lower(), os_user=login
        )
        return _as_actor(row, login)
    wanted = (initials or os.environ.get("MINPLAN_USER") or "").strip().upper()
    mine = user_for_login(session, login)
    if demo or is_demo_database(session):
        row = mine if demo_role is None else None
        if wanted:
            row = session.exec(select(Caseworker).where(Caseworker.initials == wanted)).first()
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
