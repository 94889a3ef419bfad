"""§ 9 periods: the facts of a benefit spell the periods are counted from, the plan's agreed day,
requirements by period and the periods kept for STAR's follow-up figures

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 14:00:00

New optional facts on benefit spells (first request to the kommune, first day of absence, the
sygedagpenge category, a new dagpengeperiode, accumulated unemployment known from the a-kasse,
offer exemptions, arbejdspligt) and the day a plan was agreed. The kept requirements are derived
data: the table is made anew with ``period_start`` (the first day of the § 9 period) instead of
the spell's, and emptied together with its state, so the next read rebuilds it under the new
engine.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SPELL_DATES = (
    'first_request_on', 'absence_start_on', 'new_dagpengeperiode_on', 'ledighed_on',
    'offer_exempt_from', 'offer_exempt_to',
)


def upgrade() -> None:
    for name in _SPELL_DATES:
        op.add_column('benefit_spell', sa.Column(name, sa.Date(), nullable=True))
    op.add_column('benefit_spell', sa.Column(
        'sick_category', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True))
    op.add_column('benefit_spell', sa.Column('ledighed_hours', sa.Float(), nullable=True))
    op.add_column('benefit_spell', sa.Column(
        'part_time_insured', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('benefit_spell', sa.Column(
        'work_duty', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('plan', sa.Column('agreed_on', sa.Date(), nullable=True))

    op.drop_table('requirement')
    op.create_table('requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('rule_set', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('target_group', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
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
    op.create_index(op.f('ix_requirement_citizen_id'), 'requirement', ['citizen_id'], unique=False)
    op.create_index(op.f('ix_requirement_due'), 'requirement', ['due'], unique=False)
    op.create_table('count_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('family', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('target_group', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('six_months_on', sa.Date(), nullable=True),
    sa.Column('conversations_by_six', sa.Integer(), nullable=False),
    sa.Column('first_offer_on', sa.Date(), nullable=True),
    sa.Column('exempt_75', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_count_period_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_count_period'))
    )
    op.create_index(op.f('ix_count_period_citizen_id'), 'count_period', ['citizen_id'], unique=False)
    op.create_index(op.f('ix_count_period_six_months_on'), 'count_period', ['six_months_on'], unique=False)
    op.execute("DELETE FROM requirement_state")


def downgrade() -> None:
    op.drop_index(op.f('ix_count_period_six_months_on'), table_name='count_period')
    op.drop_index(op.f('ix_count_period_citizen_id'), table_name='count_period')
    op.drop_table('count_period')
    op.alter_column('requirement', 'period_start', new_column_name='spell_start')
    op.execute("DELETE FROM requirement_state")
    op.drop_column('plan', 'agreed_on')
    for name in (*_SPELL_DATES, 'sick_category', 'ledighed_hours', 'part_time_insured', 'work_duty'):
        op.drop_column('benefit_spell', name)
