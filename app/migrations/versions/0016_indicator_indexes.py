"""indexes for the goal plans' slowest measures: refugees by birth date, requirements by kind

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 16:30:00

The refugee self-support measure (ministermål 3) is counted month by month over the few
citizens flagged as refugees or family-reunified: a partial index holds just them, by birth date
(the age band). The on-time measures read the kept requirements of some kinds due in a period: a
covering index answers them without reading the requirement rows. Plain index operations.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_citizen_refugee', 'citizen', ['birth_date'],
        sqlite_where=sa.text('refugee_or_reunified = 1'),
        postgresql_where=sa.text('refugee_or_reunified'),
    )
    op.create_index(
        'ix_requirement_on_time', 'requirement',
        ['kind', 'due', 'citizen_id', 'met_on', 'target_group'],
    )


def downgrade() -> None:
    op.drop_index('ix_requirement_on_time', table_name='requirement')
    op.drop_index('ix_citizen_refugee', table_name='citizen')
