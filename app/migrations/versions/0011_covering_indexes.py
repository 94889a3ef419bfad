"""covering indexes for search-as-you-type and the indicators' spell queries

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:00:00

The citizen list's index also covers the search (search text and caseworker), so typing a name
walks one narrow index in the list's order instead of every citizen row; the indicators' spell
queries read a covering index; deleted citizens are found quickly to be left out of figures.
Plain index operations: the citizen table is not rebuilt (it keeps AUTOINCREMENT, schema 0009).
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_citizen_search', 'citizen', ['sort_key', 'deleted_at', 'search_text', 'caseworker_id']
    )
    op.drop_index('ix_citizen_list_order', table_name='citizen')
    op.create_index('ix_citizen_deleted_at', 'citizen', ['deleted_at'])
    op.create_index(
        'ix_benefit_spell_period', 'benefit_spell',
        ['target_group', 'start_date', 'end_date', 'citizen_id'],
    )
    op.drop_index('ix_benefit_spell_target_group', table_name='benefit_spell')


def downgrade() -> None:
    op.create_index('ix_benefit_spell_target_group', 'benefit_spell', ['target_group'])
    op.drop_index('ix_benefit_spell_period', table_name='benefit_spell')
    op.drop_index('ix_citizen_deleted_at', table_name='citizen')
    op.create_index('ix_citizen_list_order', 'citizen', ['sort_key', 'deleted_at'])
    op.drop_index('ix_citizen_search', table_name='citizen')
