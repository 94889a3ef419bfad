"""the server's "a reason is needed" refusal gets its own SQLSTATE, MPR01

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 06:00:00

``minplan_open_citizen`` (schema 0017) refused a citizen outside the login's caseload without a
stated reason with SQLSTATE 42501 (insufficient_privilege), the same state as every other refusal,
so the app told it apart by the message's text. It now raises its own state, ``MPR01`` (a class,
``MP``, that PostgreSQL does not use): the app classifies errors by code, never by text
(``app.store.error_kinds.REASON_NEEDED``). The function is replaced in place from its own
definition (``pg_get_functiondef``), so its grants stay as they are. Nothing to do on SQLite,
where the app asks for the reason itself.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The function changed and its one statement before and after: ``minplan audit verify`` holds
#: the server's functions against these texts (``app.store.audit_triggers``).
FUNCTION = "minplan_open_citizen"
BEFORE = "RAISE EXCEPTION 'a reason is needed to open this citizen' USING ERRCODE = '42501'"
AFTER = "RAISE EXCEPTION 'a reason is needed to open this citizen' USING ERRCODE = 'MPR01'"
_SIGNATURE = "minplan_open_citizen(integer, text, text, text, boolean, integer)"


def _change(old: str, new: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    before, after = old.replace("'", "''"), new.replace("'", "''")
    op.execute(
        f"""DO $$
        DECLARE
            definition text := pg_get_functiondef('{_SIGNATURE}'::regprocedure);
        BEGIN
            IF position('{before}' IN definition) = 0 THEN
                RAISE EXCEPTION 'minplan_open_citizen is not the one schema 0017 wrote';
            END IF;
            EXECUTE replace(definition, '{before}', '{after}');
        END $$"""
    )


def upgrade() -> None:
    _change(BEFORE, AFTER)


def downgrade() -> None:
    _change(AFTER, BEFORE)
