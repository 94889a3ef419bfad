"""goal plans true to the municipal plans: how each goal is computed, targets tied to years, local
companies

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02 18:00:00

A plan made in the app keeps, per indicator, whether it is computed as the plan says, with a
stated approximation, or not computable from case data, with the one-sentence note, and the years
its target belongs to ("2024" or "2024,2025"; empty: every year), and the targets a plan names
for other years (JSON). A target set on a shipped plan's indicator keeps its years too. A company
can be marked as local (in the kommune) for the goals that count local companies only.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '0015'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('company', sa.Column(
        'local', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('goal_plan_indicator', sa.Column(
        'fidelity', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
        server_default='faithful'))
    op.add_column('goal_plan_indicator', sa.Column('note', sa.Text(), nullable=True))
    op.add_column('goal_plan_indicator', sa.Column(
        'years', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    op.add_column('goal_plan_indicator', sa.Column('more_targets', sa.Text(), nullable=True))
    op.add_column('goal_target', sa.Column(
        'years', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column('goal_target', 'years')
    for name in ('more_targets', 'years', 'note', 'fidelity'):
        op.drop_column('goal_plan_indicator', name)
    op.drop_column('company', 'local')
