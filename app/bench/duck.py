"""``fte`` for every target group with DuckDB reading the same SQLite file: a reference for how
fast the aggregation can be, and an independent check of Min Plan's numbers.

DuckDB is optional (``pip install -e ".[bench]"``). Its ``sqlite_scanner`` extension is loaded
from the ``duckdb-extension-sqlite-scanner`` package, never downloaded; where it cannot be loaded,
the spells are read through Python into a DuckDB table instead, and the result says so. DuckDB
cannot read an SQLCipher file: an unencrypted copy is made for the benchmark (synthetic data only).
"""

from __future__ import annotations

import csv
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.bench.figures import median, repeat
from app.domain.codes import TARGET_GROUPS
from app.domain.periods import ReportPeriod
from app.reports.measures import fte_day_sum, fte_day_sums_by_group
from app.store.engine import SQLITE_HEADER, Database

log = logging.getLogger(__name__)

INSTALL_HINT = 'pip install -e ".[bench]"'
#: Min Plan's and DuckDB's figures must agree this closely (full-time persons).
TOLERANCE = 1e-9

SCANNER = "sqlite_scanner"
PYTHON_COPY = "python_copy"


@dataclass
class FteComparison:
    status: str  # ok / missing / not_sqlite / failed
    mode: str | None = None  # sqlite_scanner / python_copy
    minplan: dict[str, float] = field(default_factory=dict)
    duckdb: dict[str, float] = field(default_factory=dict)
    minplan_s: float | None = None
    duckdb_s: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def max_difference(self) -> float | None:
        if not self.minplan or not self.duckdb:
            return None
        return max(abs(self.minplan[g] - self.duckdb.get(g, 0.0)) for g in self.minplan)

    @property
    def agree(self) -> bool | None:
        difference = self.max_difference
        return None if difference is None else difference <= TOLERANCE

    @property
    def ratio(self) -> float | None:
        if not self.minplan_s or not self.duckdb_s:
            return None
        return self.minplan_s / self.duckdb_s

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "mode": self.mode,
            "groups": {
                g: {"minplan": self.minplan.get(g), "duckdb": self.duckdb.get(g)}
                for g in self.minplan
            },
            "max_difference": self.max_difference,
            "agree": self.agree,
            "tolerance": TOLERANCE,
            "minplan_s": self.minplan_s,
            "duckdb_s": self.duckdb_s,
            "ratio": self.ratio,
            "detail": self.detail,
        }


def minplan_fte(db: Database, period: ReportPeriod) -> dict[str, float]:
    """Min Plan's own query, one per group as a goal plan runs it; unrounded."""
    return {g: fte_day_sum(db, period, [g])[0] / period.days for g in TARGET_GROUPS}


def minplan_fte_grouped(db: Database, period: ReportPeriod) -> dict[str, float]:
    """The same figures from one grouped query, the shape DuckDB's query has."""
    days = fte_day_sums_by_group(db, period)
    return {g: days.get(g, 0.0) / period.days for g in TARGET_GROUPS}


def plaintext_file(db: Database, folder: Path) -> Path:
    """The SQLite file DuckDB can read: the database itself, or for an SQLCipher-encrypted one an
    unencrypted copy made for the benchmark (``sqlcipher_export``)."""
    assert db.path is not None
    with db.path.open("rb") as handle:
        if handle.read(16) == SQLITE_HEADER:
            return db.path
    copy = folder / "plaintext-copy-for-duckdb.db"
    copy.unlink(missing_ok=True)
    with db.engine.connect() as conn:
        conn.exec_driver_sql(f"ATTACH DATABASE '{copy}' AS plaintext KEY ''")
        conn.exec_driver_sql("SELECT sqlcipher_export('plaintext')")
        conn.exec_driver_sql("DETACH DATABASE plaintext")
    return copy


def _scanner_path(duckdb: Any) -> Path | None:
    try:
        import duckdb_extension_sqlite_scanner as package
    except ImportError:
        return None
    path = (
        Path(package.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / "sqlite_scanner.duckdb_extension"
    )
    return path if path.exists() else None


def _extension_sources(duckdb: Any) -> list[str | Path]:
    """Where the sqlite extension may be: installed for DuckDB already, or the PyPI package."""
    package = _scanner_path(duckdb)
    return ["sqlite_scanner"] + ([package] if package else [])


def _connect(sqlite_file: Path, folder: Path) -> tuple[Any, str, dict[str, Any]]:
    """A DuckDB connection with the spells reachable as ``spells``; the mode and notes."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("SET autoinstall_known_extensions = false")  # never reach for the network
    con.execute("SET autoload_known_extensions = false")
    notes: dict[str, Any] = {"duckdb": duckdb.__version__}
    failures = []
    for source in _extension_sources(duckdb):
        try:
            con.execute(f"LOAD '{source}'" if isinstance(source, Path) else f"LOAD {source}")
            notes["extension"] = str(source)
            break
        except duckdb.Error as error:
            failures.append(str(error).splitlines()[0])
    else:
        notes["load_errors"] = failures
    if "extension" in notes:
        con.execute(f"ATTACH '{sqlite_file}' AS minplan (TYPE sqlite, READ_ONLY)")
        con.execute(f"CREATE VIEW spells AS {LIVE_SPELLS.format(schema='minplan.')}")
        return con, SCANNER, notes
    # No extension: copy the four columns through Python into a native DuckDB table.
    import time

    started = time.perf_counter()
    dump = folder / "spells-for-duckdb.csv"
    with sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True) as source_conn:
        with dump.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(("target_group", "start_date", "end_date"))
            writer.writerows(
                source_conn.execute(
                    "SELECT target_group, start_date, end_date FROM "
                    f"({LIVE_SPELLS.format(schema='')})"
                )
            )
    con.execute(
        "CREATE TABLE spells AS SELECT * FROM read_csv(?, header = true, "
        "columns = {'target_group': 'VARCHAR', 'start_date': 'DATE', 'end_date': 'DATE'})",
        [str(dump)],
    )
    notes["copy_s"] = time.perf_counter() - started
    return con, PYTHON_COPY, notes


#: The spells Min Plan counts: those of citizens not deleted (as ``measures._live``).
LIVE_SPELLS = (
    "SELECT * FROM {schema}benefit_spell WHERE citizen_id NOT IN "
    "(SELECT id FROM {schema}citizen WHERE deleted_at IS NOT NULL)"
)

#: Days on each benefit within the period, per target group, in one pass.
DUCKDB_FTE = """
SELECT target_group,
       SUM(date_diff('day', greatest(CAST(start_date AS DATE), $first),
                            least(coalesce(CAST(end_date AS DATE), $last), $last)) + 1) AS days
FROM {table}
WHERE CAST(start_date AS DATE) <= $last
  AND (end_date IS NULL OR CAST(end_date AS DATE) >= $first)
GROUP BY target_group
"""


def duckdb_fte(con: Any, period: ReportPeriod, table: str = "spells") -> dict[str, float]:
    query = DUCKDB_FTE.format(table=table)
    rows = con.execute(query, {"first": period.start, "last": period.end}).fetchall()
    days = {group: float(total) for group, total in rows}
    return {g: days.get(g, 0.0) / period.days for g in TARGET_GROUPS}


def compare_fte(db: Database, period: ReportPeriod, folder: Path, runs: int) -> FteComparison:
    """Both computations timed (median of ``runs`` after one warm-up) and their results side by side."""
    if not db.is_sqlite or db.path is None:
        return FteComparison("not_sqlite")
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return FteComparison("missing", detail={"install": INSTALL_HINT})
    result = FteComparison("ok")
    result.minplan = minplan_fte(db, period)  # also the warm-up: the file is in the OS cache
    result.minplan_s = median(repeat(lambda: minplan_fte(db, period), runs))
    grouped = minplan_fte_grouped(db, period)
    result.detail["minplan_grouped_s"] = median(
        repeat(lambda: minplan_fte_grouped(db, period), runs)
    )
    result.detail["minplan_grouped_max_difference"] = max(
        abs(grouped[g] - result.minplan[g]) for g in TARGET_GROUPS
    )
    try:
        con, mode, notes = _connect(plaintext_file(db, folder), folder)
        result.mode = mode
        result.detail.update(notes)
        result.duckdb = duckdb_fte(con, period)
        result.duckdb_s = median(repeat(lambda: duckdb_fte(con, period), runs))
        # The same rows copied into DuckDB's own memory: the floor without reading SQLite.
        con.execute("CREATE TABLE spells_in_memory AS SELECT * FROM spells")
        in_memory = duckdb_fte(con, period, "spells_in_memory")
        result.detail["duckdb_in_memory_s"] = median(
            repeat(lambda: duckdb_fte(con, period, "spells_in_memory"), runs)
        )
        result.detail["duckdb_in_memory_max_difference"] = max(
            abs(in_memory[g] - result.minplan[g]) for g in TARGET_GROUPS
        )
        result.detail["threads"] = con.execute("SELECT current_setting('threads')").fetchone()[0]
        con.close()
    except Exception as error:  # DuckDB's own errors have no common base we can name here
        log.warning("DuckDB comparison failed: %s", error)
        result.status = "failed"
        result.detail["error"] = str(error).splitlines()[0]
    return result
