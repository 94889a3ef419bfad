"""Search as you type without reading every match: the count and the first screen of a search.

``find_citizen_ids`` reads every citizen a search matches and sorts them by name. For a broad
term (``sen``, ``01.``, the first letters of a common name) that is tens of thousands of citizens
on each keystroke, each looked up and sorted (at 300 000 citizens: 0.1–1 s), though the list shows
thirty of them. Here a search reads only what the list shows at first, in the same order:

- **A narrow search** (its trigram terms match at most ``NARROW_HITS`` citizens, counted in the
  trigram index, or it names a whole CPR number or birth date, or it is limited to a caseload, or
  sorted by another column) is read whole, as before: a few ms.
- **A broad search** walks the name-ordered list index (it covers the search text) and stops at
  the ``first`` match it needs: when a term matches one citizen in ten, the first screen is there
  after a few thousand index entries, however many citizens there are. How many match is counted
  in the trigram index alone (the deleted citizens that also match taken off), without reading a
  citizen row. ``more_citizen_ids`` continues the same walk when the user scrolls further.

Only SQLite takes the broad way; on PostgreSQL a search is read whole (``pg_trgm``), as before.
The set and the order are exactly ``find_citizen_ids``'s (the name order breaks ties by the
search text, which holds the CPR number).
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
    _pattern,
    _phrases,
    find_citizen_ids,
)
from app.domain.search import MAX_SEARCH_CHARS, exact_identifier, search_terms
from app.store.engine import Database, translating_errors
from app.store.models import Citizen

_Query = TypeVar("_Query", bound=Select[Any])

#: Rows a search reads at once: a few screens, and the citizens its access-log entry names
#: (``app.casework.privacy.access_log.SEARCH_HITS_KEPT``).
FIRST_ROWS = 200
#: Up to this many citizens found by the trigram index, a search reads them all (each looked up
#: and sorted: about 2 µs a citizen); beyond, it walks the list index (0.3 µs an entry, and a
#: broad term finds its first screen in a few thousand). Where the two cost the same at 300 000
#: citizens; measured in packaging/BENCHMARK.md.
NARROW_HITS = 2_000


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
    """How many citizens match the search, and at least the ``first`` of them in the list's
    order (``find_citizen_ids``'s, which reads them all: see the module's docstring);
    ``first`` is ``FIRST_ROWS`` unless given."""
    first = FIRST_ROWS if first is None else first
    terms = _walkable_terms(db, text, caseworker_id, sort)
    if terms:
        with translating_errors(db), db.engine.connect() as conn:
            hits = _trigram_hits(conn, terms)
            if hits > NARROW_HITS:
                ids = _walk(conn, terms, descending, offset=0, limit=first)
                if len(ids) < first:  # the walk went to the end: that is all of them
                    return FoundCitizens(len(ids), ids)
                return FoundCitizens(hits - _deleted_hits(conn, terms), ids)
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
    terms = _walkable_terms(db, text, caseworker_id, sort)
    if not terms:
        ids = find_citizen_ids(
            db, text, caseworker_id=caseworker_id, sort=sort, descending=descending, today=today
        )
        return ids[offset : offset + limit]
    with translating_errors(db), db.engine.connect() as conn:
        return _walk(conn, terms, descending, offset=offset, limit=limit)


def citizen_matches(
    db: Database, citizen_id: int, text: str = "", *, caseworker_id: int | None = None
) -> bool:
    """Whether the search finds this citizen (one row read by its id; no citizen data returned)."""
    query = select(col(Citizen.id)).where(
        col(Citizen.id) == citizen_id, col(Citizen.deleted_at).is_(None)
    )
    if caseworker_id is not None:
        query = query.where(col(Citizen.caseworker_id) == caseworker_id)
    for term in search_terms(text):
        if len(term) > MAX_SEARCH_CHARS:
            return False
        query = query.where(col(Citizen.search_text).like(_pattern(term), escape="\\"))
    with translating_errors(db), db.engine.connect() as conn:
        return conn.execute(query).first() is not None


def _walkable_terms(db: Database, text: str, caseworker_id: int | None, sort: str) -> list[str]:
    """The terms of a search that may take the broad way (all seekable by the trigram index, so
    that the index counts its hits exactly), else none."""
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
        query = query.where(col(Citizen.search_text).like(_pattern(term), escape="\\"))
    return query


def _deleted_hits(conn: Connection, terms: list[str]) -> int:
    """Deleted citizens the trigram index counted (they stay in it until purged): few, through
    the index of ``deleted_at``."""
    query = select(func.count()).select_from(Citizen).where(col(Citizen.deleted_at).is_not(None))
    return int(conn.execute(_like(query, terms)).scalar_one())


def _walk(
    conn: Connection, terms: list[str], descending: bool, *, offset: int, limit: int
) -> list[int]:
    """Walk the list index in name order, keeping the matches (``LIKE`` on the covered search
    text: the same citizens the trigram index finds) from ``offset`` on."""
    order = [key.desc() if descending else key.asc() for key in NAME_ORDER]
    query = _like(select(col(Citizen.id)).where(col(Citizen.deleted_at).is_(None)), terms)
    query = query.order_by(*order).offset(offset).limit(limit)
    return [row[0] for row in conn.execute(query).cursor.fetchall()]
