"""Deadlines made from the kept requirements' raw rows, with no SQLAlchemy on the way.

``app.casework.deadlines.deadlines`` reads the rows with SQLAlchemy's expressions;
``app.store.day_read`` reads the same rows for the first screen through the DB-API driver
itself, before the ORM is loaded (issue #19). Both hand them here, so a deadline is built in
one place only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from itertools import repeat
from operator import add, eq, itemgetter, mul, truth
from typing import Any, NamedTuple, overload

from app.domain.dates import local_today
from app.domain.deadlines import (
    ASSESSMENT_LEAD_DAYS,
    DUE_SOON_DAYS,
    Deadline,
    RuleBook,
    classify_values,
    status_of,
)
from app.store.rows import FREED, cycle_collection_paused, let_go, slices

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
#: number required, its status when it was met by the day asked about ("met" or "met_late"; NULL
#: when it was not), the days that counted.
_CITIZEN, _DUE, _REQUIRED, _STATUS, _DAYS = 0, 7, 8, 11, 12


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


class People:
    """The citizens of a scope as read (rows of id, CPR, name, caseworker id) and each one's
    place in Danish name order. A ``Person`` is made when a deadline first asks for it: a whole
    jobcenter's 300 000 were a third of a second the scope's list may never need."""

    __slots__ = ("persons", "rank")

    def __init__(
        self, initials: dict[Any, Any], rows: list[Any], in_order: list[int] | None = None
    ) -> None:
        """``rows`` in Danish name order, or in any order with ``in_order`` the ids in name
        order (an id without a row is left out: read apart, a citizen may come or go between)."""
        self.persons = _Persons(initials)
        for part in slices(rows):
            self.persons.rows.update(zip(map(itemgetter(0), part), part, strict=True))
        self.rank: dict[int, int] = {}
        rank, read = self.rank, self.persons.rows.__contains__
        for part in slices(list(self.persons.rows) if in_order is None else in_order):
            # a slice at a time: the whole filter is one step of 0.1 s at 300 000 citizens
            known = part if in_order is None else list(filter(read, part))
            rank.update(zip(known, range(len(rank), len(rank) + len(known)), strict=True))

    def __iter__(self) -> Iterator[int]:
        """The citizens' ids in Danish name order."""
        return iter(self.rank)

    def __len__(self) -> int:
        return len(self.rank)

    def __contains__(self, citizen_id: object) -> bool:
        return citizen_id in self.rank

    def __getitem__(self, citizen_id: int) -> Person:
        return self.persons[citizen_id]

    def let_go(self) -> None:
        """Empty it a few thousand citizens at a time (as ``app.store.rows.let_go`` does for
        lists): a whole jobcenter's rows freed in one step kept the window still for 40 ms."""
        for found in (self.persons, self.persons.rows, self.rank):
            while found:
                for _ in range(min(FREED, len(found))):
                    found.popitem()
                time.sleep(0)


class _Persons(dict[int, Person]):
    """Citizen id -> ``Person``, each made from its row when first asked for (looked up again
    in C: ``map(persons.__getitem__, ids)``)."""

    def __init__(self, initials: dict[Any, Any]) -> None:
        super().__init__()
        self.initials = initials
        self.rows: dict[int, Any] = {}

    def __missing__(self, citizen_id: int) -> Person:
        _id, cpr, name, worker = self.rows[citizen_id]
        found = self[citizen_id] = tuple.__new__(
            Person, (cpr, name, worker, self.initials.get(worker))
        )
        return found


class KeptDeadlines(Sequence[CitizenDeadline]):
    """A scope's deadlines on a day, by due date, then the citizen's name, then as read.

    Kept as the rows they were read from and their order; a ``CitizenDeadline`` is made when it
    is asked for (a few microseconds: a met or single requirement from its row, the others by the
    engine's ``classify_values``). Making the ~900 000 of a whole jobcenter up front cost more
    than reading their rows (issue #19); a list shows a screenful, the access log wants only the
    citizens (``citizen_ids``), and the command line formats one at a time. Nothing in it
    changes after it is made (its caches fill the same way from any thread), so any thread may
    read it."""

    __slots__ = (
        "_as_of", "_booked", "_days", "_extras", "_fields", "_order", "_people", "_rows",
        "_rule_of", "_status_on",
    )  # fmt: skip

    def __init__(
        self,
        rows: list[Any],
        order: list[int],
        people: People,
        booked: dict[int, datetime],
        rules: RuleBook,
        fields: dict[tuple[str, str], tuple[str, str, str, str, str, str]],
        as_of: date,
    ) -> None:
        self._rows, self._order, self._people, self._booked = rows, order, people, booked
        self._fields, self._rule_of, self._as_of = fields, rules.rules_by_id(), as_of
        self._days, self._extras = _Days(), _Extras()
        self._status_on = _StatusOn(as_of, self._days)

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> CitizenDeadline: ...

    @overload
    def __getitem__(self, index: slice) -> list[CitizenDeadline]: ...

    def __getitem__(self, index: int | slice) -> CitizenDeadline | list[CitizenDeadline]:
        if isinstance(index, slice):
            rows = self._rows.__getitem__
            return [
                item
                for places in slices(self._order[index])
                for item in self._many(list(map(rows, places)))
            ]
        return self._made(self._order[index])

    def __iter__(self) -> Iterator[CitizenDeadline]:
        """Every deadline in order. They are all made first, a slice at a time in the order
        read (``_many``): made in the order shown, each row is a leap through memory (4 µs a
        deadline against 1.5 µs)."""
        made: list[CitizenDeadline] = []
        # As ``deadlines_for`` does while it reads: the window's worklist makes ~200 000 here in
        # a worker, and the collector rescanning them held the window still for 100-180 ms.
        with cycle_collection_paused(result_kept=True):
            for rows in slices(self._rows):
                made += self._many(rows)
        try:
            yield from map(made.__getitem__, self._order)
        finally:
            let_go(made)  # the ones nobody kept, freed a slice at a time

    def __eq__(self, other: object) -> bool:
        if isinstance(other, KeptDeadlines | list | tuple):
            return len(self) == len(other) and all(map(eq, self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared by content, as a list is

    def __repr__(self) -> str:
        return f"<KeptDeadlines: {len(self)}>"

    def citizen_ids(self) -> set[int]:
        """The citizens the deadlines concern (for the access log), without making them."""
        return set(map(itemgetter(_CITIZEN), self._rows))

    def let_go(self) -> None:
        """Empty it a slice at a time (``app.store.rows.let_go``): a whole jobcenter's rows freed
        in one step would keep every other thread still."""
        let_go(self._order, self._rows)
        self._people.let_go()

    def _made(self, place: int) -> CitizenDeadline:
        """The deadline of one row (an index asked for)."""
        return self._many([self._rows[place]])[0]

    def _many(self, rows: list[Any]) -> list[CitizenDeadline]:
        """The deadlines of many rows at once: those a status read or a due date settles are
        made a column at a time (``map`` and ``zip`` run in C), the engine classifies the rest."""
        deadlines = self._plain(rows)
        for n, row in enumerate(rows):
            if row[_STATUS] is None and (row[_DAYS] or row[_REQUIRED] != 1):
                deadlines[n] = self._classified(row)
        citizens = list(map(itemgetter(_CITIZEN), rows))
        return list(
            map(
                tuple.__new__,
                repeat(CitizenDeadline),
                zip(
                    citizens, map(self._people.persons.__getitem__, citizens), deadlines,
                    map(self._booked.get, citizens),
                    strict=False,  # repeat() is endless
                ),
            )
        )  # fmt: skip

    def _plain(self, rows: list[Any]) -> list[Deadline]:
        """Deadlines made from rows as if each was met by the day asked about ("met" or
        "met_late" read) or a single conversation or offer with nothing counted yet (open, due
        soon or overdue by its due date alone); ``_many`` replaces the others."""
        (_citizen, rule_set, rule_id, group, start, exempt, window, due, required, met_on, extra,
         status, _counted) = zip(*rows, strict=True)  # fmt: skip
        ids, kinds, titles, held_by, sources, confidence = zip(
            *map(self._fields.__getitem__, zip(rule_set, rule_id, strict=True)), strict=True
        )
        day, status_on = self._days.__getitem__, self._status_on.__getitem__
        states = [read or status_on(on) for read, on in zip(status, due, strict=True)]
        met_days = [read and day(on) for read, on in zip(status, met_on, strict=True)]
        return list(
            map(
                tuple.__new__,
                repeat(Deadline),
                zip(
                    ids, rule_set, kinds, titles, held_by, group, map(day, start),
                    map(day, window), map(day, due), required, map(mul, required, map(truth, status)),
                    states, met_days, sources, confidence, repeat(None), map(bool, exempt),
                    map(self._extras.__getitem__, extra),
                    strict=False,  # repeat() is endless
                ),
            )
        )  # fmt: skip

    def _classified(self, row: Any) -> Deadline:
        """Counted conversations, or more than one required: the engine classifies it."""
        (_citizen, rule_set, rule_id, group, start, exempt, window, due, required, _met_on, extra,
         _status, counted) = row  # fmt: skip
        day = self._days.__getitem__
        return classify_values(
            self._rule_of[rule_set, rule_id],
            rule_set,
            group,
            day(start),
            bool(exempt),
            day(window),
            day(due),
            required,
            [day(d) for d in counted.split(",")] if counted else (),
            self._extras[extra],
            self._as_of,
            DUE_SOON_DAYS,
        )


def deadlines_of(
    rows: list[Any],
    people: People,
    booked: dict[int, datetime],
    rules: RuleBook,
    as_of: date,
) -> KeptDeadlines:
    """The deadlines of kept requirement rows (the columns of ``_requirement_queries``) on
    ``as_of``, by due date and then the citizen's name (``KeptDeadlines`` keeps ``rows``)."""
    fields = _rule_fields(rules)
    try:
        order = _by_due_then_name(rows, people, fields, as_of)
    except KeyError:  # rare: see ``_known``; the usual case pays for no check
        rows = _known(rows, people, fields)
        order = _by_due_then_name(rows, people, fields, as_of)
    return KeptDeadlines(rows, order, people, booked, rules, fields, as_of)


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


def _known(rows: list[Any], people: People, rule_of: dict[Any, Any]) -> list[Any]:
    """The rows of citizens in scope and of rules this desk knows (a deleted citizen, or another
    desk rebuilding with other rules, leaves rows behind for a moment)."""
    return [row for row in rows if row[0] in people and (row[1], row[2]) in rule_of]


class _StatusOn(dict[Any, str]):
    """Raw due date -> the status on ``as_of`` of a requirement with nothing counted yet."""

    def __init__(self, as_of: date, days: _Days) -> None:
        super().__init__()
        self.as_of, self.days = as_of, days

    def __missing__(self, raw: Any) -> str:
        found = self[raw] = status_of(self.days[raw], None, self.as_of, soon=DUE_SOON_DAYS)
        return found


def _by_due_then_name(
    rows: list[Any], people: People, fields: dict[Any, Any], as_of: date
) -> list[int]:
    """The rows' places by due date, then by the citizen's place in Danish name order, then as
    read; a KeyError when a row's citizen is not one of ``people`` or its rule is not one of
    ``fields``' (nothing is changed then).

    Each place gets one whole number, the due day (days from ``as_of``) times the number of people
    plus the citizen's place in name order, made a slice at a time in C (``map``), and one sort
    by it (stable: ties keep the order read; while the numbers stay within 2**30, about ten years
    of due days at 300 000 citizens, Python compares them fastest). It replaced buckets per
    citizen and per day filled by Python loops: 0.15 s against 0.28 s for 308 066 deadlines.
    The sort runs in C without letting other threads run: about 25 ms for the 56 000 open
    deadlines of everybody at 100 000 citizens (the worklist's largest), 0.2 s for all 925 000
    at 300 000 (the command line's)."""
    due, citizen, rule_set, rule_id = (itemgetter(n) for n in (_DUE, _CITIZEN, 1, 2))
    rules_read: set[tuple[str, str]] = set()
    for part in slices(rows):
        rules_read.update(zip(map(rule_set, part), map(rule_id, part), strict=True))
    if not rules_read <= fields.keys():
        raise KeyError("a kept requirement of a rule these rules do not have")
    day_key, rank = _DayKey(as_of, len(people) + 1), people.rank
    keys: list[int] = []
    for part in slices(rows):
        keys += map(add, map(day_key.__getitem__, map(due, part)), map(rank.__getitem__, map(citizen, part)))  # fmt: skip
    order = sorted(range(len(keys)), key=keys.__getitem__)
    let_go(keys)
    return order


class _DayKey(dict[Any, int]):
    """Raw due date -> its days from ``as_of`` times ``width`` (parsed once per distinct day)."""

    def __init__(self, as_of: date, width: int) -> None:
        super().__init__()
        self.base, self.width = as_of.toordinal(), width

    def __missing__(self, raw: Any) -> int:
        day = raw if isinstance(raw, date) else date.fromisoformat(raw)
        found = self[raw] = (day.toordinal() - self.base) * self.width
        return found
