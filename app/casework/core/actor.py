"""Who is acting: the app user (a caseworker row) and the operating-system user.

Every use case takes an ``Actor`` so that its audit event names who did it. The operating system
has already checked who sits at the desk, so Min Plan signs the user in by their login name:
the user whose ``login`` is that name (or, with no login set, whose initials are that name). On
a shared PostgreSQL server the database login (which the server checked with the person's own
password) is tried first. The signing in itself, ``resolve_actor``, is in
``app.casework.core.sign_in``: it may make the first user, so it sits above ``users``.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.domain.users import DEMO_MARKER, Actor, initials_from_login, login_candidates, os_user
from app.store.models import AppSetting, Caseworker

__all__ = ["DEMO_MARKER", "Actor", "os_user"]


def os_full_name(login: str) -> str | None:
    """The user's full name from the system's user database, where there is one (Unix)."""
    try:
        import pwd

        name = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError, OSError):
        return None
    return name or None


def system_actor() -> Actor:
    """The CLI or a batch job acting without a caseworker identity."""
    return Actor(caseworker_id=None, initials=None, name=None, role="admin", os_user=os_user())


def is_demo_database(session: Session) -> bool:
    return (
        session.exec(select(col(AppSetting.id)).where(col(AppSetting.key) == DEMO_MARKER)).first()
        is not None
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
