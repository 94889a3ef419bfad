"""Who may do what with a citizen's case: the three roles, enforced in the use-case layer.

Roles (``col(Caseworker.role)``):

- **caseworker** works on the citizens of their own caseload and on citizens in nobody's
  caseload. A colleague's citizen can be opened only with a stated reason ("break the glass",
  ``access_log.record_view``): the reason is logged and gives an ``AccessGrant`` for the rest of
  that day, during which the caseworker may also work on the citizen. Without a grant for today
  every change to a colleague's citizen is refused.
- **teamlead** follows the team's work: the worklist, the overview, aggregates and goal targets,
  and hands the team's citizens over to another caseworker. A team lead never reads journal text
  and does not change the contents of a case. Opening a citizen outside the team needs a reason.
- **admin** manages users, organisation settings, retention and access requests, and may work on
  any citizen; like everything else, each action is audited.

The GUI hides nothing it relies on: every rule here is checked again by the use case itself. On a
team server (PostgreSQL) the server enforces the same rules with row-level security
(``packaging/postgresql/roles.sql``): a login reads and writes only the citizens its user may, and
break-the-glass grants are written only by the server's ``minplan_open_citizen``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.casework.core.actor import Actor
from app.domain.dates import local_today
from app.domain.errors import PermissionDeniedError
from app.i18n import N_
from app.store.models import AccessGrant, Caseworker, Citizen

ROLES = ("caseworker", "teamlead", "admin")


def today() -> date:
    """The local day a grant is valid for (a function, so tests can move the clock)."""
    return local_today()


def _owner(session: Session, citizen_id: int) -> int | None:
    from app.store.audit_chain import server_sealed

    if server_sealed(session):  # row-level security may hide the citizen: ask the server
        return session.execute(
            text("SELECT minplan_citizen_owner(:c)"), {"c": citizen_id}
        ).scalar_one_or_none()
    citizen = session.get(Citizen, citizen_id)
    return citizen.caseworker_id if citizen else None


def _team(session: Session, caseworker_id: int | None) -> str | None:
    if caseworker_id is None:
        return None
    worker = session.get(Caseworker, caseworker_id)
    return worker.team if worker else None


def in_own_caseload(session: Session, actor: Actor, citizen_id: int) -> bool:
    """The citizen is the actor's own, or in nobody's caseload."""
    owner = _owner(session, citizen_id)
    return owner is None or owner == actor.caseworker_id


def in_team(session: Session, actor: Actor, citizen_id: int) -> bool:
    """The citizen's caseworker is in the actor's team (or the citizen is in nobody's caseload)."""
    owner = _owner(session, citizen_id)
    if owner is None or owner == actor.caseworker_id:
        return True
    team = _team(session, actor.caseworker_id)
    return team is not None and _team(session, owner) == team


def needs_reason(session: Session, actor: Actor, citizen_id: int) -> bool:
    """Opening this citizen needs a stated reason (the glass must be broken)."""
    if actor.role == "caseworker":
        return not in_own_caseload(session, actor, citizen_id)
    if actor.role == "teamlead":
        return not in_team(session, actor, citizen_id)
    return False


def grant_for_today(
    session: Session, actor: Actor, citizen_id: int, *, day: date | None = None
) -> AccessGrant | None:
    """The actor's break-the-glass grant for this citizen today, if there is one."""
    if actor.caseworker_id is None:
        return None
    return session.exec(
        select(AccessGrant)
        .where(
            col(AccessGrant.citizen_id) == citizen_id,
            col(AccessGrant.caseworker_id) == actor.caseworker_id,
            col(AccessGrant.granted_on) == (day or today()),
        )
        .order_by(col(AccessGrant.id))
    ).first()


def grant(session: Session, actor: Actor, citizen_id: int, reason: str) -> AccessGrant | None:
    """Record a broken glass for today. For a caseworker it also allows changes that day; a team
    lead's grant lets them read (never change) a citizen outside the team; an administrator
    needs none."""
    if actor.caseworker_id is None or actor.role == "admin":
        return None
    row = AccessGrant(
        citizen_id=citizen_id,
        caseworker_id=actor.caseworker_id,
        granted_on=today(),
        reason=reason[:300],
    )
    session.add(row)
    return row


def require_case_write(session: Session, actor: Actor, citizen_id: int) -> None:
    """Refuse a change to the citizen's case that the actor's role does not allow."""
    if actor.role == "admin":
        return
    if actor.role == "teamlead":
        raise PermissionDeniedError(
            "A team lead follows the team's work; changes to a case are made by its caseworker"
        )
    if actor.role != "caseworker":
        raise PermissionDeniedError("Your role does not allow changes to a case")
    if in_own_caseload(session, actor, citizen_id):
        return
    if grant_for_today(session, actor, citizen_id) is None:
        raise PermissionDeniedError(  # never naming the caseworker: see reading.py
            "This citizen is not in your caseload; open the case with a reason before you change it"
        )


def require_caseload_change(session: Session, actor: Actor, citizen_id: int) -> None:
    """Hand a citizen over or put a deadline aside: a caseworker for citizens they work on, a team
    lead for the citizens of the team."""
    if actor.role == "teamlead":
        if not in_team(session, actor, citizen_id):
            raise PermissionDeniedError(
                "A team lead can change only the caseload of their own team"
            )
        return
    require_case_write(session, actor, citizen_id)


def may_read_journal(actor: Actor) -> bool:
    """Team leads see that notes exist, never their text."""
    return actor.role != "teamlead"


def require_admin(actor: Actor, message: str = N_("Only an administrator can do this")) -> None:
    if actor.role != "admin":
        raise PermissionDeniedError(message)
