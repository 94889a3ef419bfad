"""The bundle's cell caches: a CPR number named on many rows is checked once, also when the
bundle holds more citizens than the old caches did (they thrashed past 32 768 birth dates and
65 536 citizens, so nearly every cell was checked again), and the caches are emptied after an
import, so a large bundle's numbers do not stay in the program's memory."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from app.casework.bundle import cells
from app.casework.bundle.importer import import_bundle
from app.casework.core.actor import Actor
from app.domain import identifiers
from app.store.engine import Database

SAMPLE = Path(__file__).resolve().parent.parent / "app" / "resources" / "sample-bundle"


def _synthetic_cprs(count: int) -> list[str]:
    """Valid, synthetic CPR numbers with ``count`` different first seven digits (birth dates of
    the 1900s with the century digits 0–3, which all mean the 1900s)."""
    numbers = []
    day = date(1930, 1, 1)
    while len(numbers) < count:
        for century_digit in "0123":
            numbers.append(f"{day:%d%m%y}{century_digit}{len(numbers) % 1000:03d}")
        day += timedelta(days=1)
    return numbers[:count]


def test_seventy_thousand_citizens_are_each_checked_once() -> None:
    cprs = _synthetic_cprs(70_000)
    cells.forget()
    identifiers._check_birth.cache_clear()
    assert [cells.read_cpr(c) for c in cprs] == cprs  # each checked: the first pass
    births, cells_before = identifiers._check_birth.cache_info(), cells.read_cpr.cache_info()
    assert births.misses == 70_000
    for cpr in cprs:  # each named again, on later rows and in later files
        cells.read_cpr(cpr)
        identifiers.normalise_cpr(cpr)
    assert cells.read_cpr.cache_info().misses == cells_before.misses
    assert cells.read_cpr.cache_info().hits == cells_before.hits + 70_000
    assert identifiers._check_birth.cache_info().misses == births.misses


def test_an_import_leaves_its_caches_empty(db: Database, actor: Actor) -> None:
    report = import_bundle(db, actor, SAMPLE, today=date(2026, 11, 23))
    assert report.ok, report.error_lines()
    for remembered in (cells.read_cpr, cells.read_date, cells.read_datetime, cells.read_cvr):
        assert remembered.cache_info().currsize == 0
    assert import_bundle(db, actor, SAMPLE, dry_run=True, today=date(2026, 11, 23)).problems
    assert cells.read_cpr.cache_info().currsize == 0  # also after a check that found problems
