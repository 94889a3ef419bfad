"""Deadlines for the worklist, the overview, the CLI and the on-time indicators.

A single citizen's deadlines are computed from their facts directly (always fresh, a few ms).
A scope — a caseload, a team, the whole jobcenter — is read from the kept requirements
(``app.casework.deadlines.deadline_store``) and classified for the day asked about, so 100 000 citizens
take about a second rather than a recomputation of every rule.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any

import sqlmodel
from sqlalchemy import Select, String, case, literal, or_, select, type_coerce
from sqlmodel import Session, col

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.deadlines.deadline_facts import (
    CHUNK,
    chunks,
    load_facts,
    next_booked,
)
from app.casework.deadlines.deadline_rule_files import load_rule_sets
from app.casework.deadlines.deadline_store import ensure_current
from app.domain.deadlines import ASSESSMENT_LEAD_DAYS, Deadline, RuleBook, compute
from app.store.engine import Database, transaction, translating_errors
from app.store.kept_deadlines import (
    HISTORY_DAYS,
    CitizenDeadline,
    KeptDeadlines,
    People,
    deadlines_of,
)
from app.store.models import Caseworker, Citizen, StoredRequirement, table_of
from app.store.ordering import byte_order
from app.store.row_values import id_column
from app.store.rows import cycle_collection_paused, fetch_all, first_column

__all__ = ["HISTORY_DAYS", "CitizenDeadline", "KeptDeadlines", "deadlines_for", "worklist"]


def deadlines_for_citizen(
    db: Database, actor: Actor, citizen_id: int, as_of: date, rules: RuleBook | None = None
) -> list[Deadline]:
    """Every requirement of the citizen's periods (history included), by due date; the actor
    must be allowed to read the citizen, and the read is logged."""
    from app.casework.core.reading import read_citizen

    with transaction(db) as session:
        read_citizen(session, actor, citizen_id, "deadlines")
    return _citizen_deadlines(db, citizen_id, as_of, rules)


def _citizen_deadlines(
    db: Database, citizen_id: int, as_of: date, rules: RuleBook | None = None
) -> list[Deadline]:
    """``deadlines_for_citizen`` inside a read that was checked and logged already (the
    overview's)."""
    rules = rules or load_rule_sets().book
    with translating_errors(db), db.engine.connect() as conn:
        facts = load_facts(conn, [citizen_id])
    return compute(facts[citizen_id], rules, as_of) if citizen_id in facts else []


def deadlines_for(
    db: Database,
    as_of: date,
    *,
    caseworker_ids: set[int] | None = None,
    open_only: bool = False,
    rules: RuleBook | None = None,
) -> KeptDeadlines:
    """Requirements for a scope: caseworkers' caseloads, or everybody (``caseworker_ids=None``),
    by due date and then the citizen's name (Danish alphabetical order).

    Leaves out what does not exist yet on ``as_of`` (spells not started, agreed contacts not
    begun, assessments more than ``ASSESSMENT_LEAD_DAYS`` ahead) and met requirements due more
    than ``HISTORY_DAYS`` before it.
    """
    rules = rules or load_rule_sets().book
    ensure_current(db, rules, as_of)
    with cycle_collection_paused(result_kept=True):
        return _read(db, as_of, rules, caseworker_ids, open_only)


def _read(
    db: Database,
    as_of: date,
    rules: RuleBook,
    caseworker_ids: set[int] | None,
    open_only: bool,
) -> KeptDeadlines:
    if caseworker_ids is None and not db.is_sqlite:
        return _read_everybody_from_server(db, as_of, rules, open_only)
    with translating_errors(db), db.engine.connect() as conn:
        people = _people(conn, caseworker_ids)
        ids = None if caseworker_ids is None else list(people)
        booked = next_booked(conn, ids, as_of)
        # Raw rows: SQLAlchemy's per-row processing would cost more than the classification.
        # One query, so that the table is read once; met rows carry their status.
        chunk = CHUNK if db.is_sqlite else SERVER_CHUNK
        rows = _requirement_rows(conn, as_of, ids, open_only, chunk)
    return deadlines_of(rows, people, booked, rules, as_of)


def _requirement_rows(
    conn: Any, as_of: date, ids: list[int] | None, open_only: bool, chunk: int
) -> list[Any]:
    rows: list[Any] = []
    for query in _requirement_queries(as_of, ids, open_only, chunk):
        rows.extend(fetch_all(conn.execute(query).cursor))
    return rows


def _read_everybody_from_server(
    db: Database, as_of: date, rules: RuleBook, open_only: bool
) -> KeptDeadlines:
    """Everybody's deadlines on a team server: the citizens and their next bookings are read on
    a second connection while this one reads the requirements. The server sorts and groups in
    its own processes, and the driver waits for it without holding Python's lock, so that work
    overlaps the reading of the requirement rows: at 300 000 citizens 2.7 s against 3.6 s (the
    plain read of the rows alone: 1.75 s). Nothing is less consistent than on one connection:
    each statement reads its own snapshot there too (READ COMMITTED), and a citizen who comes or
    goes in between is handled as ever (``People``, ``deadlines_of``)."""

    def citizens_and_bookings() -> tuple[People, dict[int, datetime]]:
        with db.engine.connect() as other:
            return _people(other, None), next_booked(other, None, as_of)

    with translating_errors(db), ThreadPoolExecutor(1, "minplan-deadlines") as pool:
        side = pool.submit(citizens_and_bookings)
        with db.engine.connect() as conn:  # on an error here the pool waits for the other read
            rows = _requirement_rows(conn, as_of, None, open_only, SERVER_CHUNK)
        people, booked = side.result()  # its error, if it had one, goes on from here
    return deadlines_of(rows, people, booked, rules, as_of)


def _people(conn: Any, caseworker_ids: set[int] | None) -> People:
    """The scope's citizens (CPR, name, caseworker id and initials) in Danish name order.

    Sorted by the database (``sort_key`` in byte order), which sorts without holding the GIL:
    sorting 300 000 rows here held the GUI thread up for 95-110 ms while the worklist was built in
    a worker. For caseloads, ``|| ''`` keeps the planner off the name index, whose walk would
    visit the table's pages at random, three times slower; for everybody only the ids are read
    in its order. The name is joined by the database; each ``Person`` is made when a deadline
    asks for it."""
    initials = dict(
        conn.execute(select(col(Caseworker.id), col(Caseworker.initials))).cursor.fetchall()
    )
    query = select(
        col(Citizen.id),
        col(Citizen.cpr),
        col(Citizen.first_name) + " " + col(Citizen.last_name),
        col(Citizen.caseworker_id),
    ).where(col(Citizen.deleted_at).is_(None))
    if caseworker_ids is None:
        # Everybody: the order is read from the list's covering index (the ids in its order, no
        # sort of whole rows), the rows as they lie: 0.45 s against 0.57 s at 300 000 citizens.
        order = (
            select(col(Citizen.id))
            .where(col(Citizen.deleted_at).is_(None))
            .order_by(byte_order(table_of(Citizen).c.sort_key), col(Citizen.id))
        )
        ids = first_column(conn.execute(order).cursor)
        return People(initials, fetch_all(conn.execute(query).cursor), ids)
    query = query.where(col(Citizen.caseworker_id).in_(caseworker_ids))
    in_name_order = query.order_by(byte_order(col(Citizen.sort_key).op("||")("")), col(Citizen.id))
    return People(initials, fetch_all(conn.execute(in_name_order).cursor))


#: Citizens per query of a scope's requirements on a team server: one query for most teams.
#: Row-level security checks each query's rows by one of two plans the server chooses between
#: by its estimates; a team lead's team read in the 900-citizen chunks a desk uses took 37
#: queries, each checking its few thousand rows one by one (7-10 s for a team of 33 500
#: citizens at 100 000), where larger queries are checked against one list each.
SERVER_CHUNK = 30_000


def _requirement_queries(
    as_of: date, citizen_ids: list[int] | None, open_only: bool, chunk: int = CHUNK
) -> list[Select[Any]]:
    """The kept requirements that exist on ``as_of``: open ones, and met ones due within
    ``HISTORY_DAYS`` unless ``open_only`` (dates as raw text: see ``_read``)."""
    r = table_of(StoredRequirement).c
    text = String()
    met_by_then = case(
        (r.met_on > as_of, None),
        (r.met_on <= r.due, literal("met")),
        (r.met_on.is_not(None), literal("met_late")),
        else_=None,
    )
    query = select(
        r.citizen_id,
        r.rule_set,
        r.rule_id,
        r.target_group,
        type_coerce(r.period_start, text),
        r.exempt_75,
        type_coerce(r.window_start, text),
        type_coerce(r.due, text),
        r.required,
        type_coerce(r.met_on, text),
        r.extra,
        met_by_then,
        # The days that counted matter only while it is open: a met row's would be read for
        # nothing (a string each, a tenth of the read).
        case((r.met_on.is_(None), r.days), (r.met_on > as_of, r.days), else_=None),
    ).where(
        r.period_start <= as_of,
        or_(r.kind != "agreed_contact", r.window_start <= as_of),
        or_(r.kind != "assessment_after", r.due <= as_of + timedelta(days=ASSESSMENT_LEAD_DAYS)),
    )
    if open_only:
        query = query.where(or_(r.met_on.is_(None), r.met_on > as_of))
    else:
        since = as_of - timedelta(days=HISTORY_DAYS)
        query = query.where(or_(r.due >= since, r.met_on.is_(None), r.met_on > as_of))
    if citizen_ids is None:
        return [query]
    return [query.where(r.citizen_id.in_(part)) for part in chunks(citizen_ids, chunk)]


def deadlines_computed(
    db: Database, as_of: date, rules: RuleBook | None = None
) -> dict[int, list[Deadline]]:
    """Every citizen's deadlines computed from the facts, bypassing the kept requirements: the
    reference the kept ones are checked against (tests, ``minplan deadlines --verify``)."""
    rules = rules or load_rule_sets().book
    with translating_errors(db), db.engine.connect() as conn:
        facts = load_facts(conn, None)
    return {cid: compute(f, rules, as_of) for cid, f in facts.items()}


def export_deadlines(
    db: Database,
    actor: Actor,
    as_of: date,
    *,
    caseworker_ids: set[int] | None = None,
    open_only: bool = False,
    rules: RuleBook | None = None,
    output: str = "table",
) -> KeptDeadlines:
    """``deadlines_for`` for a list that leaves the program (``minplan deadlines``: names and CPR
    numbers on screen or in a file), recorded in the access log with its scope and citizens.

    A caseworker lists their own caseload, a team lead the team's (the default scope, when none is
    given); an administrator any."""
    with transaction(db) as session:
        caseworker_ids = _allowed_scope(session, actor, caseworker_ids)
    items = deadlines_for(
        db, as_of, caseworker_ids=caseworker_ids, open_only=open_only, rules=rules
    )
    scope = ",".join(str(i) for i in sorted(caseworker_ids)) if caseworker_ids else "all"
    with transaction(db) as session:
        audit.record(
            session,
            actor,
            "export_deadlines",
            criterion=f"as_of={as_of.isoformat()}; caseworkers={scope}; open={open_only}",
            details={"format": output, "requirements": len(items)},
            subjects=sorted(items.citizen_ids()),
        )
    return items


def worklist(
    db: Database,
    actor: Actor,
    as_of: date,
    *,
    caseworker_ids: set[int] | None,
    open_only: bool = True,
    rules: RuleBook | None = None,
) -> KeptDeadlines:
    """The *Frister* list: ``deadlines_for`` a scope. A look at other caseloads than one's own (a
    colleague's while covering, the team's, everybody's) is logged as one ``view`` event with the
    citizens shown as its subjects; one's own worklist is one's daily work and is not logged on
    every refresh."""
    from app.casework.core.reading import record_list

    items = deadlines_for(
        db, as_of, caseworker_ids=caseworker_ids, open_only=open_only, rules=rules
    )
    if caseworker_ids != {actor.caseworker_id}:
        with transaction(db) as session:
            record_list(session, actor, "worklist", sorted(items.citizen_ids()))
    return items


def _allowed_scope(session: Session, actor: Actor, wanted: set[int] | None) -> set[int] | None:
    """The caseworkers whose caseloads the actor may list (None: all, for an administrator)."""
    from app.domain.errors import PermissionDeniedError

    if actor.role == "admin":
        return wanted
    allowed = {actor.caseworker_id} if actor.caseworker_id is not None else set()
    if actor.role == "teamlead" and actor.caseworker_id is not None:
        me = session.get(Caseworker, actor.caseworker_id)
        if me is not None and me.team:
            team = sqlmodel.select(id_column(Caseworker)).where(col(Caseworker.team) == me.team)
            allowed |= set(session.exec(team))
    if wanted is None:
        return allowed
    if not wanted <= allowed:
        raise PermissionDeniedError(
            "You can list the deadlines of your own caseload only (a team lead: the team's)"
        )
    return wanted
