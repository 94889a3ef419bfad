"""plan versions and casework details

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:08:10.593326
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('plan_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('saved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('saved_by', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('printed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_plan_version_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_version'))
    )
    with op.batch_alter_table('plan_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_version_citizen_id'), ['citizen_id'], unique=False)

    with op.batch_alter_table('company_contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_person', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))

    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))

    with op.batch_alter_table('employment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hours_per_month', sa.Float(), nullable=True))

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_followup', sa.Text(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('status_followup')

    with op.batch_alter_table('employment', schema=None) as batch_op:
        batch_op.drop_column('hours_per_month')

    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('location')

    with op.batch_alter_table('company_contact', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('contact_person')

    with op.batch_alter_table('plan_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_version_citizen_id'))

    op.drop_table('plan_version')
