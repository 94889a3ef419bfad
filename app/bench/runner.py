"""One benchmark run: for each backend and size, a cached demo database copied, then every figure.

The order matters a little: the CSV bundle is exported before anything writes to the copy, and
the GUI processes run before the bench's own process has filled the OS cache with its queries
(the database file is warm either way after the copy).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.bench import cache, core, gui, machine, team_login
from app.bench.defaults import DEFAULT_AS_OF, DEFAULT_SIZES, PARTS
from app.bench.duck import FteComparison, compare_fte
from app.bench.figures import Figure
from app.bench.memory import peak_rss_mb, reset_peak
from app.i18n import N_, _
from app.store.engine import Database, open_sqlite, open_url
from app.store.migrations import upgrade

log = logging.getLogger(__name__)

#: Imports bigger than this are not measured (the bundle's files would be too big to keep).
IMPORT_LIMIT = 300_000

Say = Callable[[str], None]


@dataclass
class Options:
    sizes: tuple[int, ...] = DEFAULT_SIZES
    seed: int = 1
    as_of: date = DEFAULT_AS_OF
    database_url: str | None = None
    backends: tuple[str, ...] = ("sqlite",)
    cache_dir: Path = field(default_factory=cache.default_cache_dir)
    batch: int = 1000
    runs: int = 3
    do_import: bool = True
    #: The groups of ``PARTS`` to measure (``--only``); all of them by default.
    only: tuple[str, ...] = PARTS

    def wants(self, part: str) -> bool:
        return part in self.only and (part != "import" or self.do_import)

    @property
    def words(self) -> int:
        """Names, CPR numbers and birth dates typed into the search field: four per repetition."""
        return 4 * self.runs

    def as_json(self) -> dict[str, Any]:
        return {
            "sizes": list(self.sizes),
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "backends": list(self.backends),
            "batch": self.batch,
            "runs": self.runs,
            "search_inputs": self.words,
            "import": self.do_import,
            "only": list(self.only),
        }


@dataclass
class Run:
    backend: str
    citizens: int
    database: str
    generated_s: float | None
    figures: list[Figure] = field(default_factory=list)
    fte: FteComparison | None = None
    gui: dict[str, Any] = field(default_factory=dict)
    #: team server: the caseworker whose login the desk's figures acted as (None: the owner's)
    acting_as: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "citizens": self.citizens,
            "database": self.database,
            "from_cache": self.generated_s is None,
            "generated_s": self.generated_s,
            "figures": [f.as_json() for f in self.figures],
            "duckdb": self.fte.as_json() if self.fte else None,
            "gui": self.gui,
            "acting_as": self.acting_as,
        }


def run_all(options: Options, say: Say) -> dict[str, Any]:
    started = datetime.now(UTC)
    about = machine.describe()
    runs: list[Run] = []
    server = (
        cache.Server(options.database_url)  # type: ignore[arg-type]  # the CLI requires a URL for PostgreSQL
        if "postgresql" in options.backends
        else None
    )
    try:
        if server is not None:
            about["postgresql"] = server.version()
        for backend in options.backends:
            for size in options.sizes:
                runs.append(_one(options, backend, size, server, say))
    finally:
        if server is not None:
            server.dispose()
    about["load_average_at_end"] = machine.load_average()
    figures = [f for r in runs for f in r.figures if f.passed is not None]
    return {
        "schema": 1,
        "measured_at": started.isoformat(timespec="seconds"),
        "machine": about,
        "options": options.as_json(),
        "runs": [r.as_json() for r in runs],
        "summary": {
            "targets": len(figures),
            "met": sum(1 for f in figures if f.passed),
            "missed": sorted({f"{f.id}:{f.citizens}" for f in figures if not f.passed}),
            "fte_agrees": all(r.fte.agree is not False for r in runs if r.fte),
        },
    }


def _progress(say: Say, what: str) -> Callable[[int, int, str], bool]:
    step = {"last": -1}

    def report(done: int, total: int, _name: str = "") -> bool:
        tenth = 10 * done // max(1, total)
        if tenth != step["last"]:
            step["last"] = tenth
            say(f"{what}: {10 * tenth} %")
        return True

    return report


def _one(options: Options, backend: str, size: int, server: cache.Server | None, say: Say) -> Run:
    spec = cache.DemoSpec(size, options.seed, options.as_of)
    shown = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    where = _("{backend}, {n} citizens").format(backend=shown, n=size)
    say(_("{where}: preparing the demo database (cached between runs)").format(where=where))
    progress = _progress(say, _("{where}: generating").format(where=where))
    memory_before = reset_peak()
    with tempfile.TemporaryDirectory(prefix="minplan-bench-") as scratch:
        folder = Path(scratch)
        work_name = f"minplan_bench_work_{os.getpid()}"
        if backend == "sqlite":
            cached, generated = cache.cached_sqlite(spec, options.cache_dir, progress)
            db = open_sqlite(cache.sqlite_work_copy(cached, folder), create=False)
            run = Run(backend, size, str(cached), generated)
            child = gui.Where(path=db.path)
        else:
            assert server is not None
            cached_name, generated = cache.cached_postgres(server, spec, progress)
            db = cache.open_work_copy_pg(server, cached_name, work_name)
            run = Run(backend, size, server.describe(cached_name), generated)
            child = gui.Where(url=server.url_of(work_name))
        if generated is not None:
            run.figures.append(Figure("generate", generated, "s", size))
            peak = peak_rss_mb() if memory_before is not None else None
            if (
                peak is not None
            ):  # the streaming generator's bound (issue #19: <= 2 GB at 1 000 000)
                run.figures.append(Figure("generate_peak_memory", round(peak, 1), "MB", size))
        try:
            _measure(options, run, db, child, folder, server, say, where)
        finally:
            db.dispose()
            if server is not None and backend != "sqlite":
                server.drop(work_name)
    return run


def _measure(
    options: Options,
    run: Run,
    db: Database,
    child: gui.Where,
    folder: Path,
    server: cache.Server | None,
    say: Say,
    where: str,
) -> None:
    size, as_of = run.citizens, options.as_of
    bundle = None
    if options.wants("import") and size <= IMPORT_LIMIT:
        say(_("{where}: exporting a CSV bundle (cached)").format(where=where))
        bundle = core.export_once(
            db, options.cache_dir / f"bundle-{cache.DemoSpec(size, options.seed, as_of).key()}"
        )
    cache.checkpoint(db)
    caseload_db, initials = db, ""
    if options.wants("start") or options.wants("gui") or options.wants("deadlines"):
        _worker, initials, _n = core.busiest_caseworker(db)
        if child.url is not None:  # a team server: the desk's figures as that caseworker's login
            acting = team_login.acting_as_caseworker(db, child.url, initials)
            if acting is not None:
                child, caseload_db, run.acting_as = (
                    gui.Where(url=acting),
                    open_url(acting),
                    initials,
                )
    settle()
    try:
        _measure_parts(
            options, run, db, caseload_db, child, initials, folder, server, say, where, bundle
        )
    finally:
        if caseload_db is not db:
            caseload_db.dispose()


def settle() -> None:
    """What was written before (this size's work copy, the previous size's import and its floor:
    gigabytes) goes to the disk before anything is measured, not while the starts are timed: on
    6 Dec 2026 the 300 000-citizen SQLite starts right after the 100 000-citizen import took
    0.40-0.45 s beside a bare window of 0.14-0.21 s (3.1x), and 0.27-0.28 s beside 0.12 s
    (2.4x) on their own, the kernel writing back meanwhile. Where the system has no ``sync``
    (Windows) nothing is done."""
    if hasattr(os, "sync"):
        os.sync()


def _measure_parts(
    options: Options,
    run: Run,
    db: Database,
    caseload_db: Database,
    child: gui.Where,
    initials: str,
    folder: Path,
    server: cache.Server | None,
    say: Say,
    where: str,
    bundle: Path | None,
) -> None:
    """The parts asked for; ``initials``: the caseworker the desk's figures are measured for."""
    size, as_of = run.citizens, options.as_of
    if options.wants("start"):
        say(_("{where}: cold start of the GUI").format(where=where))
        run.figures += gui.cold_start(child, initials, size, options.runs)
    if options.wants("gui"):
        say(_("{where}: citizen list, search and worklist in the GUI").format(where=where))
        figures, run.gui = gui.gui_session(
            child, initials, as_of, size, options.runs, options.words
        )
        run.figures += figures
    if options.wants("deadlines"):
        say(_("{where}: deadlines").format(where=where))
        run.figures += core.deadlines(db, as_of, size, options.runs, caseload_db=caseload_db)
    if options.wants("goals"):
        say(_("{where}: goal plans for a year").format(where=where))
        run.figures += core.goal_plans(db, as_of.year - 1, size)
    if options.wants("fte"):
        say(_("{where}: full-time persons with DuckDB").format(where=where))
        cache.checkpoint(db)
        run.fte = compare_fte(db, core.year_before(as_of), folder, options.runs)
        run.figures += _fte_figures(run.fte, size)
    if options.wants("pdf"):
        say(_("{where}: plans as PDF").format(where=where))
        run.figures += core.plan_pdfs(db, folder, size, options.batch, options.runs, as_of)
    if bundle is not None:
        say(_("{where}: importing the CSV bundle into an empty database").format(where=where))
        with _fresh(db, folder, server, "import") as target:
            with _fresh(db, folder, server, "floor") as floor_target:
                run.figures += core.bundle_import(bundle, target, floor_target, size, as_of)


def _fte_figures(result: FteComparison, size: int) -> list[Figure]:
    if result.status == "not_sqlite":
        return []  # the table says why
    if result.status != "ok":
        notes = {
            "missing": N_("DuckDB is not installed"),
            "failed": N_("DuckDB failed"),
        }
        return [
            Figure("fte_ratio", None, "x", size, detail=result.detail, note=notes[result.status])
        ]
    grouped = result.detail["minplan_grouped_s"]
    memory_s = result.detail.get("duckdb_in_memory_s")
    return [
        Figure(
            "fte_minplan",
            (result.minplan_s or 0) * 1000,
            "ms",
            size,
            floor=(result.duckdb_s or 0) * 1000,
        ),
        Figure(
            "fte_duckdb", (result.duckdb_s or 0) * 1000, "ms", size, detail={"mode": result.mode}
        ),
        Figure(
            "fte_minplan_memory",
            (result.minplan_s or 0) * 1000,
            "ms",
            size,
            floor=None if memory_s is None else memory_s * 1000,
        ),
        Figure(
            "fte_ratio",
            result.ratio,
            "x",
            size,
            detail={"agree": result.agree, "max_difference": result.max_difference},
            note=None if result.agree else N_("the numbers disagree"),
            failed=not result.agree,
        ),
        Figure("fte_minplan_grouped", grouped * 1000, "ms", size),
        Figure("fte_ratio_grouped", grouped / (result.duckdb_s or 1), "x", size),
    ]


@contextmanager
def _fresh(
    db: Database, folder: Path, server: cache.Server | None, what: str
) -> Iterator[Database]:
    """An empty, migrated database of the same kind (and encryption), for the import or its
    floor; removed afterwards."""
    if db.is_sqlite:
        target = open_sqlite(folder / f"{what}.db", encryption=db.encrypted)
        name = None
    else:
        assert server is not None
        name = f"minplan_bench_{what}_{os.getpid()}"
        server.drop(name)
        server.create(name)
        target = open_url(server.url_of(name))
    try:
        upgrade(target, backup=False)
        yield target
    finally:
        target.dispose()
        if name is not None and server is not None:
            server.drop(name)
