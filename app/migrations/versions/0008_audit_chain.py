"""access log: HMAC chain, append-only triggers, purge checkpoints

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00

Every audit event gets a sequence number and an HMAC (``app.store.audit_chain``); the chain's head
is one row of ``audit_chain``; ``audit_subject`` indexes further citizens an event concerns;
``audit_purge`` holds the retention purges. Events written before this revision get sequence
numbers here and are sealed into the chain by the first writer that holds the key.

Triggers (SQLite and PostgreSQL) refuse UPDATE and DELETE of audit events, except sealing an
unsealed legacy event and deleting events covered by an *active* purge (the retention job writes
that permit row first, in the same transaction, and closes it before committing). A later migration
that rebuilds one of these tables on SQLite (batch mode) must create the triggers again;
``tests/test_audit_chain.py`` checks they exist at head.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Columns of audit_event a seal (legacy events only) must leave exactly as they were.
_CONTENT = ('id', 'seq', 'occurred_at', 'user_initials', 'os_user', 'action', 'entity',
            'entity_id', 'citizen_id', 'criterion', 'purpose', 'details')

SQLITE_TRIGGERS = [
    # Only sealed events may be added.
    """CREATE TRIGGER audit_event_sealed_insert BEFORE INSERT ON audit_event
       WHEN NEW.seq IS NULL OR NEW.hmac IS NULL
       BEGIN SELECT RAISE(ABORT, 'audit_event: only sealed events may be added'); END""",
    # No update, except sealing a legacy event (hmac from NULL, everything else unchanged).
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       WHEN NOT (OLD.hmac IS NULL AND NEW.hmac IS NOT NULL AND """
    + " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _CONTENT)
    + """)
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    # No delete, except inside a retention purge covering the event.
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       WHEN NOT EXISTS (SELECT 1 FROM audit_purge p WHERE p.active AND OLD.seq <= p.through_seq)
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TRIGGER audit_subject_no_update BEFORE UPDATE ON audit_subject
       BEGIN SELECT RAISE(ABORT, 'audit_subject is append-only'); END""",
    """CREATE TRIGGER audit_subject_no_delete BEFORE DELETE ON audit_subject
       WHEN NOT EXISTS (SELECT 1 FROM audit_purge p WHERE p.active AND OLD.event_seq <= p.through_seq)
       BEGIN SELECT RAISE(ABORT, 'audit_subject is append-only'); END""",
    # A purge permit may only be closed (active → not active, with its event), never changed or removed.
    """CREATE TRIGGER audit_purge_no_update BEFORE UPDATE ON audit_purge
       WHEN NOT (OLD.active AND NOT NEW.active AND NEW.event_seq IS NOT NULL
                 AND NEW.id IS OLD.id AND NEW.through_seq IS OLD.through_seq
                 AND NEW.through_hmac IS OLD.through_hmac AND NEW.cutoff IS OLD.cutoff
                 AND NEW.events IS OLD.events AND NEW.purged_at IS OLD.purged_at)
       BEGIN SELECT RAISE(ABORT, 'audit_purge is append-only'); END""",
    """CREATE TRIGGER audit_purge_no_delete BEFORE DELETE ON audit_purge
       BEGIN SELECT RAISE(ABORT, 'audit_purge is append-only'); END""",
]

_PG_SAME = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in _CONTENT)
POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION minplan_audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.seq IS NULL OR NEW.hmac IS NULL THEN
                RAISE EXCEPTION 'audit_event: only sealed events may be added';
            END IF;
            RETURN NEW;
        ELSIF TG_OP = 'UPDATE' THEN
            IF OLD.hmac IS NULL AND NEW.hmac IS NOT NULL AND {_PG_SAME} THEN
                RETURN NEW;
            END IF;
        ELSIF TG_OP = 'DELETE' THEN
            IF EXISTS (SELECT 1 FROM audit_purge p WHERE p.active AND OLD.seq <= p.through_seq) THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION 'audit_event is append-only';
    END $$""",
    """CREATE TRIGGER audit_event_append_only BEFORE INSERT OR UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION minplan_audit_event_guard()""",
    """CREATE FUNCTION minplan_audit_subject_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND EXISTS (
            SELECT 1 FROM audit_purge p WHERE p.active AND OLD.event_seq <= p.through_seq
        ) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_subject is append-only';
    END $$""",
    """CREATE TRIGGER audit_subject_append_only BEFORE UPDATE OR DELETE ON audit_subject
       FOR EACH ROW EXECUTE FUNCTION minplan_audit_subject_guard()""",
    """CREATE FUNCTION minplan_audit_purge_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.active AND NOT NEW.active AND NEW.event_seq IS NOT NULL
           AND NEW.id = OLD.id AND NEW.through_seq = OLD.through_seq
           AND NEW.through_hmac = OLD.through_hmac AND NEW.cutoff = OLD.cutoff
           AND NEW.events = OLD.events AND NEW.purged_at = OLD.purged_at THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_purge is append-only';
    END $$""",
    """CREATE TRIGGER audit_purge_append_only BEFORE UPDATE OR DELETE ON audit_purge
       FOR EACH ROW EXECUTE FUNCTION minplan_audit_purge_guard()""",
    # Row triggers do not fire on TRUNCATE: refuse it for the whole statement.
    """CREATE FUNCTION minplan_audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
    END $$""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION minplan_audit_no_truncate()""",
    """CREATE TRIGGER audit_subject_no_truncate BEFORE TRUNCATE ON audit_subject
       FOR EACH STATEMENT EXECUTE FUNCTION minplan_audit_no_truncate()""",
    """CREATE TRIGGER audit_purge_no_truncate BEFORE TRUNCATE ON audit_purge
       FOR EACH STATEMENT EXECUTE FUNCTION minplan_audit_no_truncate()""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS " + name
    for name in ('audit_event_sealed_insert', 'audit_event_no_update', 'audit_event_no_delete',
                 'audit_subject_no_update', 'audit_subject_no_delete', 'audit_purge_no_update',
                 'audit_purge_no_delete')
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_subject_append_only ON audit_subject",
    "DROP TRIGGER IF EXISTS audit_subject_no_truncate ON audit_subject",
    "DROP TRIGGER IF EXISTS audit_purge_append_only ON audit_purge",
    "DROP TRIGGER IF EXISTS audit_purge_no_truncate ON audit_purge",
    "DROP FUNCTION IF EXISTS minplan_audit_event_guard()",
    "DROP FUNCTION IF EXISTS minplan_audit_subject_guard()",
    "DROP FUNCTION IF EXISTS minplan_audit_purge_guard()",
    "DROP FUNCTION IF EXISTS minplan_audit_no_truncate()",
]


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hmac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_event_seq'), ['seq'], unique=True)

    op.create_table('audit_subject',
    sa.Column('event_seq', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('event_seq', 'citizen_id', name=op.f('pk_audit_subject'))
    )
    with op.batch_alter_table('audit_subject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_subject_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('audit_chain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('database_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('key_check', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hmac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('last_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('purged_through_seq', sa.Integer(), nullable=False),
    sa.Column('purged_through_hmac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain'))
    )
    op.create_table('audit_purge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('cutoff', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('through_seq', sa.Integer(), nullable=False),
    sa.Column('through_hmac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('through_time', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('subjects', sa.Integer(), nullable=False),
    sa.Column('user_initials', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('os_user', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('event_seq', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_purge'))
    )

    # Events from before this revision: numbered in the order they were written, sealed later.
    op.execute(
        "UPDATE audit_event SET seq = numbered.n FROM "
        "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_event) AS numbered "
        "WHERE audit_event.id = numbered.id"
    )
    count = op.get_bind().execute(sa.text("SELECT count(*) FROM audit_event")).scalar_one()
    op.get_bind().execute(
        sa.text(
            "INSERT INTO audit_chain (id, database_id, key_check, last_seq, last_hmac, last_at, "
            "purged_through_seq, purged_through_hmac) "
            "VALUES (1, :database_id, NULL, :count, '', NULL, 0, '')"
        ),
        {"database_id": str(uuid.uuid4()), "count": count},
    )

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == 'sqlite' else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DROP if dialect == 'sqlite' else POSTGRESQL_DROP:
        op.execute(statement)
    op.drop_table('audit_purge')
    op.drop_table('audit_chain')
    with op.batch_alter_table('audit_subject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_subject_citizen_id'))
    op.drop_table('audit_subject')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_seq'))
        batch_op.drop_column('hmac')
        batch_op.drop_column('seq')
