"""The benchmark's figures and the project's speed targets (issue #8 item 6, issue #6 item 9).

A ``Figure`` is one measured number beside its target. Targets are stated for a database of
100 000 citizens on the project's 2-core machine; the bench checks every size against them.
Labels are English msgids: the JSON file keeps them in English, the printed table translates them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.i18n import N_


@dataclass(frozen=True)
class Target:
    limit: float
    unit: str  # "s", "ms", "MB", "x"
    #: the size the target is stated for; ``None`` = any size
    citizens: int | None = None

    def met_by(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value < self.limit if self.unit != "x" else value <= self.limit

    def text(self) -> str:
        return f"≤ {self.limit:g}×" if self.unit == "x" else f"< {self.limit:g} {self.unit}"


#: Ratios to the floor (the same work done bare, measured in the same run, interleaved) that a
#: figure must stay within, from ``RATIO_TARGETS_FROM`` citizens up (issue #19): smaller databases
#: are dominated by fixed costs that say nothing about scaling.
RATIO_TARGETS: dict[str, float] = {
    "cold_start": 3.0,
    "deadlines_all": 2.0,
    "import_bundle": 2.0,
    "plan_pdf_one": 2.0,
}
RATIO_TARGETS_FROM = 100_000

#: What each floor is: the same work without Min Plan's layers (English msgids).
FLOORS: dict[str, str] = {
    "cold_start": N_("a bare PySide6 window with a 40-row table"),
    "cold_start_checked": N_("a bare PySide6 window with a 40-row table"),
    "close": N_("the same bare window closing"),
    "search_p50": N_("the search query alone (no window, no audit entry)"),
    "search_p95": N_("the search query alone (no window, no audit entry)"),
    "deadlines_all": N_("a plain read of the kept requirement rows"),
    "deadlines_all_made": N_("a plain read of the kept requirement rows"),
    "import_bundle": N_("bare executemany of the same rows into the same schema"),
    "plan_pdf_one": N_("a minimal reportlab document of the same length and font"),
    "fte_minplan": N_("DuckDB on the SQLite file"),
    "fte_minplan_memory": N_("DuckDB on an in-memory copy of the same rows"),
}

#: id -> (English label, unit of the value, target or None)
TARGETS: dict[str, Target | None] = {
    "cold_start": Target(2.0, "s"),
    "cold_start_checked": None,
    "close": Target(2.0, "s"),
    "list_first_screen": Target(200, "ms"),
    "list_my_caseload": None,
    "search_p50": None,
    "search_p95": Target(50, "ms"),
    "deadlines_all": Target(2.0, "s"),
    "deadlines_all_made": None,
    "deadlines_caseload": Target(50, "ms"),
    "worklist_open": Target(300, "ms"),
    "gui_longest_stall": Target(100, "ms"),
    "goalplan_year": Target(2.0, "s"),
    "fte_minplan": None,
    "fte_duckdb": None,
    "fte_ratio": Target(2.0, "x"),
    "fte_minplan_grouped": None,
    "fte_minplan_memory": None,
    "fte_ratio_grouped": None,
    "plan_pdf_one": Target(150, "ms"),
    "plan_pdf_batch": None,
    "import_bundle": Target(120, "s", citizens=100_000),
    "import_peak_memory": None,
    "gui_peak_memory": Target(400, "MB"),
    "cold_start_memory": None,
    "generate": None,
    "generate_peak_memory": None,
}

LABELS: dict[str, str] = {
    "cold_start": N_("Cold start to a usable main window"),
    "cold_start_checked": N_("Cold start with the integrity check (first start, after a crash)"),
    "close": N_("Closing the main window until the program has ended (slowest)"),
    "list_first_screen": N_("Citizen list, first screen (all citizens)"),
    "list_my_caseload": N_("Citizen list, first screen (my caseload)"),
    "search_p50": N_("Search as you type, median"),
    "search_p95": N_("Search as you type, 95th percentile"),
    "deadlines_all": N_("All deadlines"),
    "deadlines_all_made": N_("All deadlines, every one of them made (as printing them does)"),
    "deadlines_caseload": N_("Deadlines of one caseload"),
    "worklist_open": N_("Opening the deadline worklist"),
    "gui_longest_stall": N_(
        "Longest time the window stood still (sorting everybody's list, everybody's deadlines)"
    ),
    "goalplan_year": N_("Goal plan {plan} for a year"),
    "fte_minplan": N_("Full-time persons for every target group (Min Plan)"),
    "fte_duckdb": N_("Full-time persons for every target group (DuckDB)"),
    "fte_ratio": N_("Min Plan time ÷ DuckDB time"),
    "fte_minplan_grouped": N_("Full-time persons, one grouped query (Min Plan)"),
    "fte_minplan_memory": N_(
        "Full-time persons for every target group (Min Plan), against DuckDB in memory"
    ),
    "fte_ratio_grouped": N_("Min Plan time ÷ DuckDB time, one grouped query"),
    "plan_pdf_one": N_("One plan as PDF"),
    "plan_pdf_batch": N_("Batch of {count} plans as PDF"),
    "import_bundle": N_("Import of a CSV bundle of {count} citizens"),
    "import_peak_memory": N_("Peak memory during that import (its files are streamed)"),
    "gui_peak_memory": N_("Peak memory of the GUI with the list open"),
    "cold_start_memory": N_("Memory of the GUI at start"),
    "generate": N_("Generating the demo database"),
    "generate_peak_memory": N_("Peak memory while generating it (the generator streams)"),
}


@dataclass
class Figure:
    """One measured number: ``value`` in ``unit``; ``passed`` is None where no target applies."""

    id: str
    value: float | None
    unit: str
    citizens: int
    params: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)
    note: str | None = None  # an English msgid, e.g. why a figure is missing
    failed: bool = False  # failed whatever the value (numbers disagree, import refused)
    #: the same work done bare, in ``unit``, measured in the same run (``FLOORS`` says what)
    floor: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def ratio_target(self) -> float | None:
        if self.floor is None or self.citizens < RATIO_TARGETS_FROM:
            return None
        return RATIO_TARGETS.get(self.id)

    @property
    def target(self) -> Target | None:
        target = TARGETS.get(self.id)
        if target is None or (target.citizens is not None and target.citizens != self.citizens):
            return None
        return target

    @property
    def passed(self) -> bool | None:
        target = TARGETS.get(self.id)
        if self.failed and target is not None:
            return False
        target = self.target
        met = target.met_by(self.value) if target else None
        limit, ratio = self.ratio_target, self.ratio
        if limit is None or ratio is None:
            return met
        return ratio <= limit and met is not False

    @property
    def label(self) -> str:
        return LABELS[self.id]

    def as_json(self) -> dict[str, Any]:
        target = self.target
        return {
            "id": self.id,
            "label": self.label.format(**self.params),
            "value": None if self.value is None else round(self.value, 6),
            "unit": self.unit,
            "target": None
            if target is None
            else {"limit": target.limit, "unit": target.unit, "text": target.text()},
            "pass": self.passed,
            "floor": None if self.floor is None else round(self.floor, 6),
            "floor_is": FLOORS.get(self.id) if self.floor is not None else None,
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "ratio_target": self.ratio_target,
            "params": self.params,
            "detail": self.detail,
            "note": self.note,
        }


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil without floats drifting
    return ordered[int(rank) - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds the action took (perf_counter), and what it returned."""
    import time

    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def repeat(action: Callable[[], Any], runs: int) -> list[float]:
    """Seconds of each of ``runs`` calls."""
    return [timed(action)[0] for _ in range(max(1, runs))]
