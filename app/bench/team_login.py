"""On a team server the bench measures a desk's work as a caseworker's login, not as the owner.

Row-level security (``packaging/postgresql/roles.sql``) applies to the desks' logins only; the
owner the bench connects as is not subject to it. Yet on a server it is most of what a
caseworker's reads cost: until 4 Dec 2026 opening a citizen took 0.3 s as a caseworker against
20 ms as the owner, and no figure showed it. So the bench applies the role script to its work
database, makes a role of the caseworker group for the caseworker it measures (the busiest), and
the desk's figures (start, list, search, worklist, one caseload's deadlines) connect acting as
that role (``-c role=…`` in the connection's options: the server then applies the policies as
for that caseworker's own login).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

import app
from app.store.engine import Database

log = logging.getLogger(__name__)

#: The bench's caseworker role on the server (no login of its own: the bench acts as it).
ROLE = "minplan_bench_caseworker"


def roles_script() -> Path | None:
    """``packaging/postgresql/roles.sql`` beside the program (a checkout; an installed package
    has no copy)."""
    path = Path(app.__file__).resolve().parent.parent / "packaging" / "postgresql" / "roles.sql"
    return path if path.is_file() else None


def acting_as_caseworker(db: Database, url: str, initials: str) -> str | None:
    """``url`` acting as the caseworker ``initials`` under the server's row-level security, or
    None when the bench cannot arrange it (no role script beside the program, or no right to
    create roles): the figures are then the owner's, and the report says so."""
    script = roles_script()
    if script is None:
        log.warning("roles.sql not found beside the program: measured as the owner")
        return None
    import psycopg

    raw = db.engine.raw_connection()
    try:
        conn: Any = raw.driver_connection  # psycopg's own connection
        conn.autocommit = True  # the script has its own BEGIN … COMMIT
        conn.execute(script.read_text(encoding="utf-8"))
        conn.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') "
            f"THEN CREATE ROLE {ROLE} NOLOGIN IN ROLE minplan_caseworker; END IF; END $$"
        )
        conn.execute("UPDATE caseworker SET login = %s WHERE initials = %s", (ROLE, initials))
    except psycopg.Error as error:  # e.g. no right to create roles
        log.warning("the bench cannot act as a caseworker on this server: %s", error)
        return None
    finally:
        raw.close()
    acting = make_url(url).update_query_dict({"options": f"-c role={ROLE}"})
    return acting.render_as_string(hide_password=False)
