"""Deadlines for the worklist, the overview, the CLI and the on-time indicators.

A single citizen's deadlines are computed from their facts directly (always fresh, a few ms).
A scope — a caseload, a team, the whole jobcenter — is read from the kept requirements
(``app.casework.deadline_store``) and classified for the day asked about, so 100 000 citizens
take about a second rather than a recomputation of every rule.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Select, String, or_, select, type_coerce

from app.casework import audit
from app.casework.actor import Actor
from app.casework.deadline_facts import (
    chunks,
    cycle_collection_paused,
    load_facts,
    next_booked,
)
from app.casework.deadline_rule_files import load_rule_sets
from app.casework.deadline_store import ensure_current
from app.domain.deadline_rules import Rule
from app.domain.deadlines import (
    ASSESSMENT_LEAD_DAYS,
    DUE_SOON_DAYS,
    Deadline,
    RuleBook,
    classify_values,
    compute,
)
from app.store.engine import Database, transaction, translating_errors
from app.store.models import Caseworker, Citizen, StoredRequirement

#: Met requirements due longer ago than this are left out of worklists (their deadlines are
#: history, kept for the on-time statistics); open ones always show.
HISTORY_DAYS = 400


class CitizenDeadline(NamedTuple):
    """A requirement with the citizen it belongs to (for worklists, the CLI and calendar files)."""

    citizen_id: int
    cpr: str
    name: str
    caseworker_id: int | None
    caseworker: str | None
    deadline: Deadline
    next_booked: datetime | None  # the next booked conversation (local time), if any


def deadlines_for_citizen(
    db: Database, actor: Actor, citizen_id: int, as_of: date, rules: RuleBook | None = None
) -> list[Deadline]:
    """Every requirement of the citizen's periods (history included), by due date; the actor
    must be allowed to read the citizen, and the read is logged."""
    from app.casework.reading import read_citizen

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


#: Keys of a kept requirement's ``extra`` that hold dates.
_DATE_KEYS = ("_start", "_until", "_on")


def _extra(text: str | None) -> tuple[tuple[str, Any], ...]:
    if not text:
        return ()
    return tuple(
        (key, date.fromisoformat(value) if key.endswith(_DATE_KEYS) else value)
        for key, value in json.loads(text).items()
    )


def deadlines_for(
    db: Database,
    as_of: date,
    *,
    caseworker_ids: set[int] | None = None,
    open_only: bool = False,
    rules: RuleBook | None = None,
) -> list[CitizenDeadline]:
    """Requirements for a scope: caseworkers' caseloads, or everybody (``caseworker_ids=None``),
    by due date and then the citizen's name (Danish alphabetical order).

    Leaves out what does not exist yet on ``as_of`` (spells not started, agreed contacts not
    begun, assessments more than ``ASSESSMENT_LEAD_DAYS`` ahead) and met requirements due more
    than ``HISTORY_DAYS`` before it.
    """
    rules = rules or load_rule_sets().book
    ensure_current(db, rules, as_of)
    with cycle_collection_paused():
        return _read(db, as_of, rules, caseworker_ids, open_only)


def _read(
    db: Database,
    as_of: date,
    rules: RuleBook,
    caseworker_ids: set[int] | None,
    open_only: bool,
) -> list[CitizenDeadline]:
    by_id: dict[tuple[str, str], Rule] = rules.rules_by_id()
    with translating_errors(db), db.engine.connect() as conn:
        people = _people(conn, caseworker_ids)
        ids = None if caseworker_ids is None else list(people)
        booked = next_booked(conn, ids, as_of)
        # Raw rows: SQLAlchemy's per-row processing would cost more than the classification.
        rows = []
        for query in _requirement_queries(as_of, ids, open_only):
            rows.extend(conn.execute(query).cursor.fetchall())
    # By due date, then by name: two stable sorts on cheap keys (people are in name order).
    rank = {cid: n for n, cid in enumerate(people)}
    rows.sort(key=lambda row: rank.get(row[0], -1))
    rows.sort(key=itemgetter(7))
    dates: dict[Any, date] = {}

    def day(value: Any) -> date:
        """A raw date (SQLite gives ISO text; the same few thousand days recur)."""
        found = dates[value] = value if isinstance(value, date) else date.fromisoformat(value)
        return found

    extras: dict[str, tuple[tuple[str, Any], ...]] = {}

    def parsed(text: str) -> tuple[tuple[str, Any], ...]:
        """The extra parameters (a few dozen distinct texts recur across a jobcenter)."""
        found = extras[text] = _extra(text)
        return found

    known, person_of, rule_of, booked_for = dates.get, people.get, by_id.get, booked.get
    make_deadline = tuple.__new__
    known_extra = extras.get
    out: list[CitizenDeadline] = []
    append = out.append
    for (
        citizen_id,
        rule_set,
        rule_id,
        group,
        period_start,
        exempt_75,
        window_start,
        due,
        required,
        met_on,
        days,
        extra,
    ) in rows:
        person = person_of(citizen_id)
        rule = rule_of((rule_set, rule_id))
        if person is None or rule is None:  # deleted, or another desk rebuilds with other rules
            continue
        met = None if met_on is None else known(met_on) or day(met_on)
        due_day = known(due) or day(due)
        details = (known_extra(extra) or parsed(extra)) if extra else ()
        if met is not None and met <= as_of:
            # Met (most rows): the status follows from two dates; no counting needed. The tuple is
            # made directly (a named tuple's own constructor costs a Python call per row).
            deadline = make_deadline(
                Deadline,
                (
                    rule.id,
                    rule_set,
                    rule.kind,
                    rule.title,
                    rule.held_by,
                    group,
                    known(period_start) or day(period_start),
                    known(window_start) or day(window_start),
                    due_day,
                    required,
                    required,
                    "met" if met <= due_day else "met_late",
                    met,
                    rule.source,
                    rule.confidence,
                    None,
                    bool(exempt_75),
                    details,
                ),
            )
        else:
            counted: Sequence[date] = [known(d) or day(d) for d in days.split(",")] if days else ()
            deadline = classify_values(
                rule,
                rule_set,
                group,
                known(period_start) or day(period_start),
                bool(exempt_75),
                known(window_start) or day(window_start),
                due_day,
                required,
                counted,
                details,
                as_of,
                DUE_SOON_DAYS,
            )
        append(
            make_deadline(CitizenDeadline, (citizen_id, *person, deadline, booked_for(citizen_id)))
        )
    return out


def _people(
    conn: Any, caseworker_ids: set[int] | None
) -> dict[int, tuple[str, str, int | None, str | None]]:
    """Citizen id -> (CPR, name, caseworker id, caseworker initials), in Danish name order."""
    initials = dict(conn.execute(select(Caseworker.id, Caseworker.initials)).cursor.fetchall())
    query = (
        select(
            Citizen.id,
            Citizen.cpr,
            Citizen.first_name,
            Citizen.last_name,
            Citizen.caseworker_id,
        )
        .where(Citizen.deleted_at.is_(None))  # type: ignore[union-attr]
        .order_by(Citizen.sort_key, Citizen.id)
    )
    if caseworker_ids is not None:
        query = query.where(Citizen.caseworker_id.in_(caseworker_ids))  # type: ignore[union-attr]
    return {
        cid: (cpr, f"{first} {last}", worker, initials.get(worker))
        for cid, cpr, first, last, worker in conn.execute(query).cursor.fetchall()
    }


def _requirement_queries(
    as_of: date, citizen_ids: list[int] | None, open_only: bool
) -> list[Select[Any]]:
    """The kept requirements that exist on ``as_of`` (dates as raw text: see ``deadlines_for``)."""
    since = as_of - timedelta(days=HISTORY_DAYS)
    ahead = as_of + timedelta(days=ASSESSMENT_LEAD_DAYS)
    r = StoredRequirement
    text = String()
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
        r.days,
        r.extra,
    ).where(
        r.period_start <= as_of,
        or_(r.kind != "agreed_contact", r.window_start <= as_of),
        or_(r.kind != "assessment_after", r.due <= ahead),
    )
    if open_only:
        query = query.where(or_(r.met_on.is_(None), r.met_on > as_of))  # type: ignore[union-attr, operator]
    else:
        query = query.where(or_(r.due >= since, r.met_on.is_(None), r.met_on > as_of))  # type: ignore[union-attr, operator]
    if citizen_ids is None:
        return [query]
    return [query.where(r.citizen_id.in_(part)) for part in chunks(citizen_ids)]


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
) -> list[CitizenDeadline]:
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
            subjects=sorted({item.citizen_id for item in items}),
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
) -> list[CitizenDeadline]:
    """The *Frister* list: ``deadlines_for`` a scope. A look at other caseloads than one's own (a
    colleague's while covering, the team's, everybody's) is logged as one ``view`` event with the
    citizens shown as its subjects; one's own worklist is one's daily work and is not logged on
    every refresh."""
    from app.casework.reading import record_list

    items = deadlines_for(
        db, as_of, caseworker_ids=caseworker_ids, open_only=open_only, rules=rules
    )
    if caseworker_ids != {actor.caseworker_id}:
        with transaction(db) as session:
            record_list(session, actor, "worklist", sorted({i.citizen_id for i in items}))
    return items


def _allowed_scope(session, actor: Actor, wanted: set[int] | None) -> set[int] | None:  # type: ignore[no-untyped-def]
    """The caseworkers whose caseloads the actor may list (None: all, for an administrator)."""
    from app.domain.errors import PermissionDeniedError

    if actor.role == "admin":
        return wanted
    allowed = {actor.caseworker_id} if actor.caseworker_id is not None else set()
    if actor.role == "teamlead" and actor.caseworker_id is not None:
        me = session.get(Caseworker, actor.caseworker_id)
        if me is not None and me.team:
            allowed |= set(
                session.exec(select(Caseworker.id).where(Caseworker.team == me.team)).scalars()
            )
    if wanted is None:
        return allowed
    if not wanted <= allowed:
        raise PermissionDeniedError(
            "You can list the deadlines of your own caseload only (a team lead: the team's)"
        )
    return wanted
