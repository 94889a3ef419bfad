"""Benchmark (not a test): how long the demo generator takes for N citizens. Prints figures.

.venv/bin/python tests/bench/bench_demo.py [N ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from app.casework.demo_data import write_demo_database


def main(sizes: list[int]) -> None:
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            summary = write_demo_database(
                Path(folder) / "bench.db", citizens=size, seed=1, as_of=date(2026, 11, 23)
            )
            seconds = time.perf_counter() - started
            print(f"demo data, {size:>7} citizens: {seconds:6.2f} s  ({summary})")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5_000])
