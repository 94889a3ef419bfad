"""Every read of a citizen is checked and logged (Datatilsynet: log every use, reads too).

``read_citizen`` is called by each read use case (the overview, the plan, the tabs, the history,
the journal, the plan on a date …) inside its own transaction, before it reads anything:

- it applies the access rule of the citizen page (``access.needs_reason``): a caseworker reads
  their own caseload and citizens in nobody's caseload, a team lead their team's; anyone else's
  citizen only with today's break-the-glass grant, or with a ``purpose`` that makes one;
- it writes the ``view`` event (with the part read and the reason) in the same transaction, so
  the read and its event are committed together or not at all.

Opening a case reads it part by part (the overview, each tab, the heading again after a save):
each part is checked, but a part read within ``COALESCE_SECONDS`` of a committed view event of
the same citizen by the same user in this program is covered by that event instead of writing
one more (the case page's opening and its tabs are one look, not a dozen). An explicit opening
(``part=None``: the citizen page, ``--reason``) always writes its event.

A refusal never names the citizen's caseworker: whose caseload a CPR number belongs to is itself
personal data, and it is shown only once the opening is logged. A reason must be a real sentence
(``valid_reason``): at least three words with letters, not "x" or "...".
"""

from __future__ import annotations

import re
import threading
import time

from sqlalchemy import bindparam, event
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.i18n import N_
from app.store import audit_chain, error_kinds
from app.store.audit_chain import server_sealed
from app.store.models import Citizen

#: A reason has at least this many words of at least two letters each.
REASON_WORDS = 3
_WORD = re.compile(r"[^\W\d_]{2,}")

#: A part read this soon after a logged view of the same citizen by the same user is covered by it.
COALESCE_SECONDS = 120.0
_recent: dict[tuple[str, int | None, str, int], float] = {}
_lock = threading.Lock()


def clock() -> float:
    """Seconds on a monotonic clock (a function, so tests can move it)."""
    return time.monotonic()


def forget_recent() -> None:
    """Forget which views were logged lately (tests; a user switch)."""
    with _lock:
        _recent.clear()


def _key(session: Session, actor: Actor, citizen_id: int) -> tuple[str, int | None, str, int]:
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    return (url, actor.caseworker_id, actor.os_user, citizen_id)


def _covered(key: tuple[str, int | None, str, int]) -> bool:
    with _lock:
        when = _recent.get(key)
    return when is not None and clock() - when < COALESCE_SECONDS


def _remember_after_commit(session: Session, key: tuple[str, int | None, str, int]) -> None:
    def remember(_session: object) -> None:
        with _lock:
            _recent[key] = clock()

    event.listen(session, "after_commit", remember, once=True)


NEEDS_REASON = N_(
    "This citizen is not in your caseload; give a reason to open the case (a sentence of at "
    "least three words; it is logged)"
)


def valid_reason(text: str | None) -> str | None:
    """The reason, stripped (at most 300 characters), or None when none was given; a reason that is
    not a sentence (fewer than three words with letters) is refused."""
    reason = (text or "").strip()[:300]
    if not reason:
        return None
    if len(_WORD.findall(reason)) < REASON_WORDS:
        raise ValidationError(
            "A reason must say why, in a sentence of at least three words (for example "
            "'Covering for Ole today')",
            field="reason",
        )
    return reason


#: Whether the citizen is there (and not deleted): every read asks first (a plain row, not the
#: citizen's whole object, which the session would only forget again).
_CITIZEN_STATE = select(col(Citizen.id), col(Citizen.deleted_at)).where(
    col(Citizen.id) == bindparam("citizen")
)


def _require_present(session: Session, citizen_id: int, deleted_ok: bool) -> None:
    """Refuse a citizen who is not there (or deleted, unless ``deleted_ok``): asked with a plain
    row on the transaction's connection, after what the session holds has gone first."""
    session.flush()
    found = session.connection().execute(_CITIZEN_STATE, {"citizen": citizen_id}).first()
    if found is None or (found[1] is not None and not deleted_ok):  # (id, deleted_at)
        raise NotFoundError("The citizen no longer exists")


def read_citizen(
    session: Session,
    actor: Actor,
    citizen_id: int,
    part: str | None = None,
    *,
    purpose: str | None = None,
    deleted_ok: bool = False,
) -> str | None:
    """Check that ``actor`` may read the citizen now and record the ``view`` event; returns the
    reason logged (None when none was needed). ``part``: what is read ("plan", "journal" …; None
    for opening the case)."""
    reason = valid_reason(purpose)
    if server_sealed(session):
        return _read_on_server(session, actor, citizen_id, part, purpose, reason, deleted_ok)
    _require_present(session, citizen_id, deleted_ok)
    if access.needs_reason(session, actor, citizen_id):
        earlier = access.grant_for_today(session, actor, citizen_id)
        if reason is None and earlier is not None:
            reason = earlier.reason
        elif reason is None:
            raise PermissionDeniedError(NEEDS_REASON)
        elif earlier is None:
            access.grant(session, actor, citizen_id, reason)
    key = _key(session, actor, citizen_id)
    if part is not None and purpose is None and _covered(key):
        return reason  # checked above; logged by the view a moment ago
    audit.record(
        session,
        actor,
        "view",
        entity="citizen",
        entity_id=citizen_id,
        citizen_id=citizen_id,
        purpose=reason,
        details={"part": part} if part else None,
    )
    _remember_after_commit(session, key)
    return reason


def _read_on_server(
    session: Session,
    actor: Actor,
    citizen_id: int,
    part: str | None,
    purpose: str | None,
    reason: str | None,
    deleted_ok: bool,
) -> str | None:
    """``read_citizen`` on a team server: the server checks the access, writes the day's grant
    and the view event (row-level security then lets the reads through); a part read just after
    a logged view of the same citizen is covered by it, as on a desk."""
    key = _key(session, actor, citizen_id)
    if not (part is not None and purpose is None and _covered(key)):
        _open_on_server(session, actor, citizen_id, reason)
        _remember_after_commit(session, key)
    _require_present(session, citizen_id, deleted_ok)
    return reason


def _open_on_server(session: Session, actor: Actor, citizen_id: int, reason: str | None) -> None:
    """The server decides whether the login needs a reason, writes the day's grant and the view
    event together (``minplan_open_citizen``); the question is asked here first, politely."""
    needed = access.needs_reason(session, actor, citizen_id)
    if reason is None and needed and access.grant_for_today(session, actor, citizen_id) is None:
        raise PermissionDeniedError(NEEDS_REASON)
    values = {
        "user_initials": actor.initials,
        "os_user": actor.os_user,
        "action": "view",
        "entity": "citizen",
        "entity_id": citizen_id,
        "citizen_id": citizen_id,
        "purpose": reason,
        # for the owner's own sessions only (a desk login is the server's to judge)
        "grant": needed and actor.role == "caseworker",
        "caseworker_id": actor.caseworker_id,
    }
    try:
        audit_chain.server_append(
            session,
            values,
            [],
            "SELECT * FROM minplan_open_citizen(:entity_id, :user_initials, :os_user, :purpose, "
            ":grant, :caseworker_id)",
        )
    except DBAPIError as exc:
        if error_kinds.sqlstate(exc.orig) == error_kinds.REASON_NEEDED:
            raise PermissionDeniedError(NEEDS_REASON) from None
        raise


def may_read_now(session: Session, actor: Actor, citizen_id: int) -> bool:
    """The actor may read the citizen without giving a (new) reason: their own caseload (a team
    lead: their team), nobody's caseload, or a grant for today."""
    if not access.needs_reason(session, actor, citizen_id):
        return True
    return access.grant_for_today(session, actor, citizen_id) is not None


def record_list(
    session: Session, actor: Actor, what: str, citizen_ids: list[int], **where: int
) -> None:
    """Log a list that names several citizens (a company's placements, the deleted citizens):
    one ``view`` event with the citizens shown as its subjects, so each citizen's history shows
    it."""
    if not citizen_ids:
        return
    audit.record(
        session,
        actor,
        "view",
        entity="company" if "company_id" in where else "citizen",
        entity_id=where.get("company_id"),
        details={"part": what, "shown": len(citizen_ids)},
        subjects=citizen_ids,
    )
