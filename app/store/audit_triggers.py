"""Are the access log's guards still in place? The append-only triggers (migration 0008) and, on
a team server, the sealing functions and the row triggers on case data (migration 0016), compared
with the definitions the migrations created.

Whoever can drop a trigger (the database owner, or anybody holding a SQLite file and its key)
could delete events, put the trigger back and move the chain's head: the seals would still agree.
``minplan audit verify`` therefore also checks that every guard exists, is enabled and has exactly
the text its migration gave it. A later migration that changes one of them must be named here
(``SEAL_CHANGES``). This cannot see a trigger that was dropped and re-created identically in between; the
checkpoints outside the database (``app.casework.privacy.audit_checkpoints``) catch what that hid.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from types import ModuleType
from typing import Any

from sqlalchemy import Connection

from app import paths
from app.i18n import N_

#: The migrations that made the guards, by the name after their number (numbers may be re-chained).
CHAIN = "audit_chain"  # 0008: the append-only triggers
SERVER_SEAL = "server_side_audit"  # 0016: sealing functions and row triggers (PostgreSQL)
#: Later migrations that changed one statement of a sealing function, in order.
SEAL_CHANGES = (
    "reason_needed_sqlstate",  # 0019: the "reason needed" refusal's SQLSTATE
    "audit_txn_lookup",  # 0020: the row trigger's question by two index seeks
)


def _migration(name: str) -> ModuleType:
    """A migration module by its name (``0008_audit_chain.py`` is ``audit_chain``)."""
    path = next(paths.migrations_dir().glob(f"versions/[0-9]*_{name}.py"), None)
    if path is None:  # pragma: no cover - shipped with the package
        raise FileNotFoundError(name)
    spec = importlib.util.spec_from_file_location(f"_minplan_migration_{name}", path)
    assert spec is not None and spec.loader is not None  # a .py file always has a spec and loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _norm(sql: str) -> str:
    return " ".join(sql.split())


@cache
def expected_sqlite() -> dict[str, str]:
    """Trigger name → its normalised CREATE statement."""
    found = {}
    for statement in _migration(CHAIN).SQLITE_TRIGGERS:
        found_name = re.search(r"CREATE TRIGGER (\w+)", statement)
        assert found_name is not None  # every statement in SQLITE_TRIGGERS creates a trigger
        name = found_name.group(1)
        found[name] = _norm(statement)
    return found


def _parse(statements: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    triggers, functions = {}, {}
    for statement in statements:
        function = re.search(r"CREATE FUNCTION (\w+)\(", statement)
        if function:
            functions[function.group(1)] = _norm(statement.split("$$")[1])
            continue
        trigger = re.search(r"CREATE TRIGGER (\w+) .*? ON (\w+)", _norm(statement))
        if trigger:
            triggers[trigger.group(1)] = trigger.group(2)
    return triggers, functions


@cache
def expected_postgresql() -> tuple[tuple[dict[str, str], dict[str, str]], ...]:
    """((triggers, functions) of 0008, (triggers, functions) of 0016): trigger name → table,
    function name → body."""
    m16 = _migration(SERVER_SEAL)
    _none, functions = _parse(m16.FUNCTIONS)
    for name in SEAL_CHANGES:
        change = _migration(name)
        body = functions[change.FUNCTION]
        assert change.BEFORE in body, f"{name} changes a statement {change.FUNCTION} lacks"
        functions[change.FUNCTION] = body.replace(change.BEFORE, change.AFTER)
    return (
        _parse(_migration(CHAIN).POSTGRESQL_TRIGGERS),
        ({f"{table}_audit": table for table in m16.AUDITED_TABLES}, functions),
    )


def check(conn: Connection) -> tuple[str, dict[str, Any]] | None:
    """The first missing, disabled or changed guard as (msgid, parameters), or None."""
    if conn.dialect.name == "sqlite":
        present = {
            name: _norm(sql or "")
            for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        for name, statement in expected_sqlite().items():
            if name not in present:
                return _missing(name)
            if present[name] != statement:
                return _changed(name)
        return None
    guards, sealing = expected_postgresql()
    server_sealed = conn.exec_driver_sql(
        "SELECT to_regclass('audit_seal_key') IS NOT NULL"
    ).scalar()
    wanted = {**guards[0], **(sealing[0] if server_sealed else {})}
    functions = {**guards[1], **(sealing[1] if server_sealed else {})}
    rows = conn.exec_driver_sql(
        "SELECT t.tgname, c.relname, t.tgenabled, p.proname FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE NOT t.tgisinternal"
    ).all()
    triggers = {(name, table): (enabled, function) for name, table, enabled, function in rows}
    for name, table in wanted.items():
        found = triggers.get((name, table))
        if found is None:
            return _missing(name)
        if found[0] == "D":
            return (
                N_(
                    "The access log's guard {name} is switched off: events could be changed "
                    "or removed without trace"
                ),
                {"name": name},
            )
    bodies: dict[str, str] = dict(
        conn.exec_driver_sql(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND starts_with(p.proname::text, 'minplan')"
        ).all()
    )
    for name, body in functions.items():
        if name not in bodies:
            return _missing(name)
        if _norm(bodies[name]) != body:
            return _changed(name)
    return None


def _missing(name: str) -> tuple[str, dict[str, Any]]:
    return (
        N_(
            "The access log's guard {name} is missing: events could have been changed or removed "
            "without trace"
        ),
        {"name": name},
    )


def _changed(name: str) -> tuple[str, dict[str, Any]]:
    return (
        N_(
            "The access log's guard {name} differs from the one Min Plan made: events could have "
            "been changed or removed without trace"
        ),
        {"name": name},
    )
