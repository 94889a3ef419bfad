"""Deadlines made from the kept requirements' raw rows, with no SQLAlchemy on the way.

``app.casework.deadlines.deadlines`` reads the rows with SQLAlchemy's expressions;
``app.store.day_read`` reads the same rows for the first screen through the DB-API driver
itself, before the ORM is loaded (issue #19). Both hand them here, so a deadline is built in
one place only.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from itertools import filterfalse, repeat
from operator import itemgetter
from typing import Any, NamedTuple

from app.domain.dates import local_today
from app.domain.deadlines import (
    ASSESSMENT_LEAD_DAYS,
    DUE_SOON_DAYS,
    Deadline,
    RuleBook,
    classify_values,
    status_of,
)
from app.store.rows import let_go, slices

#: Bump when the engine's logic changes, so kept requirements are rebuilt on the next read.
ENGINE_VERSION = 3

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


#: Keys of a kept requirement's ``extra`` that hold dates.
_DATE_KEYS = ("_start", "_until", "_on")


def _extra(text: str | None) -> tuple[tuple[str, Any], ...]:
    if not text:
        return ()
    return tuple(
        (key, date.fromisoformat(value) if key.endswith(_DATE_KEYS) else value)
        for key, value in json.loads(text).items()
    )


#: Columns of a kept requirement row (``_requirement_queries``): the citizen, the due date, the
#: number required, the day it was met, its status when it was met by the day asked about ("met"
#: or "met_late"; NULL when it was not), the days that counted.
_CITIZEN, _DUE, _REQUIRED, _MET_ON, _STATUS, _DAYS = 0, 7, 8, 9, 11, 12


def rules_fingerprint(rules: RuleBook) -> str:
    """What the kept requirements record of the rules they follow (``requirement_state``)."""
    return rules.fingerprint(ENGINE_VERSION)


def requirements_current(
    fingerprint: str, horizon: date, rules: RuleBook, as_of: date | None = None
) -> bool:
    """Whether kept requirements recorded with ``fingerprint`` and ``horizon`` follow these
    rules and reach far enough for ``as_of``."""
    look_ahead = (as_of or local_today()) + timedelta(days=ASSESSMENT_LEAD_DAYS)
    return fingerprint == rules_fingerprint(rules) and horizon >= max(
        look_ahead, local_today() + timedelta(days=ASSESSMENT_LEAD_DAYS)
    )


def people_of(initials: dict[Any, Any], rows: list[Any]) -> dict[int, Person]:
    """Citizen id -> ``Person`` from rows of (id, CPR, name, caseworker id), kept in their order
    (Danish name order, as the query sorted them); made a column at a time."""
    people: dict[int, Person] = {}
    for part in slices(rows):
        ids, cprs, names, workers = zip(*part, strict=True)
        shown = map(initials.get, workers)
        made = map(tuple.__new__, repeat(Person), zip(cprs, names, workers, shown, strict=True))
        people.update(zip(ids, made, strict=True))
    return people


def deadlines_of(
    rows: list[Any],
    people: dict[int, Person],
    booked: dict[int, datetime],
    rules: RuleBook,
    as_of: date,
) -> list[CitizenDeadline]:
    """The deadlines of kept requirement rows (the columns of ``_requirement_queries``) on
    ``as_of``, by due date and then the citizen's name; ``rows`` is emptied on the way."""
    status = itemgetter(_STATUS)
    met, pending = list(filter(status, rows)), list(filterfalse(status, rows))
    rows.clear()
    days, extras = _Days(), _Extras()
    rule_of = _rule_fields(rules)
    try:
        out = _met_deadlines(met, people, rule_of, booked, days, extras)
        still_open, pending = _open_deadlines(pending, people, rules, booked, days, extras, as_of)
    except KeyError:  # rare: see ``_known``; the usual case pays for no check
        met, pending = _known(met, people, rule_of), _known(pending, people, rule_of)
        out = _met_deadlines(met, people, rule_of, booked, days, extras)
        still_open, pending = _open_deadlines(pending, people, rules, booked, days, extras, as_of)
    found = _by_due_then_name(out + still_open, [met, pending], people, days)
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
    items: list[CitizenDeadline], row_lists: list[list[Any]], people: dict[int, Any], days: _Days
) -> list[CitizenDeadline]:
    """By due date, then by name (people are in Danish name order), then as read.

    ``row_lists`` are the raw rows the items were built from, in the same order. Nothing is
    compared: the items' places are put in a bucket per citizen, the citizens are walked in name
    order putting each place into a bucket per due day, and the days are taken in date order
    (a few thousand of them). It replaced a sort of the places by a whole-number key, sorted a
    slice at a time and merged so the window got its turns: 0.33-0.36 s against 0.54-0.66 s
    for 311 902 deadlines (the merges looked up every key again at every level). Loops in
    Python let other threads (the window) run every few milliseconds by themselves."""
    due, citizen = itemgetter(_DUE), itemgetter(_CITIZEN)
    dues: list[Any] = []
    of_citizen: dict[int, list[int]] = {}
    place = 0
    for rows in row_lists:
        for part in slices(rows):
            dues += map(due, part)
            for cid in map(citizen, part):
                found = of_citizen.get(cid)
                if found is None:
                    of_citizen[cid] = [place]
                else:
                    found.append(place)
                place += 1
    on_day: dict[Any, list[int]] = {}
    for cid in people:
        for place in of_citizen.get(cid, ()):
            raw = dues[place]
            bucket = on_day.get(raw)
            if bucket is None:
                on_day[raw] = [place]
            else:
                bucket.append(place)
    ordered: list[CitizenDeadline] = []
    for raw in sorted(on_day, key=days.__getitem__):
        ordered += map(items.__getitem__, on_day[raw])
    if len(ordered) != len(items):  # every item's citizen is one of ``people`` (``_known``)
        raise KeyError("a deadline of a citizen outside the people read")
    return ordered
