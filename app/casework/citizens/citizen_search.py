"""Search as you type without reading every match: the count and the first rows of a search.

``find_citizen_ids`` reads every citizen a search matches and sorts them all by name. For a broad
term (``sen``, ``01.``, the first letters of a common name) that is tens of thousands of citizens
on each keystroke (at 300 000 citizens up to a second), though the list shows thirty. Here a
search whose terms the trigram index seeks (SQLite, the name order, all citizens) reads only:

- **how many match**: counted in the trigram index alone, the deleted citizens that also match
  taken off (a few, through the index of ``deleted_at``); no citizen row is read;
- **the first ``first`` in the list's order**, the cheaper of two ways: when the matches are many
  (a term in one citizen of twenty), the first rows of the name-ordered list index (it covers the
  search text) hold them: a window of a few thousand entries is read and filtered, and its cost
  does not grow with the number of citizens. When that window does not hold enough (few matches,
  or matches bunched further down the alphabet, as a last name's are), the trigram index's matches
  are looked up and the first of them kept (a top-N sort, not a full one).

All citizens, when nothing is typed, are read by their count and the first rows of the list
index, on either backend. On PostgreSQL any search in the name order of all citizens is read in
parts too: in one pass over
the matches the ``pg_trgm`` GIN index finds, each read once (a ``MATERIALIZED`` query), counted
by the server (deleted ones left out) and the first of them kept in a top-N sort; only those
cross the network, not every match. The planner is not left to choose an ordered walk of the
list index with a ``LIMIT``: it assumes the matches spread evenly, and for a last name, bunched
further down the alphabet, walks half the index (70 ms at 100 000 for ``nilsson``, not 4).

``more_citizen_ids`` reads further rows the same way when the list is scrolled. Anything else (a
short term beside a long one on SQLite, a whole CPR number or birth date, a caseload, another sort
column, ten digits a team server looks up itself) is read whole by ``find_citizen_ids``, as
before. The set and the order are exactly ``find_citizen_ids``'s: the name order breaks ties by
the search text, which holds the CPR number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.sql import Select
from sqlmodel import col

from app.casework.citizens.citizen_list import (
    NAME_ORDER,
    TRIGRAM,
    _filtered,
    _holds,
    _may_find_by_cpr,
    _phrases,
    find_citizen_ids,
)
from app.domain.search import MAX_SEARCH_CHARS, exact_identifier, search_terms
from app.store.engine import Database, translating_errors
from app.store.models import Citizen, table_of
from app.store.ordering import byte_order
from app.store.rows import first_column

_Query = TypeVar("_Query", bound=Select[Any])

#: Rows a search reads at once: a few screens, and the citizens its access-log entry names
#: (``app.casework.privacy.access_log.SEARCH_HITS_KEPT``).
FIRST_ROWS = 200
#: Costs that choose the way (µs, measured at 300 000 encrypted citizens under load): a list-index
#: entry read and filtered, and a trigram match looked up in the citizen table and kept in a
#: top-N sort (a random row: a page read and decrypted unless cached).
WALK_US, LOOKUP_US = 0.5, 20.0
#: The part of the list index read for the first rows holds this many times the matches a
#: uniform spread would put in it, so that a term found all over the list fills it.
WINDOW_SLACK = 2


@dataclass(frozen=True)
class FoundCitizens:
    """A search as far as it was read.

    Attributes:
        total: how many citizens match.
        ids: the first of them in the list's order; all of them when ``complete``.
    """

    total: int
    ids: list[int]

    @property
    def complete(self) -> bool:
        return len(self.ids) >= self.total


def search_citizens(
    db: Database,
    text: str = "",
    *,
    caseworker_id: int | None = None,
    sort: str = "name",
    descending: bool = False,
    today: date | None = None,
    first: int | None = None,
) -> FoundCitizens:
    """How many citizens match the search, and at least the ``first`` of them (``FIRST_ROWS``
    unless given) in the list's order (``find_citizen_ids``'s, which reads them all: see the
    module's docstring)."""
    first = FIRST_ROWS if first is None else first
    if _everybody_by_name(db, text, caseworker_id, sort):
        with translating_errors(db), db.engine.connect() as conn:
            return _everybody_first(conn, db.backend, descending, first)
    terms = _seekable_terms(db, text, caseworker_id, sort)
    if terms:
        with translating_errors(db), db.engine.connect() as conn:
            hits = _trigram_hits(conn, terms)
            if hits <= first:  # all of them, in the same breath
                ids = _looked_up(conn, text, descending, offset=0, limit=first)
                return FoundCitizens(len(ids), ids)
            citizens = _citizens(conn)
            window = min(citizens, WINDOW_SLACK * first * citizens // hits)
            ids = []
            if window * WALK_US < hits * LOOKUP_US:
                bound = _key_at(conn, window, descending)
                ids = _walk(conn, terms, descending, bound=bound, limit=first)
            if len(ids) < first:  # too few that early: the first of all the matches
                ids = _looked_up(conn, text, descending, offset=0, limit=first)
            if len(ids) < first:  # fewer than counted: they were all deleted ones
                return FoundCitizens(len(ids), ids)
            return FoundCitizens(hits - _deleted_hits(conn, terms), ids)
    if _on_server_in_parts(db, text, caseworker_id, sort):
        with translating_errors(db), db.engine.connect() as conn:
            return _server_first(conn, text, descending, first)
    ids = find_citizen_ids(
        db, text, caseworker_id=caseworker_id, sort=sort, descending=descending, today=today
    )
    return FoundCitizens(len(ids), ids)


def more_citizen_ids(
    db: Database,
    text: str = "",
    *,
    caseworker_id: int | None = None,
    sort: str = "name",
    descending: bool = False,
    today: date | None = None,
    offset: int,
    limit: int,
) -> list[int]:
    """The matching citizens from position ``offset`` on, at most ``limit`` of them, in the
    order of ``search_citizens`` (for the rows of a broad search the user scrolls to)."""
    if _everybody_by_name(db, text, caseworker_id, sort):
        with translating_errors(db), db.engine.connect() as conn:
            return _walk_everybody(conn, db.backend, descending, offset=offset, limit=limit)
    if _on_server_in_parts(db, text, caseworker_id, sort):
        with translating_errors(db), db.engine.connect() as conn:
            return _server_more(conn, text, descending, offset=offset, limit=limit)
    terms = _seekable_terms(db, text, caseworker_id, sort)
    if not terms:
        ids = find_citizen_ids(
            db, text, caseworker_id=caseworker_id, sort=sort, descending=descending, today=today
        )
        return ids[offset : offset + limit]
    with translating_errors(db), db.engine.connect() as conn:
        hits, citizens = _trigram_hits(conn, terms), _citizens(conn)
        # the walk reads the list index down to the last row wanted (a uniform spread assumed)
        walked = citizens if hits == 0 else min(citizens, (offset + limit) * citizens // hits)
        if walked * WALK_US < hits * LOOKUP_US:
            return _walk(conn, terms, descending, bound=None, limit=limit, offset=offset)
        return _looked_up(conn, text, descending, offset=offset, limit=limit)


def citizen_matches(
    db: Database, citizen_id: int, text: str = "", *, caseworker_id: int | None = None
) -> bool:
    """Whether the search finds this citizen (one row read by its id; no citizen data returned)."""
    query = select(col(Citizen.id)).where(
        col(Citizen.id) == citizen_id, col(Citizen.deleted_at).is_(None)
    )
    if caseworker_id is not None:
        query = query.where(col(Citizen.caseworker_id) == caseworker_id)
    terms = search_terms(text)
    if any(len(term) > MAX_SEARCH_CHARS for term in terms):
        return False
    query = _like(query, terms)
    with translating_errors(db), db.engine.connect() as conn:
        return conn.execute(query).first() is not None


def _seekable_terms(db: Database, text: str, caseworker_id: int | None, sort: str) -> list[str]:
    """The terms of a search that is read a part at a time (every term seekable by the trigram
    index, so that the index counts its matches exactly), else none."""
    if not db.is_sqlite or sort != "name" or caseworker_id is not None:
        return []
    terms = search_terms(text)
    if any(
        len(term) < TRIGRAM or len(term) > MAX_SEARCH_CHARS or exact_identifier(term) is not None
        for term in terms
    ):
        return []
    return terms


def _trigram_hits(conn: Connection, terms: list[str]) -> int:
    """Citizens (deleted ones too) whose search text holds every term: counted in the trigram
    index, no citizen row read."""
    found = sql_text("SELECT count(*) FROM citizen_fts WHERE citizen_fts MATCH :phrases")
    return int(conn.execute(found, {"phrases": _phrases(terms)}).scalar_one())


def _like(query: _Query, terms: list[str]) -> _Query:
    for term in terms:
        query = query.where(_holds(term))
    return query


def _deleted_hits(conn: Connection, terms: list[str]) -> int:
    """Deleted citizens the trigram index counted (they stay in it until purged): few, through
    the index of ``deleted_at``."""
    query = select(func.count()).select_from(Citizen).where(col(Citizen.deleted_at).is_not(None))
    return int(conn.execute(_like(query, terms)).scalar_one())


def _citizens(conn: Connection) -> int:
    """About how many citizens there are (the highest id: one seek), to weigh the two ways."""
    return int(conn.execute(select(func.max(col(Citizen.id)))).scalar() or 0)


def _order(descending: bool) -> list[Any]:
    return [key.desc() if descending else key.asc() for key in NAME_ORDER]


def _key_at(conn: Connection, position: int, descending: bool) -> str | None:
    """The sort key ``position`` entries into the list index (in the list's direction): reading
    no further than it bounds a walk. ``None`` past the end."""
    key = table_of(Citizen).c.sort_key
    query = select(key).order_by(key.desc() if descending else key.asc())
    return conn.execute(query.offset(position).limit(1)).scalar()


def _walk(
    conn: Connection,
    terms: list[str],
    descending: bool,
    *,
    bound: str | None,
    limit: int,
    offset: int = 0,
) -> list[int]:
    """Walk the list index in name order, keeping the matches (``LIKE`` on the covered search
    text: the same citizens the trigram index finds) from ``offset`` on; no further than the
    sort key ``bound`` when given (every entry up to it comes before every entry after it, so
    the matches found up to it are the first ones)."""
    query = _like(select(col(Citizen.id)).where(col(Citizen.deleted_at).is_(None)), terms)
    if bound is not None:  # the key's bytes: SQLite's text, PostgreSQL's "C" column (0012)
        key = table_of(Citizen).c.sort_key
        query = query.where(key >= bound if descending else key <= bound)
    query = query.order_by(*_order(descending)).offset(offset).limit(limit)
    return first_column(conn.execute(query).cursor)


def _looked_up(
    conn: Connection, text: str, descending: bool, *, offset: int, limit: int
) -> list[int]:
    """The matches found through the trigram index, in name order from ``offset`` on: each is
    looked up, and SQLite keeps only the first ``offset + limit`` in its sorter."""
    query = _filtered(select(col(Citizen.id)), text, None, "sqlite")
    query = query.order_by(*_order(descending)).offset(offset).limit(limit)
    return first_column(conn.execute(query).cursor)


def _on_server_in_parts(db: Database, text: str, caseworker_id: int | None, sort: str) -> bool:
    """Whether a PostgreSQL search is read a part at a time: the name order of all citizens, and
    no term that an index of its own answers (a whole CPR number or birth date: one or two
    citizens) or that a team server looks up itself (``minplan_find_citizen``)."""
    if db.is_sqlite or sort != "name" or caseworker_id is not None or _may_find_by_cpr(text):
        return False
    return not any(
        len(term) > MAX_SEARCH_CHARS or exact_identifier(term) is not None
        for term in search_terms(text)
    )


def _everybody_by_name(db: Database, text: str, caseworker_id: int | None, sort: str) -> bool:
    """Whether the list is all citizens in name order (nothing typed that searches): read by
    their count and a walk of the list index, a part at a time, on either backend (at 300 000
    citizens every id read at once was 370 ms before the first screen)."""
    return sort == "name" and caseworker_id is None and not search_terms(text)


def _everybody_first(conn: Connection, backend: str, descending: bool, first: int) -> FoundCitizens:
    """How many citizens there are (not deleted), and the first ``first`` of them by name."""
    counted = _filtered(select(func.count()).select_from(Citizen), "", None, backend)
    total = int(conn.execute(counted).scalar_one())
    ids = _walk_everybody(conn, backend, descending, offset=0, limit=first)
    return FoundCitizens(total if len(ids) == first else len(ids), ids)


def _walk_everybody(
    conn: Connection, backend: str, descending: bool, *, offset: int, limit: int
) -> list[int]:
    """All citizens from ``offset`` on, in the list index's order (a walk of it)."""
    query = _everybody_query(backend, descending, offset=offset, limit=limit)
    return first_column(conn.execute(query).cursor)


def _everybody_query(backend: str, descending: bool, *, offset: int, limit: int) -> Select[Any]:
    """The query of ``_walk_everybody`` (also for the tests that look at its plan)."""
    query = _filtered(select(col(Citizen.id)), "", None, backend)
    return query.order_by(*_order(descending)).offset(offset).limit(limit)


def _server_first(conn: Connection, text: str, descending: bool, first: int) -> FoundCitizens:
    """The count and the first ``first`` matches in the list's order (see the module's
    docstring): one pass over the search's matches, which are counted and the first kept."""
    rows = conn.execute(_server_matches(text, descending, 0, first, counted=True)).all()
    return FoundCitizens(rows[0][1] if rows else 0, [row[0] for row in rows])


def _server_more(
    conn: Connection, text: str, descending: bool, *, offset: int, limit: int
) -> list[int]:
    """``more_citizen_ids`` on PostgreSQL: the same way from ``offset`` on."""
    query = _server_matches(text, descending, offset, limit, counted=False)
    return first_column(conn.execute(query).cursor)


def _server_matches(
    text: str, descending: bool, offset: int, limit: int, *, counted: bool
) -> Select[Any]:
    """The ids of the matches from ``offset`` on in name order (and, ``counted``, beside each the
    number of all matches): each match found through the trigram index is read once
    (``MATERIALIZED``: the planner may not turn this into an ordered walk of the list index),
    counted, and the first ``offset + limit`` kept in a top-N sort, not a sort of them all."""
    columns = table_of(Citizen).c
    found = select(columns.id, columns.sort_key, columns.deleted_at, columns.search_text)
    matches = _filtered(found, text, None, "postgresql").cte("matches")
    matches = matches.prefix_with("MATERIALIZED")
    keys = [byte_order(matches.c.sort_key), matches.c.deleted_at, matches.c.search_text]
    order = [key.desc() if descending else key.asc() for key in keys]
    shown: list[Any] = [matches.c.id]
    if counted:
        shown.append(select(func.count()).select_from(matches).scalar_subquery())
    return select(*shown).order_by(*order).offset(offset).limit(limit)
