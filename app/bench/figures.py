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


#: id -> (English label, unit of the value, target or None)
TARGETS: dict[str, Target | None] = {
    "cold_start": Target(2.0, "s"),
    "cold_start_checked": None,
    "list_first_screen": Target(200, "ms"),
    "list_my_caseload": None,
    "search_p50": None,
    "search_p95": Target(50, "ms"),
    "deadlines_all": Target(2.0, "s"),
    "deadlines_caseload": Target(50, "ms"),
    "worklist_open": Target(300, "ms"),
    "goalplan_year": Target(2.0, "s"),
    "fte_minplan": None,
    "fte_duckdb": None,
    "fte_ratio": Target(2.0, "x"),
    "fte_minplan_grouped": None,
    "fte_ratio_grouped": None,
    "plan_pdf_one": Target(150, "ms"),
    "plan_pdf_batch": None,
    "import_bundle": Target(120, "s", citizens=100_000),
    "import_peak_memory": None,
    "gui_peak_memory": Target(400, "MB"),
    "cold_start_memory": None,
    "generate": None,
}

LABELS: dict[str, str] = {
    "cold_start": N_("Cold start to a usable main window"),
    "cold_start_checked": N_("Cold start with the integrity check (first start, after a crash)"),
    "list_first_screen": N_("Citizen list, first screen (all citizens)"),
    "list_my_caseload": N_("Citizen list, first screen (my caseload)"),
    "search_p50": N_("Search as you type, median"),
    "search_p95": N_("Search as you type, 95th percentile"),
    "deadlines_all": N_("All deadlines"),
    "deadlines_caseload": N_("Deadlines of one caseload"),
    "worklist_open": N_("Opening the deadline worklist"),
    "goalplan_year": N_("Goal plan {plan} for a year"),
    "fte_minplan": N_("Full-time persons for every target group (Min Plan)"),
    "fte_duckdb": N_("Full-time persons for every target group (DuckDB)"),
    "fte_ratio": N_("Min Plan time ÷ DuckDB time"),
    "fte_minplan_grouped": N_("Full-time persons, one grouped query (Min Plan)"),
    "fte_ratio_grouped": N_("Min Plan time ÷ DuckDB time, one grouped query"),
    "plan_pdf_one": N_("One plan as PDF"),
    "plan_pdf_batch": N_("Batch of {count} plans as PDF"),
    "import_bundle": N_("Import of a CSV bundle of {count} citizens"),
    "import_peak_memory": N_("Peak memory during that import (its files are streamed)"),
    "gui_peak_memory": N_("Peak memory of the GUI with the list open"),
    "cold_start_memory": N_("Memory of the GUI at start"),
    "generate": N_("Generating the demo database"),
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
        return target.met_by(self.value) if target else None

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
