"""The figures measured in the bench's own process (no window): deadlines, goal plans, plan PDFs
and the import of a CSV bundle. Each calls the same public use-case function the GUI and CLI call."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from app.bench.figures import Figure, median, timed
from app.casework.core.actor import Actor, system_actor
from app.domain.periods import ReportPeriod
from app.i18n import N_
from app.store.engine import Database
from app.store.models import Caseworker, Citizen, Plan

log = logging.getLogger(__name__)


def busiest_caseworker(db: Database) -> tuple[int, str, int]:
    """(id, initials, caseload size) of the active caseworker with the largest caseload."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(
                col(Caseworker.id), col(Caseworker.initials), func.count(col(Citizen.id)).label("n")
            )
            .join(Citizen, col(Citizen.caseworker_id) == col(Caseworker.id))
            .where(col(Caseworker.active), col(Citizen.deleted_at).is_(None))
            .group_by(col(Caseworker.id), col(Caseworker.initials))
            .order_by(func.count(col(Citizen.id)).desc(), col(Caseworker.id))
        ).first()
    if row is None:
        raise LookupError("no caseworker with citizens")
    return int(row.id), str(row.initials), int(row.n)


def deadlines(
    db: Database, as_of: date, citizens: int, runs: int, *, caseload_db: Database | None = None
) -> list[Figure]:
    """All deadlines and one caseload's, each run alternated with its floor: a plain read of the
    same kept requirement rows (the driver's own rows, nothing built from them). The caseload's
    through ``caseload_db`` when given (on a team server: as that caseworker's login)."""
    from app.casework.deadlines.deadlines import deadlines_for

    worker, initials, size = busiest_caseworker(db)
    mine = caseload_db or db
    deadlines_for(db, as_of)  # brings the kept requirements up to date, as the first use in a day
    all_runs: list[float] = []
    floors: list[float] = []
    everything: list = []
    built: list[float] = []
    for _ in range(max(1, runs)):
        # The last run's deadlines go first: hundreds of thousands of live tuples would make the
        # cycle collector rescan them during the floor's read, and flatter the ratio.
        everything = []
        # Each from a new connection, as a command's run is: the floor that followed a run
        # found the end of the table it had just read in SQLite's page cache and read it 0.4 s
        # faster (2.1 s against 2.5 s at 300 000 citizens), as the run did after the floor.
        db.dispose()
        floors.append(timed(lambda: plain_requirement_read(db, as_of))[0])
        db.dispose()
        seconds, everything = timed(lambda: deadlines_for(db, as_of))
        all_runs.append(seconds)
        built.append(timed(partial(every_deadline_made, everything))[0])
    caseload = [timed(lambda: deadlines_for(mine, as_of, caseworker_ids={worker}))]
    caseload += [
        timed(lambda: deadlines_for(mine, as_of, caseworker_ids={worker})) for _ in range(runs * 3)
    ]
    return [
        Figure(
            "deadlines_all",
            median(all_runs),
            "s",
            citizens,
            detail={
                "requirements": len(everything),
                "runs_s": all_runs,
                "floor_runs_s": floors,
            },
            floor=median(floors),
        ),
        # The result makes each deadline when it is asked for: this is the time until every one
        # of them has been (the command line asks for each as it prints it).
        Figure(
            "deadlines_all_made",
            median([run + made for run, made in zip(all_runs, built, strict=True)]),
            "s",
            citizens,
            detail={"made_runs_s": built},
            floor=median(floors),
        ),
        Figure(
            "deadlines_caseload",
            median([s for s, _found in caseload[1:]]) * 1000,
            "ms",
            citizens,
            detail={
                "caseworker": initials,
                "citizens": size,
                "requirements": len(caseload[0][1]),
                "as_their_login": caseload_db is not None,
            },
        ),
    ]


def every_deadline_made(found: Sequence[Any]) -> int:
    """Ask a scope's deadlines for every one of them (as printing them all does)."""
    from app.store.rows import cycle_collection_paused

    with cycle_collection_paused():
        return sum(1 for _item in found)


def plain_requirement_read(db: Database, as_of: date) -> int:
    """The floor of all deadlines: the kept requirement rows ``deadlines_for`` reads, fetched
    under the same conditions (the cycle collector paused, as ``deadlines_for`` does)."""
    from app.casework.deadlines.deadlines import _requirement_queries
    from app.store.rows import cycle_collection_paused

    count = 0
    with cycle_collection_paused(), db.engine.connect() as conn:
        for query in _requirement_queries(as_of, None, False):
            count += len(conn.execute(query).cursor.fetchall())
    return count


def goal_plans(db: Database, year: int, citizens: int) -> list[Figure]:
    """Every shipped goal plan evaluated for the year (as the Mål og indikatorer page does)."""
    from app.casework.goals.goal_evaluation import evaluate
    from app.casework.goals.goal_plans import available_goalplans
    from app.domain.periods import parse_period

    period = parse_period(str(year))
    figures = []
    for plan in available_goalplans():
        seconds, results = timed(partial(evaluate, db, plan, period))
        figures.append(
            Figure(
                "goalplan_year",
                seconds,
                "s",
                citizens,
                params={"plan": plan.id},
                detail={"indicators": len(results), "period": period.label},
            )
        )
    return figures


def plan_pdfs(
    db: Database, folder: Path, citizens: int, batch: int, runs: int, today: date
) -> list[Figure]:
    """One plan as PDF (rendered and recorded as printed, as Ctrl+Shift+S does), and a batch."""
    from app.casework.plan.plan_printing import batch_plans, plan_pdf

    actor = _printing_actor(db)
    with db.engine.connect() as conn:
        ids = list(
            conn.execute(select(col(Plan.citizen_id)).order_by(col(Plan.citizen_id))).scalars()
        )
    if not ids:
        return [Figure("plan_pdf_one", None, "ms", citizens, note=N_("no plans in the database"))]
    from app.bench.floors import minimal_pdf, pdf_pages

    singles = ids[1 : 1 + max(5, runs * 7)] or ids[:1]
    chosen = ids[:batch]
    _state_the_reason(db, actor, sorted({*ids[:1], *singles, *chosen}))
    # Fonts and templates loaded once, as in the GUI.
    first = plan_pdf(db, actor, ids[0], today=today)
    minimal_pdf(pdf_pages(first))
    samples, floors, cpu, floor_cpu = [], [], [], []
    for c in singles:  # each plan alternated with a minimal document of its length
        started = time.process_time()
        seconds, content = timed(partial(plan_pdf, db, actor, c, today=today))
        cpu.append(time.process_time() - started)
        samples.append(seconds)
        pages = pdf_pages(content)
        started = time.process_time()
        floors.append(timed(partial(minimal_pdf, pages))[0])
        floor_cpu.append(time.process_time() - started)
    # The processor time of both beside the wall clock, as for the import: on a shared machine
    # another program's work lands in a few wall-clock samples, much less in processor time
    # (which still counts the commit's fsync as waiting, not working).
    figures = [
        Figure(
            "plan_pdf_one",
            median(samples) * 1000,
            "ms",
            citizens,
            detail={
                "plans": len(samples),
                "mean_ms": sum(samples) / len(samples) * 1000,
                "cpu_ms": round(median(cpu) * 1000, 2),
                "floor_cpu_ms": round(median(floor_cpu) * 1000, 2),
                "cpu_ratio": round(median(cpu) / median(floor_cpu), 2)
                if median(floor_cpu)
                else None,
            },
            floor=median(floors) * 1000,
        )
    ]
    if chosen:
        seconds, result = timed(
            lambda: batch_plans(db, actor, chosen, folder / "plans", today=today)
        )
        figures.append(
            Figure(
                "plan_pdf_batch",
                seconds,
                "s",
                citizens,
                params={"count": len(chosen)},
                detail={"written": len(result.written), "failed": len(result.failed)},
            )
        )
    return figures


#: The reason the bench gives on a team server for opening the demo citizens whose plans it prints.
BENCH_REASON = "Benchmark of Min Plan (minplan bench) on a generated demo database"


def _state_the_reason(db: Database, actor: Actor, citizen_ids: list[int]) -> None:
    """On a team server, opening a citizen outside one's own caseload needs a stated reason, also
    for the database owner's login the bench runs as (schema 0017): the bench opens the citizens
    whose plans it prints once, with its reason (the day's grant, logged), before it measures, as
    a user who breaks the glass first and then prints. Nothing to do on a desk's file."""
    from app.casework.core.reading import read_citizen
    from app.store.audit_chain import server_sealed
    from app.store.engine import transaction

    with transaction(db) as session:
        if not server_sealed(session):
            return
        for citizen_id in citizen_ids:
            read_citizen(session, actor, citizen_id, purpose=BENCH_REASON)


def _printing_actor(db: Database) -> Actor:
    """An administrator of the demo jobcenter: the batch takes plans from every caseload (a
    caseworker may hand out only their own citizens' plans)."""
    from app.store.models import Caseworker

    with db.engine.connect() as conn:
        row = conn.execute(
            select(col(Caseworker.id), col(Caseworker.initials), col(Caseworker.name))
            .where(col(Caseworker.role) == "admin", col(Caseworker.active).is_(True))
            .order_by(col(Caseworker.id))
        ).first()
    if row is None:
        return system_actor()
    return Actor(row.id, row.initials, row.name, "admin", "bench")


def bundle_import(
    bundle: Path, target: Database, floor_target: Database | None, citizens: int, today: date
) -> list[Figure]:
    """Import an exported CSV bundle into a fresh, migrated database (read, check, write), and
    the process's peak resident memory while doing so (the peak is reset just before; the
    growth is in the detail): the import streams the files, so it stays bounded. Then its
    floor: the rows the import wrote, copied into ``floor_target`` (another fresh database of
    the same schema) with the driver's bare ``executemany``."""
    from app.bench.floors import bare_copy
    from app.bench.memory import peak_rss_mb, reset_peak
    from app.casework.bundle.importer import import_bundle

    before = reset_peak()
    cpu = time.process_time()
    seconds, report = timed(lambda: import_bundle(target, system_actor(), bundle, today=today))
    cpu = time.process_time() - cpu
    peak = peak_rss_mb() if before is not None else None
    memory = Figure(
        "import_peak_memory",
        None if peak is None else round(peak, 1),
        "MB",
        citizens,
        params={"count": report.counts.get("citizens.csv", 0)},
        detail={
            "rss_before_mb": before,
            "growth_mb": None if peak is None or before is None else round(peak - before, 1),
        },
        note=None if peak is not None else N_("this platform cannot reset the peak"),
    )
    figure = _import_figure(report, seconds, citizens)
    if floor_target is not None and report.ok:
        floor_s, rows, floor_cpu = bare_copy(target, floor_target)
        figure.floor = floor_s
        # The processor time of both beside the wall clock: on a shared machine the load can
        # change between the import and its floor, the processor time much less.
        figure.detail.update(
            floor_rows=rows,
            rows_per_s=round(rows / seconds),
            cpu_s=round(cpu, 1),
            floor_cpu_s=round(floor_cpu, 1),
            cpu_ratio=round(cpu / floor_cpu, 2) if floor_cpu else None,
        )
    return [figure, memory]


def _import_figure(report, seconds: float, citizens: int) -> Figure:
    return Figure(
        "import_bundle",
        seconds if report.ok else None,
        "s",
        citizens,
        params={"count": report.counts.get("citizens.csv", 0)},
        detail={"rows": sum(report.counts.values()), "problems": len(report.problems)},
        note=None if report.ok else N_("the import reported problems"),
        failed=not report.ok,
    )


def export_once(db: Database, bundle: Path) -> Path:
    """Export the database as a CSV bundle (``minplan export``) unless the cache has it already."""
    from app.casework.bundle.exporter import export_bundle

    if bundle.exists():
        return bundle
    building = bundle.with_name(bundle.name + ".new")
    if building.exists():
        import shutil

        shutil.rmtree(building)
    export_bundle(db, system_actor(), building)
    building.replace(bundle)
    return bundle


def year_before(as_of: date) -> ReportPeriod:
    from app.domain.periods import parse_period

    return parse_period(str(as_of.year - 1))
