"""Who is acting: the app user (a caseworker row) and the operating-system user.

Every use case takes an ``Actor`` so that its audit event names who did it. The operating system
has already checked who sits at the desk, so Min Plan signs the user in by their login name:
the user whose ``login`` is that name (or, with no login set, whose initials are that name). On
a shared PostgreSQL server the database login (which the server checked with the person's own
password) is tried first. The signing in itself, ``resolve_actor``, is in
``app.casework.core.sign_in``: it may make the first user, so it sits above ``users``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, col, select

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
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]  # Windows-only API; mypy checks as on Linux
    if not advapi32.GetUserNameW(buffer, ctypes.byref(size)):
        raise OSError(ctypes.get_last_error(), "GetUserNameW failed")  # type: ignore[attr-defined]  # Windows-only API; mypy checks as on Linux
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
