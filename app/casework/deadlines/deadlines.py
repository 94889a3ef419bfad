"""Deadlines for the worklist, the overview, the CLI and the on-time indicators.

A single citizen's deadlines are computed from their facts directly (always fresh, a few ms).
A scope — a caseload, a team, the whole jobcenter — is read from the kept requirements
(``app.casework.deadlines.deadline_store``) and classified for the day asked about, so 100 000 citizens
take about a second rather than a recomputation of every rule.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta
from itertools import filterfalse, repeat
from operator import add, itemgetter, mod, mul, sub
from typing import Any, NamedTuple

import sqlmodel
from sqlalchemy import Select, String, case, literal, or_, select, type_coerce
from sqlmodel import Session, col

from app.casework.core import audit
from app.casework.core.actor import Actor
from app.casework.deadlines.deadline_facts import (
    CHUNK,
    chunks,
    cycle_collection_paused,
    load_facts,
    next_booked,
)
from app.casework.deadlines.deadline_rule_files import load_rule_sets
from app.casework.deadlines.deadline_store import ensure_current
from app.domain.deadlines import (
    ASSESSMENT_LEAD_DAYS,
    DUE_SOON_DAYS,
    Deadline,
    RuleBook,
    classify_values,
    compute,
    status_of,
)
from app.store.engine import Database, transaction, translating_errors
from app.store.models import Caseworker, Citizen, StoredRequirement, table_of
from app.store.ordering import byte_order
from app.store.row_values import id_column
from app.store.rows import fetch_all, let_go, slices, sorted_in_turns

#: Met requirements due longer ago than this are left out of worklists (their deadlines are
#: history, kept for the on-time statistics); open ones always show.
HISTORY_DAYS = 400


class Person(NamedTuple):
    """Who a requirement concerns, as lists show them (one per citizen, shared by their rows)."""

    cpr: str
    name: str
    caseworker_id: int | None
    caseworker: str | None  # the caseworker's initials


class CitizenDeadline(NamedTuple):
    """A requirement with the citizen it belongs to (for worklists, the CLI and calendar files)."""

    citizen_id: int
    person: Person
    deadline: Deadline
    next_booked: datetime | None  # the next booked conversation (local time), if any

    @property
    def cpr(self) -> str:
        return self.person.cpr

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def caseworker_id(self) -> int | None:
        return self.person.caseworker_id

    @property
    def caseworker(self) -> str | None:
        return self.person.caseworker


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
    with cycle_collection_paused(result_kept=True):
        return _read(db, as_of, rules, caseworker_ids, open_only)


def _read(
    db: Database,
    as_of: date,
    rules: RuleBook,
    caseworker_ids: set[int] | None,
    open_only: bool,
) -> list[CitizenDeadline]:
    with translating_errors(db), db.engine.connect() as conn:
        people = _people(conn, caseworker_ids)
        ids = None if caseworker_ids is None else list(people)
        booked = next_booked(conn, ids, as_of)
        # Raw rows: SQLAlchemy's per-row processing would cost more than the classification.
        # One query, so that the table is read once; met rows carry their status.
        rows: list[Any] = []
        chunk = CHUNK if db.is_sqlite else SERVER_CHUNK
        for query in _requirement_queries(as_of, ids, open_only, chunk):
            rows.extend(fetch_all(conn.execute(query).cursor))
    status = itemgetter(_STATUS)
    met, pending = list(filter(status, rows)), list(filterfalse(status, rows))
    del rows
    days, extras = _Days(), _Extras()
    rule_of = _rule_fields(rules)
    try:
        out = _met_deadlines(met, people, rule_of, booked, days, extras)
        still_open, pending = _open_deadlines(pending, people, rules, booked, days, extras, as_of)
    except KeyError:  # rare: see ``_known``; the usual case pays for no check
        met, pending = _known(met, people, rule_of), _known(pending, people, rule_of)
        out = _met_deadlines(met, people, rule_of, booked, days, extras)
        still_open, pending = _open_deadlines(pending, people, rules, booked, days, extras, as_of)
    found = _by_due_then_name(out + still_open, [met, pending], people)
    let_go(met, pending, out, still_open)
    return found


class _Days(dict[Any, date]):
    """Raw date -> date (SQLite gives ISO text; the same few thousand days recur, so each is
    parsed once; PostgreSQL gives dates already)."""

    def __missing__(self, raw: Any) -> date:
        found = self[raw] = raw if isinstance(raw, date) else date.fromisoformat(raw)
        return found


class _Extras(dict[Any, tuple[tuple[str, Any], ...]]):
    """Raw ``extra`` JSON -> parameters (a few dozen distinct texts recur across a jobcenter)."""

    def __missing__(self, text: Any) -> tuple[tuple[str, Any], ...]:
        found = self[text] = _extra(text)
        return found


def _rule_fields(rules: RuleBook) -> dict[tuple[str, str], tuple[str, str, str, str, str, str]]:
    """(rule set, rule id) -> the rule's fields a deadline carries."""
    return {
        key: (rule.id, rule.kind, rule.title, rule.held_by, rule.source, rule.confidence)
        for key, rule in rules.rules_by_id().items()
    }


def _known(rows: list[Any], people: dict[int, Any], rule_of: dict[Any, Any]) -> list[Any]:
    """The rows of citizens in scope and of rules this desk knows (a deleted citizen, or another
    desk rebuilding with other rules, leaves rows behind for a moment)."""
    return [row for row in rows if row[0] in people and (row[1], row[2]) in rule_of]


def _met_deadlines(
    rows: list[Any],
    people: dict[int, Person],
    rule_of: dict[tuple[str, str], tuple[str, str, str, str, str, str]],
    booked: dict[int, datetime],
    days: _Days,
    extras: _Extras,
) -> list[CitizenDeadline]:
    """Met requirements (most rows): the status follows from two dates, so they are built a
    column at a time, without a Python step per row (``map`` and ``zip`` run in C)."""
    out: list[CitizenDeadline] = []
    for part in slices(rows):
        columns = list(zip(*part, strict=True))
        required, met_on, status = columns[_REQUIRED], columns[_MET_ON], columns[_STATUS]
        out += _columns_built(
            columns, people, rule_of, booked, days, extras,
            done=required, status=status, met_on=map(days.__getitem__, met_on),
        )  # fmt: skip
    return out


def _open_deadlines(
    rows: list[Any],
    people: dict[int, Person],
    rules: RuleBook,
    booked: dict[int, datetime],
    days: _Days,
    extras: _Extras,
    as_of: date,
) -> tuple[list[CitizenDeadline], list[Any]]:
    """Requirements not met on ``as_of``, and their rows in the same order.

    A single conversation or offer with nothing counted yet (three in four open rows) is open,
    due soon or overdue by its due date alone: those are built a column at a time. The others
    are classified one by one (``classify_values``)."""
    simple = [row for row in rows if not row[_DAYS] and row[_REQUIRED] == 1] if rows else []
    rest = [row for row in rows if row[_DAYS] or row[_REQUIRED] != 1] if simple else rows
    out: list[CitizenDeadline] = []
    status_on, rule_fields = _StatusOn(as_of, days), _rule_fields(rules)
    for part in slices(simple):
        columns = list(zip(*part, strict=True))
        out += _columns_built(
            columns, people, rule_fields, booked, days, extras,
            done=repeat(0), status=map(status_on.__getitem__, columns[_DUE]), met_on=repeat(None),
        )  # fmt: skip
    rule_of = rules.rules_by_id().__getitem__
    person_of, booked_for, day, details = (
        people.__getitem__,
        booked.get,
        days.__getitem__,
        extras.__getitem__,
    )
    make = tuple.__new__
    append = out.append
    for (
        citizen_id, rule_set, rule_id, group, period_start, exempt_75, window_start, due,
        required_, _met_on, extra, _status, counted_days,
    ) in rest:  # fmt: skip
        deadline = classify_values(
            rule_of((rule_set, rule_id)),
            rule_set,
            group,
            day(period_start),
            bool(exempt_75),
            day(window_start),
            day(due),
            required_,
            [day(d) for d in counted_days.split(",")] if counted_days else (),
            details(extra),
            as_of,
            DUE_SOON_DAYS,
        )
        append(
            make(
                CitizenDeadline,
                (citizen_id, person_of(citizen_id), deadline, booked_for(citizen_id)),
            )
        )
    return out, simple + rest if simple else rest


def _columns_built(
    columns: list[tuple[Any, ...]],
    people: dict[int, Person],
    rule_of: dict[tuple[str, str], tuple[str, str, str, str, str, str]],
    booked: dict[int, datetime],
    days: _Days,
    extras: _Extras,
    *,
    done: Any,
    status: Any,
    met_on: Any,
) -> list[CitizenDeadline]:
    """Deadlines made from the columns of kept rows whose count, status and day met are known
    without looking at the row (``map`` and ``zip`` run in C; ``repeat`` for a constant)."""
    (citizen, rule_set, rule_id, group, start, exempt, window, due, required, _met_on, extra,
     _status, _days) = columns  # fmt: skip
    ids, kinds, titles, held_by, sources, confidence = zip(
        *map(rule_of.__getitem__, zip(rule_set, rule_id, strict=True)), strict=True
    )
    day = days.__getitem__
    deadlines = map(
        tuple.__new__,
        repeat(Deadline),
        zip(
            ids, rule_set, kinds, titles, held_by, group, map(day, start), map(day, window),
            map(day, due), required, done, status, met_on, sources, confidence,
            repeat(None), map(bool, exempt), map(extras.__getitem__, extra),
            strict=False,  # repeat() is endless
        ),
    )  # fmt: skip
    return list(
        map(
            tuple.__new__,
            repeat(CitizenDeadline),
            zip(
                citizen, map(people.__getitem__, citizen), deadlines, map(booked.get, citizen),
                strict=False,  # the citizen column sets the length
            ),
        )
    )  # fmt: skip


class _StatusOn(dict[Any, str]):
    """Raw due date -> the status on ``as_of`` of a requirement with nothing counted yet."""

    def __init__(self, as_of: date, days: _Days) -> None:
        super().__init__()
        self.as_of, self.days = as_of, days

    def __missing__(self, raw: Any) -> str:
        found = self[raw] = status_of(self.days[raw], None, self.as_of, soon=DUE_SOON_DAYS)
        return found


def _by_due_then_name(
    items: list[CitizenDeadline], row_lists: list[list[Any]], people: dict[int, Any]
) -> list[CitizenDeadline]:
    """By due date, then by name (people are in Danish name order).

    ``row_lists`` are the raw rows the items were built from, in the same order: the sort key is
    made from their columns a column at a time (a whole number: the day, then the citizen's rank
    by name, then the item's place), so that whole numbers are sorted, Python's fastest
    comparison, without a Python step per comparison; sorted in turns (``sorted_in_turns``),
    as one sort of 200 000 held every other thread, the window's among them, for 100 ms."""
    rank = {cid: n for n, cid in enumerate(people)}
    ordinal = _Ordinals()
    parts = [part for rows in row_lists for part in slices(rows)]
    dues = [list(map(ordinal.__getitem__, map(itemgetter(_DUE), part))) for part in parts]
    first = min(ordinal.values(), default=0)
    width, count = len(rank) + 1, len(items)
    keys: list[int] = []
    place = 0
    for part, due in zip(parts, dues, strict=True):
        day = map(mul, map(sub, due, repeat(first)), repeat(width))
        key = map(add, day, map(rank.__getitem__, map(itemgetter(_CITIZEN), part)))
        keys += map(add, map(mul, key, repeat(count)), range(place, place + len(part)))
        place += len(part)
        time.sleep(0)  # see ``slices``
    ordered: list[CitizenDeadline] = []
    for part in slices(sorted_in_turns(keys)):
        ordered += map(items.__getitem__, map(mod, part, repeat(count)))
    return ordered


class _Ordinals(dict[Any, int]):
    """Raw date -> its day number (as ``_Days``: each distinct day is parsed once)."""

    def __missing__(self, raw: Any) -> int:
        day = raw if isinstance(raw, date) else date.fromisoformat(raw)
        found = self[raw] = day.toordinal()
        return found


def _people(conn: Any, caseworker_ids: set[int] | None) -> dict[int, Person]:
    """Citizen id -> (CPR, name, caseworker id, caseworker initials), in Danish name order.

    Sorted by the database (``sort_key`` in byte order), which sorts without holding the GIL:
    sorting 300 000 rows here held the GUI thread up for 95-110 ms while the worklist was built in
    a worker. ``|| ''`` keeps the planner off the name index, whose walk would visit the table's
    pages at random, three times slower. The name is joined by the database and the people are
    made a column at a time."""
    initials = dict(
        conn.execute(select(col(Caseworker.id), col(Caseworker.initials))).cursor.fetchall()
    )
    query = select(
        col(Citizen.id),
        col(Citizen.cpr),
        col(Citizen.first_name) + " " + col(Citizen.last_name),
        col(Citizen.caseworker_id),
    ).where(col(Citizen.deleted_at).is_(None))
    if caseworker_ids is not None:
        query = query.where(col(Citizen.caseworker_id).in_(caseworker_ids))
    in_name_order = query.order_by(byte_order(col(Citizen.sort_key).op("||")("")), col(Citizen.id))
    rows = fetch_all(conn.execute(in_name_order).cursor)
    if not rows:
        return {}
    people: dict[int, Person] = {}
    for part in slices(rows):
        ids, cprs, names, workers = zip(*part, strict=True)
        shown = map(initials.get, workers)
        made = map(tuple.__new__, repeat(Person), zip(cprs, names, workers, shown, strict=True))
        people.update(zip(ids, made, strict=True))
    let_go(rows)
    return people


#: Citizens per query of a scope's requirements on a team server: one query for most teams.
#: Row-level security checks each query's rows by one of two plans the server chooses between
#: by its estimates; a team lead's team read in the 900-citizen chunks a desk uses took 37
#: queries, each checking its few thousand rows one by one (7-10 s for a team of 33 500
#: citizens at 100 000), where larger queries are checked against one list each.
SERVER_CHUNK = 30_000

#: Columns of a kept requirement row (``_requirement_queries``): the citizen, the due date, the
#: number required, the day it was met, its status when it was met by the day asked about ("met"
#: or "met_late"; NULL when it was not), the days that counted.
_CITIZEN, _DUE, _REQUIRED, _MET_ON, _STATUS, _DAYS = 0, 7, 8, 9, 11, 12


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
    from app.casework.core.reading import record_list

    items = deadlines_for(
        db, as_of, caseworker_ids=caseworker_ids, open_only=open_only, rules=rules
    )
    if caseworker_ids != {actor.caseworker_id}:
        with transaction(db) as session:
            record_list(session, actor, "worklist", sorted({i.citizen_id for i in items}))
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
