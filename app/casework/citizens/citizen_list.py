"""Queries behind the citizen list: ordered ids for a search, and the visible columns for a page.

The list view holds only ids (``find_citizen_ids``) and asks for the few columns it shows, a page
of rows at a time (``fetch_citizen_rows``), so 100 000 citizens scroll smoothly. Sorting re-runs
the id query with ``ORDER BY`` in the database instead of sorting Python objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, ScalarSelect, and_, false, func, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.sql import Select
from sqlmodel import col

from app.domain.dates import local_today
from app.domain.search import MAX_SEARCH_CHARS, exact_identifier, search_terms
from app.store.engine import Database, translating_errors
from app.store.models import BenefitSpell, Caseworker, Citizen, table_of
from app.store.ordering import byte_order
from app.store.rows import first_column

#: Columns the list can be sorted by, in the order the view shows them.
SORT_KEYS: tuple[str, ...] = ("name", "cpr", "birth_date", "benefit", "caseworker")


@dataclass(frozen=True)
class CitizenRow:
    """What one line of the citizen list shows."""

    id: int
    first_name: str
    last_name: str
    cpr: str
    birth_date: date
    benefit: str | None
    benefit_since: date | None
    caseworker: str | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _current_spell(today: date) -> ColumnElement[bool]:
    return and_(
        col(BenefitSpell.start_date) <= today,
        or_(col(BenefitSpell.end_date).is_(None), col(BenefitSpell.end_date) >= today),
    )


def _benefit_subquery(today: date) -> ScalarSelect[str]:
    """The target group of the citizen's spell running today (the latest one if data overlaps)."""
    return (
        select(col(BenefitSpell.target_group))
        .where(col(BenefitSpell.citizen_id) == col(Citizen.id), _current_spell(today))
        .order_by(col(BenefitSpell.start_date).desc())
        .limit(1)
        .correlate(Citizen)
        .scalar_subquery()
    )


def _filtered(
    query: Select[int], text: str, caseworker_id: int | None, backend: str = ""
) -> Select[int]:
    """Citizens not deleted, of the caseload if given, matching every search term.

    A term is a substring of ``search_text`` (names, CPR with and without dash, birth date in
    three forms). How it is found depends on the term, so that each keystroke seeks rather than
    scans (schema 0018): a full CPR number or birth date through the citizen table's own index;
    a term of three characters or more through the trigram index (SQLite FTS5, PostgreSQL
    pg_trgm); a shorter term only filters the rows the others found (``search_terms`` leaves a
    lone short term out)."""
    query = query.where(col(Citizen.deleted_at).is_(None))
    if caseworker_id is not None:
        query = query.where(col(Citizen.caseworker_id) == caseworker_id)
    trigram_terms: list[str] = []
    for term in search_terms(text):
        if len(term) > MAX_SEARCH_CHARS:  # longer than any citizen's search text: no match (and
            return query.where(false())  # SQLite refuses LIKE patterns past 50 000 characters)
        exact = exact_identifier(term)
        if exact is not None:
            column, value = exact
            query = query.where(
                (col(Citizen.cpr) if column == "cpr" else col(Citizen.birth_date)) == value
            )
        elif len(term) >= TRIGRAM and backend == "sqlite":
            trigram_terms.append(term)
        elif len(term) >= TRIGRAM:  # PostgreSQL's trigram index serves LIKE itself
            query = query.where(_holds(term))
        elif backend == "sqlite":  # a filter on the rows found: no index seeks two letters
            query = query.where(_holds(term))
        else:  # not LIKE: PostgreSQL would try the trigram index, which has no two-letter keys
            query = query.where(func.strpos(col(Citizen.search_text), term) > 0)
    if trigram_terms:
        found = sql_text("SELECT rowid FROM citizen_fts WHERE citizen_fts MATCH :phrases")
        query = query.where(col(Citizen.id).in_(found.bindparams(phrases=_phrases(trigram_terms))))
    return query


def _phrases(terms: Sequence[str]) -> str:
    """An FTS5 query matching rows that hold every term as a substring (trigram phrases)."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _holds(term: str) -> ColumnElement[bool]:
    """The citizen's search text holds ``term`` (``LIKE``, the term's own ``%``, ``_`` and ``\\``
    taken as they are)."""
    return col(Citizen.search_text).like(_pattern(term), escape="\\")


#: Shortest term the trigram index can seek.
TRIGRAM = 3

#: The list's name order: the sort key (Danish order), then the list index's next columns, so
#: that walking the index gives it without a sort. ``search_text`` holds the CPR number, so two
#: citizens of the same name always come in the same order, however the rows were found.
NAME_ORDER: list[Any] = [
    byte_order(table_of(Citizen).c.sort_key),
    col(Citizen.deleted_at),
    col(Citizen.search_text),
]


def find_citizen_ids(
    db: Database,
    text: str = "",
    *,
    caseworker_id: int | None = None,
    sort: str = "name",
    descending: bool = False,
    today: date | None = None,
) -> list[int]:
    """Ids of the citizens matching every search term, in the chosen order.

    ``caseworker_id`` limits the list to one caseload; ``None`` means all citizens.
    """
    today = today or local_today()
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    keys_by_sort: dict[str, list[Any]] = {
        # The list index (sort key, deleted, search text, caseworker) covers the search: walking it
        # in order filters and sorts in one pass, without reading the citizen rows.
        # byte_order: the key's byte order is the Danish order, whatever the server's collation.
        "name": NAME_ORDER,
        "cpr": [col(Citizen.cpr)],
        "birth_date": [col(Citizen.birth_date)],
        "benefit": [_benefit_subquery(today)],
        "caseworker": [
            select(col(Caseworker.initials))
            .where(col(Caseworker.id) == col(Citizen.caseworker_id))
            .correlate(Citizen)
            .scalar_subquery()
        ],
    }
    keys = keys_by_sort[sort]
    order = [key.desc() if descending else key.asc() for key in keys]
    if sort in ("benefit", "caseworker"):  # rows without a value last, whatever the direction
        order = [key.is_(None) for key in keys] + order
    if sort != "name":  # the name order breaks its ties by the index's own next columns
        order.append(col(Citizen.id).desc() if descending else col(Citizen.id).asc())
    query = _filtered(select(col(Citizen.id)), text, caseworker_id, db.backend).order_by(*order)
    with translating_errors(db), db.engine.connect() as conn:
        # Plain ints straight from the driver's cursor: SQLAlchemy's row objects would double
        # the time of a broad search (100 000 ids: 24 ms instead of 41).
        ids = first_column(conn.execute(query).cursor)
        if caseworker_id is None and not db.is_sqlite and not (ids and _one_cpr(text)):
            ids.extend(i for i in _found_by_cpr(db, conn, text) if i not in ids)
        return ids


def _one_cpr(text: str) -> bool:
    """Whether the search is one whole CPR number: found by the query (``ids`` not empty), the
    citizen is the one ``minplan_find_citizen`` would find, so it need not be asked (it reads
    every citizen: 150 ms at 100 000)."""
    terms = search_terms(text)
    exact = exact_identifier(terms[0]) if len(terms) == 1 else None
    return exact is not None and exact[0] == "cpr"


#: Citizens a team server's row-level security hides, found by their complete CPR number, keyed
#: by (engine, citizen id): what the list shows of them until the glass is broken.
_FOUND: dict[tuple[int, int], CitizenRow] = {}


def _found_by_cpr(db: Database, conn: Connection, text: str) -> list[int]:
    """On a team server: the citizen with exactly this CPR number, though not in the login's
    caseload (``minplan_find_citizen``), so that a caseworker can open them with a reason."""
    if not _may_find_by_cpr(text):
        return []
    has = conn.exec_driver_sql("SELECT to_regproc('minplan_find_citizen') IS NOT NULL").scalar()
    if not has:
        return []
    found = []
    for row in conn.execute(sql_text("SELECT * FROM minplan_find_citizen(:c)"), {"c": text}):
        _FOUND[(id(db.engine), row.id)] = CitizenRow(
            row.id,
            row.first_name,
            row.last_name,
            row.cpr,
            row.birth_date,
            None,
            None,
            row.caseworker,
        )
        found.append(row.id)
    return found


def _may_find_by_cpr(text: str) -> bool:
    """Whether the search is ten digits a team server looks up beyond the caseload."""
    return len(text.strip()) <= 11 and sum(c.isdigit() for c in text) == 10


def count_citizens(db: Database, *, caseworker_id: int | None = None) -> int:
    query = _filtered(select(func.count()).select_from(Citizen), "", caseworker_id, db.backend)
    with translating_errors(db), db.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def fetch_citizen_rows(
    db: Database, ids: Sequence[int], *, today: date | None = None
) -> dict[int, CitizenRow]:
    """The visible columns of the given citizens (one query), keyed by id."""
    if not ids:
        return {}
    today = today or local_today()
    spell = (
        select(
            col(BenefitSpell.citizen_id),
            col(BenefitSpell.target_group),
            col(BenefitSpell.start_date),
        )
        .where(col(BenefitSpell.citizen_id).in_(ids), _current_spell(today))
        .order_by(col(BenefitSpell.start_date))
    )
    query = (
        select(
            col(Citizen.id),
            col(Citizen.first_name),
            col(Citizen.last_name),
            col(Citizen.cpr),
            col(Citizen.birth_date),
            col(Caseworker.initials),
        )
        .outerjoin(Caseworker, col(Caseworker.id) == col(Citizen.caseworker_id))
        .where(col(Citizen.id).in_(ids))
    )
    with translating_errors(db), db.engine.connect() as conn:
        current: dict[int, tuple[str | None, date | None]] = {
            row.citizen_id: (row.target_group, row.start_date) for row in conn.execute(spell)
        }
        rows = conn.execute(query).all()
    shown = {
        row.id: CitizenRow(
            row.id,
            row.first_name,
            row.last_name,
            row.cpr,
            row.birth_date,
            *current.get(row.id, (None, None)),
            row.initials,
        )
        for row in rows
    }
    for citizen_id in ids:  # hidden by the server, found by their CPR number
        if citizen_id not in shown and (id(db.engine), citizen_id) in _FOUND:
            shown[citizen_id] = _FOUND[(id(db.engine), citizen_id)]
    return shown
