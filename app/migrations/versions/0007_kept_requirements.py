"""requirements kept for fast deadline lists

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('rule_set', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('target_group', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('spell_start', sa.Date(), nullable=False),
    sa.Column('exempt_75', sa.Boolean(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=True),
    sa.Column('days', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('extra', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_requirement_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requirement'))
    )
    with op.batch_alter_table('requirement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requirement_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_requirement_due'), ['due'], unique=False)
    op.create_table('requirement_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rules_fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('horizon', sa.Date(), nullable=False),
    sa.Column('built_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requirement_state'))
    )
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index(
            'ix_conversation_planned', ['citizen_id', 'scheduled_at'], unique=False,
            sqlite_where=sa.text("status = 'planned'"), postgresql_where=sa.text("status = 'planned'"),
        )


def downgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_planned')
    op.drop_table('requirement_state')
    with op.batch_alter_table('requirement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requirement_due'))
        batch_op.drop_index(batch_op.f('ix_requirement_citizen_id'))
    op.drop_table('requirement')
