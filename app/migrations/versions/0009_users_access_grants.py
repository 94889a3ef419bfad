"""users sign in with their login; break-the-glass grants; citizen ids never reused

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('caseworker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.create_index(batch_op.f('ix_caseworker_login'), ['login'], unique=True)
    op.create_table('access_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('granted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['caseworker_id'], ['caseworker.id'], name=op.f('fk_access_grant_caseworker_id_caseworker')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_access_grant_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_grant'))
    )
    with op.batch_alter_table('access_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_grant_caseworker_id'), ['caseworker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_grant_citizen_id'), ['citizen_id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        # AUTOINCREMENT: an erased citizen's id is never reused (PostgreSQL sequences never are).
        with op.batch_alter_table(
            'citizen', recreate='always', table_kwargs={'sqlite_autoincrement': True}
        ):
            pass


def downgrade() -> None:
    with op.batch_alter_table('access_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_grant_citizen_id'))
        batch_op.drop_index(batch_op.f('ix_access_grant_caseworker_id'))
    op.drop_table('access_grant')
    with op.batch_alter_table('caseworker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caseworker_login'))
        batch_op.drop_column('login')
