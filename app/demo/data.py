"""Writing the synthetic demo jobcenter (see ``app.demo.population``) into a database, fast.

Rows are bulk-inserted table by table in one transaction with ids assigned by the generator, so
5 000 citizens take seconds, not minutes. One audit event records the generation.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import func, select, text

from app.casework.bundle.writer import bulk_insert
from app.casework.core import audit
from app.casework.core.actor import DEMO_MARKER, Actor, system_actor
from app.casework.deadlines import deadline_store
from app.demo.population import Population, stream
from app.domain.dates import local_today, utc_now
from app.domain.errors import MinPlanError
from app.i18n import _
from app.store import statistics
from app.store.cipher import short_id
from app.store.engine import Database, open_sqlite, transaction
from app.store.migrations import upgrade
from app.store.models import AppSetting, Citizen, metadata

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], bool | None]

#: Insert order: parents before children.
#: Raised whenever the generated data changes in a way the source's fingerprint might not show
#: (the bench's cache key includes it).
DEMO_DATA_VERSION = 2

TABLE_ORDER = (
    "caseworker",
    "company",
    "citizen",
    "benefit_spell",
    "plan",
    "milestone",
    "plan_version",
    "offer",
    "employment",
    "conversation",
    "journal_note",
    "company_contact",
    "recruitment_order",
)
VERSIONED = set(TABLE_ORDER) - {"plan_version"}
CHUNK = 2_000


@dataclass(frozen=True)
class DemoSummary:
    citizens: int
    caseworkers: int
    companies: int
    spells: int
    offers: int
    conversations: int
    #: For a new encrypted file: its recovery key (shown once) and short database id.
    recovery_key: str | None = field(default=None, repr=False)
    database_id: str | None = None

    def __str__(self) -> str:
        return _(
            "{citizens} citizens, {caseworkers} caseworkers, {companies} companies, {spells} benefit spells, "
            "{offers} offers, {conversations} conversations"
        ).format(**self.__dict__)


def populate(
    db: Database,
    actor: Actor,
    *,
    citizens: int,
    seed: int,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with a synthetic jobcenter (refuses one that holds citizens)."""
    if citizens < 1:
        raise MinPlanError("Give at least one citizen")
    as_of = as_of or local_today()
    # Streamed: the rows of a batch of citizens are written and forgotten before the next batch
    # is made, so 1 000 000 citizens need no more memory than 20 000 (issue #19).
    population, batches = stream(citizens, seed, as_of)
    now = utc_now()
    with transaction(db) as session:
        if session.execute(select(func.count()).select_from(Citizen)).scalar_one():
            raise MinPlanError(
                "The database already holds citizens; demo data goes into an empty database only"
            )
        for tables in batches:
            for name in TABLE_ORDER:
                table = metadata.tables[name]
                rows = tables.get(name, [])
                for row in rows:
                    if name in VERSIONED:
                        row.update(version=1, created_at=now, updated_at=now)
                for start in range(0, len(rows), CHUNK):
                    bulk_insert(session.connection(), table, rows[start : start + CHUNK])
            tables.clear()
            done = population.count("citizen")
            if progress and progress(done, citizens, "citizen") is False:
                raise MinPlanError("Stopped; nothing was written")
        if db.backend == "postgresql":
            _advance_sequences(session, population)
        # Core inserts bypass the session's bookkeeping: compute every requirement once here.
        deadline_store.rebuild(session.connection(), today=max(as_of, local_today()))
        summary = _summary(population)
        # Marks the database as synthetic: anyone may try any user on it (see actor.py).
        session.add(AppSetting(key=DEMO_MARKER, value=json.dumps({"seed": seed})))
        for key, value in _goal_plan_settings(population, as_of).items():
            session.add(AppSetting(key=key, value=json.dumps(value)))
        audit.record(
            session,
            actor,
            "demo_data",
            details={"seed": seed, "as_of": as_of, "citizens": citizens},
        )
    log.info("demo data written: %s citizens (seed %s)", citizens, seed)
    return summary


def _goal_plan_settings(population: Population, as_of: date) -> dict[str, object]:
    """The figures the goal plans need from outside the case data, made up to fit the demo: a
    16–66 population per year about five times the caseload (on support ~15 %), and a kommune
    with half again as many companies of three or more employees as the demo has registered."""
    citizens, companies = population.count("citizen"), population.count("company")
    return {
        "population_16_66": {
            str(year): round(citizens * 5 * (1 + 0.004 * (year - as_of.year)))
            for year in range(as_of.year - 6, as_of.year + 1)
        },
        "companies_above_size": round(companies * 1.5),
    }


def _advance_sequences(session, population: Population) -> None:
    """Ids were given explicitly; move PostgreSQL's sequences past them so later inserts work."""
    for name in TABLE_ORDER:
        if population.count(name):
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                )
            )


def _summary(population: Population) -> DemoSummary:
    return DemoSummary(
        citizens=population.count("citizen"),
        caseworkers=population.count("caseworker"),
        companies=population.count("company"),
        spells=population.count("benefit_spell"),
        offers=population.count("offer"),
        conversations=population.count("conversation"),
    )


def write_demo_database(
    path: Path,
    *,
    citizens: int,
    seed: int,
    force: bool = False,
    progress: Progress | None = None,
    as_of: date | None = None,
    encryption: bool | None = None,
) -> DemoSummary:
    """Create ``path`` as a migrated database holding the demo jobcenter.

    An existing file is replaced only with ``force``; it is never touched otherwise. The file is
    encrypted like any other (``encryption`` as in ``open_sqlite``); its key is found again
    after the rename because it belongs to the file's salt, not to its name.
    """
    path = Path(path)
    if path.exists() and not force:
        raise MinPlanError("{path} exists already; add --force to replace it", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm")):
        leftover.unlink(missing_ok=True)
    db = open_sqlite(temporary, encryption=encryption)
    try:
        upgrade(db, backup=False)
        summary = populate(
            db, system_actor(), citizens=citizens, seed=seed, as_of=as_of, progress=progress
        )
        if db.new_recovery_key is not None and db.encryption is not None:
            summary = replace(
                summary,
                recovery_key=db.new_recovery_key.take(),
                database_id=short_id(db.encryption.database_id or ""),
            )
        statistics.analyse(db)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    for sidecar in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        sidecar.unlink(missing_ok=True)
    temporary.replace(path)  # the old file is replaced only once the new one is complete
    return summary


def ensure_demo_database(
    path: Path, *, citizens: int, seed: int, encryption: bool | None = None
) -> bool:
    """Make the demo database if it is missing; True when it was made now.

    Its recovery key is not shown: the data is synthetic and can be made again."""
    if Path(path).exists():
        return False
    write_demo_database(path, citizens=citizens, seed=seed, encryption=encryption)
    return True
