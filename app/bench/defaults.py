"""The bench's defaults, in a module of their own: ``minplan``'s argument parser reads them at
every start, and must not import the bench (the demo generator, Faker, DuckDB) to do so."""

from __future__ import annotations

from datetime import date

DEFAULT_SIZES = (5_000, 100_000)
#: The demo world's "today": fixed, so that cached databases and figures stay comparable.
DEFAULT_AS_OF = date(2026, 11, 23)
#: The groups of figures ``--only`` can pick, in the order they are measured: cold start, the GUI
#: session (list, search, worklist, memory), deadlines, goal plans, full-time persons, plan PDFs,
#: the bundle import.
PARTS = ("start", "gui", "deadlines", "goals", "fte", "pdf", "import")
