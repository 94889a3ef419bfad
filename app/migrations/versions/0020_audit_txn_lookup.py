"""the server's row trigger finds the app's own event for a row with two index seeks

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 09:40:00

Every write to case data on a team server fires ``minplan_audit_row`` at commit (schema 0017),
which first asks whether the app logged the change itself: a row in ``audit_txn`` for this
transaction, naming the row's citizen or every row (NULL). That question was one ``EXISTS`` with
an ``OR``, answered from an index on ``txid`` alone, so it walked every citizen the transaction's
events named. An import names each imported citizen (the history of each shows where their data
came from): at 100 000 citizens that is 100 000 ``audit_txn`` rows, walked for each of the 1.8
million rows written, and the import's commit did not finish in half an hour. Now the index is
on ``(txid, citizen_id)`` and the question is two ``EXISTS``, each one seek. What is logged is
unchanged. The function is replaced in place from its own definition (``pg_get_functiondef``),
so its grants stay; ``minplan audit verify`` knows the new text (``SEAL_CHANGES``). Nothing to do
on SQLite, whose app writes its own events.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The function changed and its one statement before and after: ``minplan audit verify`` holds
#: the server's functions against these texts (``app.store.audit_triggers``).
FUNCTION = "minplan_audit_row"
BEFORE = "AND (t.citizen_id IS NULL OR t.citizen_id = coalesce(citizen, -1))) THEN"
AFTER = (
    "AND t.citizen_id IS NULL) OR EXISTS (SELECT 1 FROM audit_txn t "
    "WHERE t.txid = txid_current() AND t.citizen_id = coalesce(citizen, -1)) THEN"
)
_SIGNATURE = "minplan_audit_row()"


def _change(old: str, new: str) -> None:
    before, after = old.replace("'", "''"), new.replace("'", "''")
    op.execute(
        f"""DO $$
        DECLARE
            definition text := pg_get_functiondef('{_SIGNATURE}'::regprocedure);
        BEGIN
            IF position('{before}' IN definition) = 0 THEN
                RAISE EXCEPTION 'minplan_audit_row is not the one this migration expects';
            END IF;
            EXECUTE replace(definition, '{before}', '{after}');
        END $$"""
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_audit_txn_txid_citizen ON audit_txn (txid, citizen_id)")
    op.execute("DROP INDEX ix_audit_txn_txid")
    _change(BEFORE, AFTER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _change(AFTER, BEFORE)
    op.execute("CREATE INDEX ix_audit_txn_txid ON audit_txn (txid)")
    op.execute("DROP INDEX ix_audit_txn_txid_citizen")
