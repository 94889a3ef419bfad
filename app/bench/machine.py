"""What the figures were measured on: CPU, cores, memory, load, and the software versions."""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib import metadata
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def ram_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def sqlcipher_versions() -> dict[str, str | None]:
    """The SQLite and SQLCipher Min Plan really uses: those built into ``sqlcipher3`` (the
    standard library's ``sqlite3`` is another, older library the app never opens a file with)."""
    try:
        import sqlcipher3.dbapi2 as dbapi2
    except ImportError:
        return {"sqlite": None, "sqlcipher": None}
    con = dbapi2.connect(":memory:")
    try:
        sqlite = con.execute("select sqlite_version()").fetchone()[0]
        row = con.execute("PRAGMA cipher_version").fetchone()
        return {"sqlite": str(sqlite), "sqlcipher": None if row is None else str(row[0])}
    finally:
        con.close()


def describe() -> dict[str, Any]:
    used = sqlcipher_versions()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": ram_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": used["sqlite"] or sqlite3.sqlite_version,
        "sqlcipher": used["sqlcipher"],
        "python_sqlite3": sqlite3.sqlite_version,
        "pyside6": _version("PySide6-Essentials") or _version("PySide6"),
        "sqlalchemy": _version("SQLAlchemy"),
        "duckdb": _version("duckdb"),
        "load_average_at_start": load_average(),
    }


def one_line(machine: dict[str, Any]) -> str:
    """``Intel Xeon …, 2 cores, 23.4 GiB, Python 3.11.7, SQLite 3.40.1``"""
    parts = [
        machine["cpu"],
        f"{machine['cores']} cores",
        f"{machine['ram_gib']} GiB" if machine.get("ram_gib") else None,
        f"Python {machine['python']}",
        f"SQLite {machine['sqlite']}",
        f"SQLCipher {machine['sqlcipher']}" if machine.get("sqlcipher") else None,
        f"PostgreSQL {machine['postgresql']}" if machine.get("postgresql") else None,
        f"DuckDB {machine['duckdb']}" if machine.get("duckdb") else None,
    ]
    return ", ".join(p for p in parts if p)
