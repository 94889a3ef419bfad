"""citizen sort key: Danish alphabetical order by an index, not a function per row

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 02:40:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

from app.domain.search import citizen_sort_key

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False,
                                      server_default=''))
    citizen = sa.table('citizen', sa.column('id', sa.Integer), sa.column('first_name', sa.String),
                       sa.column('last_name', sa.String), sa.column('sort_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(citizen.c.id, citizen.c.first_name, citizen.c.last_name)).all()
    if rows:
        connection.execute(
            citizen.update().where(citizen.c.id == sa.bindparam('row_id')).values(sort_key=sa.bindparam('key')),
            [{'row_id': r.id, 'key': citizen_sort_key(r.first_name, r.last_name)} for r in rows],
        )
    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.create_index('ix_citizen_list_order', ['sort_key', 'deleted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.drop_index('ix_citizen_list_order')
        batch_op.drop_column('sort_key')
