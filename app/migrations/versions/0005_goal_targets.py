"""goal targets set by team leads

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 03:10:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('goal_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('indicator_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('minimum', sa.Float(), nullable=True),
    sa.Column('maximum', sa.Float(), nullable=True),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('compare', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_target'))
    )
    with op.batch_alter_table('goal_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_target_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('goal_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_target_plan_id'))
    op.drop_table('goal_target')
