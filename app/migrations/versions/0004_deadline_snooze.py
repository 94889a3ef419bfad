"""deadline snooze: worklist items put aside with a reason

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 02:45:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deadline_snooze',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['caseworker_id'], ['caseworker.id'], name=op.f('fk_deadline_snooze_caseworker_id_caseworker')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_deadline_snooze_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_snooze'))
    )
    with op.batch_alter_table('deadline_snooze', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_snooze_citizen_id'), ['citizen_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deadline_snooze', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_snooze_citizen_id'))
    op.drop_table('deadline_snooze')
