"""I dag (``app.domain.day``) read through the DB-API driver itself, without SQLAlchemy.

The first screen of a start is I dag: read this way it needs neither SQLAlchemy nor the table
classes, which are a third of a start (issue #19). It reads the same rows with the same
conditions and order as ``app.casework.deadlines.today.day_overview`` and builds the deadlines
and the day with the same code (``app.store.kept_deadlines``, ``app.domain.day``);
``tests/test_day_read.py`` checks that both give the same day on the same database.

On a SQLite connection (``sqlcipher3``: text dates, ``:name`` parameters) and on a PostgreSQL one
(``psycopg``: dates and aware instants, ``%(name)s`` parameters, the citizens' name order asked in
the "C" collation as ``app.store.ordering.byte_order`` asks it). A caseworker's own caseload only:
the scope check of another caseload needs the ORM. When the kept requirements do not follow the
rules in force or do not reach far enough, ``read_day`` gives None: the ORM's read rebuilds them
first.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.dates import local_to_utc, utc_to_local
from app.domain.day import (
    OPEN_MILESTONE_STATUSES,
    BookedConversation,
    DayOverview,
    MilestoneLine,
    arrange_day,
)
from app.domain.deadlines import ASSESSMENT_LEAD_DAYS, RuleBook
from app.store.kept_deadlines import People, deadlines_of, requirements_current
from app.store.rows import fetch_all

#: Citizens per query (as ``app.casework.deadlines.deadline_facts.CHUNK``: SQLite's limit on
#: parameters is far above it).
CHUNK = 900

_STATE = "SELECT rules_fingerprint, horizon FROM requirement_state ORDER BY id LIMIT 1"

_INITIALS = "SELECT caseworker.id, caseworker.initials FROM caseworker"

_PEOPLE = (
    "SELECT citizen.id, citizen.cpr, citizen.first_name || ' ' || citizen.last_name,"
    " citizen.caseworker_id FROM citizen"
    " WHERE citizen.deleted_at IS NULL AND citizen.caseworker_id = :worker"
    " ORDER BY citizen.sort_key || ''{byte_order}, citizen.id"
)

_NEXT_BOOKED = (
    "SELECT conversation.citizen_id, min(conversation.scheduled_at) FROM conversation"
    " WHERE status = 'planned' AND conversation.scheduled_at >= :since"
    " AND conversation.citizen_id IN ({ids}) GROUP BY conversation.citizen_id"
)

#: The columns of ``app.store.kept_deadlines`` (``_requirement_queries``), open ones only.
_REQUIREMENTS = (
    "SELECT requirement.citizen_id, requirement.rule_set, requirement.rule_id,"
    " requirement.target_group, requirement.period_start, requirement.exempt_75,"
    " requirement.window_start, requirement.due, requirement.required, requirement.met_on,"
    " requirement.extra,"
    " CASE WHEN (requirement.met_on > :as_of) THEN NULL"
    " WHEN (requirement.met_on <= requirement.due) THEN 'met'"
    " WHEN (requirement.met_on IS NOT NULL) THEN 'met_late' END,"
    " CASE WHEN (requirement.met_on IS NULL) THEN requirement.days"
    " WHEN (requirement.met_on > :as_of) THEN requirement.days END"
    " FROM requirement"
    " WHERE requirement.period_start <= :as_of"
    " AND (requirement.kind != 'agreed_contact' OR requirement.window_start <= :as_of)"
    " AND (requirement.kind != 'assessment_after' OR requirement.due <= :lead)"
    " AND (requirement.met_on IS NULL OR requirement.met_on > :as_of)"
    " AND requirement.citizen_id IN ({ids})"
)

_TALKS = (
    "SELECT conversation.id, conversation.citizen_id, citizen.first_name, citizen.last_name,"
    " citizen.cpr, conversation.scheduled_at, conversation.channel, conversation.kind,"
    " conversation.location"
    " FROM conversation JOIN citizen ON citizen.id = conversation.citizen_id"
    " WHERE conversation.status = 'planned' AND conversation.scheduled_at >= :start"
    " AND conversation.scheduled_at < :end AND citizen.deleted_at IS NULL AND "
)
_OWN_TALKS = _TALKS + "conversation.caseworker_id = :worker"
_UNHELD_TALKS = _TALKS + "conversation.caseworker_id IS NULL AND citizen.caseworker_id = :worker"

_MILESTONES = (
    "SELECT milestone.citizen_id, citizen.first_name, citizen.last_name, citizen.cpr,"
    " milestone.title, milestone.due, milestone.status"
    " FROM milestone JOIN citizen ON citizen.id = milestone.citizen_id"
    " WHERE citizen.caseworker_id = :worker AND citizen.deleted_at IS NULL"
    " AND milestone.deleted_at IS NULL AND milestone.status IN ({statuses})"
    " AND milestone.due < :today"
    " ORDER BY milestone.due DESC, citizen.sort_key"
)


class _Dialect:
    """How the two drivers are spoken to: SQLite's ``sqlcipher3`` takes ``:name`` parameters and
    keeps dates and instants as text (UTC, no zone, as SQLAlchemy writes them); ``psycopg`` takes
    ``%(name)s`` and gives and takes dates and aware instants."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.server = type(connection).__module__.split(".")[0] == "psycopg"

    def execute(self, query: str, parameters: dict[str, Any] | None = None) -> Any:
        if self.server:
            return self.connection.execute(_NAMED.sub(r"%(\1)s", query), parameters or None)
        return self.connection.execute(query, parameters or {})

    def day(self, value: date) -> Any:
        return value if self.server else value.isoformat()

    def instant(self, value: datetime) -> Any:
        return value if self.server else f"{value:%Y-%m-%d %H:%M:%S.%f}"


#: A ``:name`` parameter (not a ``::type`` cast).
_NAMED = re.compile(r"(?<![:\w]):(\w+)")


def _date(raw: Any) -> date:
    return raw if isinstance(raw, date) else date.fromisoformat(raw)


def _moment(raw: Any) -> datetime:
    return raw if isinstance(raw, datetime) else datetime.fromisoformat(raw)


def _listed(ids: list[int]) -> str:
    """Citizen ids (whole numbers read from the database) written into a query's ``IN``."""
    return ", ".join(str(int(i)) for i in ids)


def read_day(
    connection: Any, caseworker_id: int | None, today: date, rules: RuleBook
) -> DayOverview | None:
    """The day of ``caseworker_id``'s own caseload on ``today`` (``connection``: a DB-API
    connection, to the SQLite file keyed, or to the server as the desk's login); None when the
    kept requirements must be rebuilt."""
    if caseworker_id is None:
        return DayOverview(today, None)
    db = _Dialect(connection)
    state = db.execute(_STATE).fetchone()
    if state is None or not requirements_current(state[0], _date(state[1]), rules, today):
        return None
    initials = dict(db.execute(_INITIALS).fetchall())
    people_query = _PEOPLE.format(byte_order=' COLLATE "C"' if db.server else "")
    rows = fetch_all(db.execute(people_query, {"worker": caseworker_id}))
    people = People(initials, rows)
    ids = list(people)
    booked = _next_booked(db, ids, today)
    kept: list[Any] = []
    lead = db.day(today + timedelta(days=ASSESSMENT_LEAD_DAYS))
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        query = _REQUIREMENTS.format(ids=_listed(part))
        kept.extend(fetch_all(db.execute(query, {"as_of": db.day(today), "lead": lead})))
    found = deadlines_of(kept, people, booked, rules, today)
    return arrange_day(
        today,
        caseworker_id,
        found,
        _talks(db, caseworker_id, today),
        _milestones(db, caseworker_id, today),
    )


def _next_booked(db: _Dialect, ids: list[int], today: date) -> dict[int, datetime]:
    """As ``app.casework.deadlines.deadline_facts.next_booked``: citizen id -> the next booked
    conversation on or after ``today`` (local wall-clock time)."""
    since = db.instant(local_to_utc(datetime.combine(today, time())))
    booked: dict[int, datetime] = {}
    local: dict[Any, datetime] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        part = ordered[start : start + CHUNK]
        query = _NEXT_BOOKED.format(ids=_listed(part))
        for cid, raw in db.execute(query, {"since": since}):
            shown = local.get(raw)
            if shown is None:
                shown = local[raw] = utc_to_local(_moment(raw))
            booked[cid] = shown
    return booked


def _talks(db: _Dialect, worker: int, today: date) -> list[BookedConversation]:
    """The conversations booked today and tomorrow with the worker or, held by nobody, with the
    worker's citizens, in time order."""
    window = {
        "start": db.instant(local_to_utc(datetime.combine(today, time()))),
        "end": db.instant(local_to_utc(datetime.combine(today + timedelta(days=2), time()))),
        "worker": worker,
    }
    talks = [
        (_moment(row[5]), row)
        for query in (_OWN_TALKS, _UNHELD_TALKS)
        for row in db.execute(query, window)
    ]
    talks.sort(key=lambda pair: (pair[0], pair[1][0]))
    return [
        BookedConversation(
            citizen_id, f"{first} {last}", cpr, utc_to_local(at), channel, kind, location
        )
        for at, (_id, citizen_id, first, last, cpr, _raw, channel, kind, location) in talks
    ]


def _milestones(db: _Dialect, worker: int, today: date) -> tuple[MilestoneLine, ...]:
    """The worker's citizens' milestones past their date and not reached, the latest first."""
    query = _MILESTONES.format(statuses=", ".join(f"'{s}'" for s in OPEN_MILESTONE_STATUSES))
    rows = db.execute(query, {"worker": worker, "today": db.day(today)})
    return tuple(
        MilestoneLine(citizen_id, f"{first} {last}", cpr, title, _date(due), status)
        for citizen_id, first, last, cpr, title, due, status in rows
    )
