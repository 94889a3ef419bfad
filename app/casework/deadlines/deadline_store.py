"""Requirements kept in the database, so that a whole jobcenter's deadlines are read, not recomputed.

The engine's day-independent first step (``app.domain.deadlines.requirements``) is kept in the
``requirement`` table, and each § 9 period at 6 months' seniority in ``count_period`` (for STAR's
follow-up figures). They are never stale:

- any session that changes a citizen's spells, conversations, offers or the citizen row replaces
  that citizen's rows just before it commits, in the same transaction (a session hook, installed
  for every session), so a conversation recorded as held takes its requirement off the worklist at
  the same moment it is saved;
- bulk writers (the CSV import, the demo generator) call ``refresh`` or ``rebuild`` themselves;
- ``ensure_current`` rebuilds every row when the rules (or the engine) changed — a fingerprint
  of the rules is kept beside the rows — or when periodic requirements must be generated further
  ahead than the kept ``horizon``.

Concurrent writers on PostgreSQL are kept apart by locking the citizen's row before its
requirements are replaced, and by a rebuild locking the whole table; SQLite has one writer anyway.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, delete, event, insert, select
from sqlmodel import Session, col

from app.casework.deadlines.deadline_facts import (
    WrittenFacts,
    chunks,
    load_facts,
)
from app.casework.deadlines.deadline_rule_files import load_rule_sets
from app.domain.count_periods import periods_of
from app.domain.dates import local_today
from app.domain.deadlines import (
    ASSESSMENT_LEAD_DAYS,
    CitizenFacts,
    PeriodSummary,
    Requirement,
    RuleBook,
    period_summaries,
    requirements,
)
from app.store import bulk
from app.store.bulk_load import indexes_built_after
from app.store.engine import Database, transaction
from app.store.kept_deadlines import requirements_current, rules_fingerprint
from app.store.models import (
    BenefitSpell,
    Citizen,
    Conversation,
    KeptPeriod,
    Offer,
    RequirementState,
    StoredRequirement,
    table_of,
)
from app.store.row_values import id_column
from app.store.rows import cycle_collection_paused

log = logging.getLogger(__name__)

#: Periodic requirements are generated this far beyond today; a rebuild moves the horizon on.
HORIZON_DAYS = ASSESSMENT_LEAD_DAYS + 400
INSERT_CHUNK = 5_000
_PENDING = "minplan_deadline_citizens"

Progress = Callable[[int, int], None]
_table = table_of(StoredRequirement)
_periods = table_of(KeptPeriod)
#: The tables kept here: an import into an empty database fills them with their indexes built
#: after the rows (``bulk_load``).
TABLES = (_table.name, _periods.name)


def _current_rules() -> RuleBook:
    return load_rule_sets().book


def _extra_text(extra: tuple[tuple[str, Any], ...]) -> str | None:
    if not extra:
        return None
    try:  # a few dozen distinct parameter sets recur across a jobcenter's requirements
        return _extra_json(extra)
    except TypeError:  # a parameter that cannot be a key (a list): written as it is
        return _json_of(extra)


def _json_of(extra: tuple[tuple[str, Any], ...]) -> str:
    return json.dumps({k: v.isoformat() if isinstance(v, date) else v for k, v in extra})


_extra_json = lru_cache(maxsize=4096)(_json_of)


def _rows(citizen_id: int, found: Iterable[Requirement]) -> list[dict[str, Any]]:
    return [
        {
            "citizen_id": citizen_id,
            "rule_set": r.rule_set,
            "rule_id": r.rule.id,
            "kind": r.rule.kind,
            "target_group": r.target_group,
            "period_start": r.period_start,
            "exempt_75": r.exempt_75,
            "window_start": r.window_start,
            "due": r.due,
            "required": r.required,
            "met_on": r.met_on,
            "days": ",".join(d.isoformat() for d in r.days),
            "extra": _extra_text(r.extra),
        }
        for r in found
    ]


def _period_rows(citizen_id: int, found: Iterable[PeriodSummary]) -> list[dict[str, Any]]:
    return [
        {
            "citizen_id": citizen_id,
            "family": p.family,
            "target_group": p.target_group,
            "period_start": p.period_start,
            "six_months_on": p.six_months_on,
            "conversations_by_six": p.conversations_by_six,
            "first_offer_on": p.first_offer_on,
            "exempt_75": p.exempt_75,
        }
        for p in found
    ]


class _Writer:
    """Collects rows of both tables and inserts them in chunks."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.requirements: list[dict[str, Any]] = []
        self.periods: list[dict[str, Any]] = []
        self.total = 0

    def add(self, citizen_id: int, facts: CitizenFacts, rules: RuleBook, horizon: date) -> None:
        periods = periods_of(facts.spells, rules.periods)  # once for both: a tenth of the engine
        self.requirements.extend(_rows(citizen_id, requirements(facts, rules, horizon, periods)))
        self.periods.extend(_period_rows(citizen_id, period_summaries(facts, rules, periods)))
        if len(self.requirements) >= INSERT_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.requirements:  # the driver's executemany: a rebuild writes a million rows
            bulk.insert_rows(self.conn, _table, self.requirements)
            self.total += len(self.requirements)
        if self.periods:
            bulk.insert_rows(self.conn, _periods, self.periods)
        self.requirements, self.periods = [], []


def _state(conn: Connection) -> RequirementState | None:
    row = conn.execute(select(RequirementState).order_by(col(RequirementState.id))).first()
    return RequirementState(**row._mapping) if row else None


#: Citizens whose facts are held at once while their requirements are rebuilt or refreshed.
REBUILD_SLICE = 20_000


def refresh(
    conn: Connection,
    citizen_ids: Iterable[int],
    rules: RuleBook | None = None,
    *,
    written: WrittenFacts | None = None,
) -> None:
    """Replace the kept rows of these citizens, inside the caller's transaction.

    ``written``: the facts of the citizens the caller has just added (an import), taken from the
    rows it wrote instead of read back; the other citizens' facts are read."""
    ids = sorted({i for i in citizen_ids if i is not None})
    if not ids:
        return
    book = rules or _current_rules()
    state = _state(conn)
    horizon = state.horizon if state else local_today() + timedelta(days=HORIZON_DAYS)
    for part in chunks(ids):
        # Lock the citizens first (PostgreSQL; SQLite has one writer), then delete, then read the
        # facts: a concurrent refresh of the same citizen waits here and then sees our commit.
        # FOR NO KEY UPDATE, because the writer's own inserts hold FOR KEY SHARE on the citizen:
        # a plain FOR UPDATE would deadlock two desks writing for the same citizen.
        locked = select(col(Citizen.id)).where(col(Citizen.id).in_(part))
        conn.execute(locked.with_for_update(key_share=True))
        conn.execute(delete(_table).where(_table.c.citizen_id.in_(part)))
        conn.execute(delete(_periods).where(_periods.c.citizen_id.in_(part)))
    writer = _Writer(conn)
    with cycle_collection_paused():  # as a rebuild: an import refreshes every citizen it brought
        for part in chunks(ids, REBUILD_SLICE):
            for citizen_id, facts in _facts_of(conn, part, written).items():
                writer.add(citizen_id, facts, book, horizon)
        writer.flush()


def _facts_of(
    conn: Connection, citizen_ids: list[int], written: WrittenFacts | None
) -> dict[int, CitizenFacts]:
    """The facts of these (sorted) citizens in their order, as ``load_facts`` reads them; those
    of citizens ``written`` covers from the rows just written."""
    if written is None:
        return load_facts(conn, citizen_ids)
    found = load_facts(conn, [i for i in citizen_ids if not written.covers(i)])
    found.update(written.take(i for i in citizen_ids if written.covers(i)))
    return dict(sorted(found.items()))


def rebuild(
    conn: Connection,
    rules: RuleBook | None = None,
    *,
    today: date | None = None,
    progress: Progress | None = None,
) -> int:
    """Recompute every citizen's kept rows inside the caller's transaction; returns the count of
    requirements."""
    book = rules or _current_rules()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE requirement IN EXCLUSIVE MODE")
        conn.exec_driver_sql("LOCK TABLE count_period IN EXCLUSIVE MODE")
    horizon = (today or local_today()) + timedelta(days=HORIZON_DAYS)
    conn.execute(delete(_table))
    conn.execute(delete(_periods))
    # Every citizen not deleted, a slice of facts at a time: memory stays bounded (a national
    # database holds a million citizens).
    everybody = list(
        conn.execute(
            select(id_column(Citizen))
            .where(col(Citizen.deleted_at).is_(None))
            .order_by(col(Citizen.id))
        ).scalars()
    )
    writer = _Writer(conn)
    n = 0
    # The tables were just emptied: on SQLite their indexes are built once, after the rows.
    with indexes_built_after(conn, TABLES), cycle_collection_paused():
        for part in chunks(everybody, REBUILD_SLICE):
            for citizen_id, citizen_facts in load_facts(conn, part).items():
                writer.add(citizen_id, citizen_facts, book, horizon)
                n += 1
                if progress and n % 5_000 == 0:
                    progress(n, len(everybody))
        writer.flush()
    conn.execute(delete(RequirementState))
    conn.execute(
        insert(table_of(RequirementState)),
        [{"rules_fingerprint": rules_fingerprint(book), "horizon": horizon}],
    )
    log.info("%d requirements rebuilt for %d citizens", writer.total, n)
    return writer.total


def is_current(conn: Connection, rules: RuleBook, as_of: date | None = None) -> bool:
    """Whether the kept requirements follow these rules and reach far enough for ``as_of``."""
    state = _state(conn)
    return state is not None and requirements_current(
        state.rules_fingerprint, state.horizon, rules, as_of
    )


def sees_every_citizen(conn: Connection) -> bool:
    """Whether this login sees every citizen (always on SQLite; on a team server the owner, a
    superuser or an administrator's login — row-level security limits everybody else)."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(
        conn.exec_driver_sql(
            "SELECT CASE WHEN NOT c.relrowsecurity OR r.rolsuper OR r.rolbypassrls"
            " OR pg_has_role(current_user, d.datdba, 'MEMBER') THEN true"
            " ELSE pg_has_role('minplan_admin', 'USAGE') END"
            " FROM pg_class c, pg_roles r, pg_database d"
            " WHERE c.relname = 'citizen' AND c.relkind IN ('r', 'p')"
            " AND r.rolname = current_user AND d.datname = current_database()"
        ).scalar()
    )


def ensure_current(db: Database, rules: RuleBook, as_of: date | None = None) -> bool:
    """Rebuild the kept requirements when the rules changed or the horizon is too near.

    Returns True when a rebuild was needed. On a shared PostgreSQL server every desk must use the
    same rule files (README, "Team deployment"), or desks would rebuild in turn.
    """
    with transaction(db) as session:
        conn = session.connection()
        if is_current(conn, rules, as_of):
            return False
        if not sees_every_citizen(conn):
            # row-level security: a caseworker's or team lead's login would rebuild only its own
            # citizens and mark the whole table current; the owner or an administrator rebuilds
            log.warning("kept requirements follow older rules; an administrator's start rebuilds")
            return False
        log.warning("kept requirements do not follow the rules in force; rebuilding")
        rebuild(conn, rules, today=max(local_today(), as_of or local_today()))
        return True


# --- keeping them current as use cases write ------------------------------------------------------
_WATCHED = (BenefitSpell, Conversation, Offer)


def _note_changes(session: Session, _context: object, _instances: object) -> None:
    pending: set[int] = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _WATCHED):
            pending.add(obj.citizen_id)
        elif isinstance(obj, Citizen) and obj.id is not None:
            pending.add(obj.id)


def _refresh_before_commit(session: Session) -> None:
    # Commit runs this hook before its own final flush: flush now so every change is noted.
    if session.new or session.dirty or session.deleted:
        session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        refresh(session.connection(), pending)


def _forget(session: Session, *_: object) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Keep requirements current in every session (idempotent)."""
    if not event.contains(Session, "before_flush", _note_changes):
        event.listen(Session, "before_flush", _note_changes)
        event.listen(Session, "before_commit", _refresh_before_commit)
        event.listen(Session, "after_rollback", _forget)
