"""How a desk connects to a team server, without SQLAlchemy: the settings every connection gets
(``app.store.engine.open_url`` hands them to SQLAlchemy's engine; the first screen of a start,
``app.store.first_screen``, to ``psycopg`` itself, before the ORM is loaded: issue #19).

The same bounded wait for a lock as on SQLite (then the "busy" message), no locks left behind by
a desk that vanished, no compiling of queries (``jit``, below), and a name IT sees in
``pg_stat_activity``. Options given in the URL win (its ``options`` are added after these).

PostgreSQL compiles a query to machine code (JIT) when its estimated cost is high, and the
row-level security that keeps a caseworker to their caseload raises the estimates: one
caseload's deadlines took 100-170 ms as a caseworker's login, 7 ms of it the query and the
rest compiling it, at 100 000 citizens. Min Plan's queries are short: the longest (a year's
goal plan, all deadlines) took as long without it, within the run-to-run noise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: How long a write waits for another program's lock before we give a clear message.
BUSY_TIMEOUT_MS = 5000

#: A desk that stops in the middle of a transaction (crash, network loss) must not hold its
#: locks for long: the server ends such a session after this many milliseconds.
IDLE_IN_TRANSACTION_MS = 60_000


def connect_options(
    query: Mapping[str, Any], password: str | None, busy_ms: int = BUSY_TIMEOUT_MS
) -> dict[str, object]:
    """The driver's connection settings for a server URL whose query is ``query``."""
    options: dict[str, object] = {}
    if password:
        options["password"] = password
    # The URL's own server options come after these, so that they win where both set one.
    given = query.get("options")
    options["options"] = " ".join(
        [
            f"-c lock_timeout={busy_ms}",
            f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}",
            "-c jit=off",
            *([given] if isinstance(given, str) else list(given or ())),
        ]
    )
    if "application_name" not in query:
        options["application_name"] = "Min Plan"
    if "connect_timeout" not in query:
        options["connect_timeout"] = 10
    return options
