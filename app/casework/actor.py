"""Who is acting: the app user (a caseworker row, when known) and the operating-system user.

Every use case takes an ``Actor`` so that its audit event names who did it.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlmodel import Session, select

from app.store.models import Caseworker


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getpass raises several kinds where no user is known
        return "unknown"


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


def resolve_actor(session: Session, initials: str | None = None) -> Actor:
    """The caseworker named by ``initials`` (or ``MINPLAN_USER``, or the OS user name).

    Falls back to the first active caseworker (then any active user), then to the system actor,
    so that a demo database opens with a sensible user.
    """
    wanted = (initials or os.environ.get("MINPLAN_USER") or os_user()).strip().upper()
    row = session.exec(select(Caseworker).where(Caseworker.initials == wanted)).first()
    if row is None and not initials:
        row = session.exec(
            select(Caseworker)
            .where(Caseworker.active)
            .order_by((Caseworker.role != "caseworker"), Caseworker.id)
        ).first()
    if row is None:
        return system_actor()
    return Actor(
        caseworker_id=row.id,
        initials=row.initials,
        name=row.name,
        role=row.role,
        os_user=os_user(),
    )
