"""goal plans made in the app

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('goal_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('municipality', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('follow_up', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('based_on', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_plan'))
    )
    with op.batch_alter_table('goal_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_plan_key'), ['key'], unique=True)

    op.create_table('goal_plan_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('measure', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('minimum', sa.Float(), nullable=True),
    sa.Column('maximum', sa.Float(), nullable=True),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('compare', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['goal_plan.id'], name=op.f('fk_goal_plan_indicator_plan_id_goal_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_plan_indicator'))
    )
    with op.batch_alter_table('goal_plan_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_plan_indicator_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('goal_plan_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_plan_indicator_plan_id'))

    op.drop_table('goal_plan_indicator')
    with op.batch_alter_table('goal_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_plan_key'))

    op.drop_table('goal_plan')