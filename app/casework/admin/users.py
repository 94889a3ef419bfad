"""Managing the users of a Min Plan database (administrators only, every change audited).

A user is a row of ``caseworker``: initials, name, team, role, e-mail, phone and the login name
they sign in with (``None`` = their initials). Users are never deleted (the audit log and old
records name them); they are deactivated. The last active administrator can be neither
deactivated nor given another role, so a database always has someone who can manage it.
The very first user of a new database becomes its administrator (``create_first_admin``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.casework.core.editing import apply_changes, flush_versioned, load_for_update
from app.casework.core.result import Area, Saved
from app.domain.errors import DuplicateError, NotFoundError, PermissionDeniedError
from app.domain.search import danish_order_key
from app.domain.users import clean_user
from app.i18n import N_, ngettext
from app.store.engine import Database, transaction
from app.store.models import Caseworker, Citizen
from app.store.row_values import saved_id

_AREAS = frozenset({Area.USERS})
_MANAGE = N_("Only an administrator can manage users")


@dataclass(frozen=True)
class UserView:
    id: int
    version: int
    initials: str
    name: str
    team: str | None
    role: str
    email: str | None
    phone: str | None
    login: str | None
    active: bool
    citizens: int


@dataclass(frozen=True)
class Colleague:
    """An active user as the caseworker choosers show them."""

    id: int
    name: str
    initials: str
    team: str | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.initials})"


def active_caseworkers(db: Database) -> list[Colleague]:
    """The active users by name in Danish order (handing a citizen over, a new citizen's
    caseworker, the worklist's teams)."""
    with transaction(db) as session:
        rows = session.exec(select(Caseworker).where(col(Caseworker.active))).all()
        rows = sorted(rows, key=lambda r: (danish_order_key(r.name), saved_id(r)))  # Å after Ø
        return [Colleague(saved_id(r), r.name, r.initials, r.team) for r in rows]


def caseworker_by_initials(db: Database, initials: str) -> int:
    """The id of the user with these initials (any case), or ``NotFoundError``."""
    wanted = initials.upper()
    with transaction(db) as session:
        found = session.exec(select(Caseworker.id).where(Caseworker.initials == wanted)).first()
    if found is None:
        raise NotFoundError("No caseworker with initials {initials}", initials=wanted)
    return found


def list_users(db: Database) -> list[UserView]:
    """Every user, active ones first, by initials in Danish order; with the size of each
    caseload."""
    with transaction(db) as session:
        counts = dict(
            session.exec(
                select(col(Citizen.caseworker_id), func.count())
                .where(col(Citizen.deleted_at).is_(None), col(Citizen.caseworker_id).is_not(None))
                .group_by(col(Citizen.caseworker_id))
            ).all()
        )
        # Sorted here, in Danish order (Æ, Ø, Å after Z): the database's byte order puts Å first.
        rows = sorted(
            session.exec(select(Caseworker)).all(),
            key=lambda r: (not r.active, danish_order_key(r.initials), saved_id(r)),
        )
        return [
            UserView(
                saved_id(r),
                r.version,
                r.initials,
                r.name,
                r.team,
                r.role,
                r.email,
                r.phone,
                r.login,
                r.active,
                counts.get(r.id, 0),
            )
            for r in rows
        ]


def _check_unique(session: Session, values: Mapping[str, Any], own_id: int | None = None) -> None:
    if "initials" in values:
        other = session.exec(
            select(Caseworker).where(col(Caseworker.initials) == values["initials"])
        ).first()
        if other is not None and other.id != own_id:
            raise DuplicateError(
                "{name} already has the initials {initials}",
                existing_id=saved_id(other),
                field="initials",
                name=other.name,
                initials=values["initials"],
            )
    if values.get("login"):
        other = session.exec(
            select(Caseworker).where(col(Caseworker.login) == values["login"])
        ).first()
        if other is not None and other.id != own_id:
            raise DuplicateError(
                "{name} already signs in as {login}",
                existing_id=saved_id(other),
                field="login",
                name=other.name,
                login=values["login"],
            )


def _active_admins(session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(Caseworker)
        .where(col(Caseworker.role) == "admin", col(Caseworker.active))
    ).one()


def _keep_an_admin(session: Session, row: Caseworker, *, role: str, active: bool) -> None:
    """Refuse the change that would leave the database without an active administrator."""
    if row.role == "admin" and row.active and (role != "admin" or not active):
        if _active_admins(session) <= 1:
            raise PermissionDeniedError(
                "{name} is the last active administrator; make another user administrator first",
                name=row.name,
            )


def _change(
    session: Session, actor: Actor, row: Caseworker, changes: Mapping[str, Any], action: str
) -> bool:
    """Apply the changes to the user's row and audit them (old → new); False if nothing changed."""
    old, new = apply_changes(row, changes)
    if not new:
        return False
    flush_versioned(session, row, changes)
    audit.record(session, actor, action, entity="caseworker", entity_id=row.id, old=old, new=new)
    return True


def add_user(db: Database, actor: Actor, values: Mapping[str, Any]) -> Saved:
    """A new, active user with the given role (default: caseworker)."""
    access.require_admin(actor, _MANAGE)
    cleaned = clean_user({"role": "caseworker", **values})
    with transaction(db) as session:
        _check_unique(session, cleaned)
        row = Caseworker(**cleaned, active=True)
        session.add(row)
        session.flush()
        audit.record(
            session, actor, "create_user", entity="caseworker", entity_id=row.id, new=cleaned
        )
        return Saved(saved_id(row), row.version, None, _AREAS)


def update_user(
    db: Database,
    actor: Actor,
    user_id: int,
    expected_version: int | None,
    values: Mapping[str, Any],
) -> Saved:
    """Change a user's details (initials, name, team, e-mail, phone, login; role separately)."""
    access.require_admin(actor, _MANAGE)
    cleaned = clean_user({k: val for k, val in values.items() if k != "role"}, partial=True)
    with transaction(db) as session:
        row = load_for_update(session, Caseworker, user_id, expected_version, cleaned)
        _check_unique(session, cleaned, own_id=user_id)
        _change(session, actor, row, cleaned, "update_user")
        return Saved(saved_id(row), row.version, None, _AREAS)


def change_role(
    db: Database, actor: Actor, user_id: int, role: str, *, expected_version: int | None = None
) -> Saved:
    access.require_admin(actor, _MANAGE)
    cleaned = clean_user({"role": role}, partial=True)
    with transaction(db) as session:
        row = load_for_update(session, Caseworker, user_id, expected_version, cleaned)
        _keep_an_admin(session, row, role=cleaned["role"], active=row.active)
        _change(session, actor, row, cleaned, "change_role")
        return Saved(saved_id(row), row.version, None, _AREAS)


def set_active(
    db: Database, actor: Actor, user_id: int, active: bool, *, expected_version: int | None = None
) -> Saved:
    """Deactivate a user (they can no longer sign in) or activate them again.

    A deactivated caseworker's citizens stay in their caseload until handed over; the result
    warns how many there are."""
    access.require_admin(actor, _MANAGE)
    with transaction(db) as session:
        row = load_for_update(session, Caseworker, user_id, expected_version, {"active": active})
        if not active and row.id == actor.caseworker_id:
            raise PermissionDeniedError("You cannot deactivate yourself; ask another administrator")
        _keep_an_admin(session, row, role=row.role, active=active)
        warnings: tuple[str, ...] = ()
        action = "activate_user" if active else "deactivate_user"
        if _change(session, actor, row, {"active": active}, action):
            if not active:
                left = session.exec(
                    select(func.count())
                    .select_from(Citizen)
                    .where(col(Citizen.caseworker_id) == row.id, col(Citizen.deleted_at).is_(None))
                ).one()
                if left:
                    warnings = (
                        ngettext(
                            "{name} still has {n} citizen in the caseload; hand it over",
                            "{name} still has {n} citizens in the caseload; hand them over",
                            left,
                        ).format(name=row.name, n=left),
                    )
        return Saved(saved_id(row), row.version, None, _AREAS, warnings)


def has_users(session: Session) -> bool:
    return session.exec(select(col(Caseworker.id)).limit(1)).first() is not None


def create_first_admin(
    session: Session, *, initials: str, name: str, login: str | None, os_user: str
) -> Caseworker:
    """The first user of a database with no users: an administrator, signing in as ``login``.

    Runs in the caller's session (so the user and its audit event commit together)."""
    if has_users(session):
        raise PermissionDeniedError("The database has users already; ask an administrator")
    cleaned = clean_user({"initials": initials, "name": name, "login": login, "role": "admin"})
    row = Caseworker(**cleaned, active=True)
    session.add(row)
    session.flush()
    me = Actor(row.id, row.initials, row.name, "admin", os_user)
    audit.record(
        session,
        me,
        "create_user",
        entity="caseworker",
        entity_id=row.id,
        new=cleaned,
        details={"first_user": True},
    )
    return row
