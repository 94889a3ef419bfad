"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 02:58:57.243862
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders sqlmodel.sql.sqltypes.AutoString)
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('user_initials', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('os_user', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('citizen_id', sa.Integer(), nullable=True),
    sa.Column('criterion', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_initials'), ['user_initials'], unique=False)

    op.create_table('caseworker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('initials', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caseworker'))
    )
    with op.batch_alter_table('caseworker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caseworker_initials'), ['initials'], unique=True)

    op.create_table('company',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('cvr', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company'))
    )
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_cvr'), ['cvr'], unique=True)
        batch_op.create_index(batch_op.f('ix_company_name'), ['name'], unique=False)

    op.create_table('citizen',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('cpr', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('search_text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('refugee_or_reunified', sa.Boolean(), nullable=False),
    sa.Column('refugee_year', sa.Integer(), nullable=True),
    sa.Column('disability', sa.Boolean(), nullable=False),
    sa.Column('digital_post_exempt', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['caseworker_id'], ['caseworker.id'], name=op.f('fk_citizen_caseworker_id_caseworker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen'))
    )
    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_birth_date'), ['birth_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_caseworker_id'), ['caseworker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_cpr'), ['cpr'], unique=True)
        batch_op.create_index(batch_op.f('ix_citizen_last_name'), ['last_name'], unique=False)

    op.create_table('company_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('led_to_offer', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['caseworker_id'], ['caseworker.id'], name=op.f('fk_company_contact_caseworker_id_caseworker')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_company_contact_company_id_company')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_contact'))
    )
    with op.batch_alter_table('company_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_contact_company_id'), ['company_id'], unique=False)

    op.create_table('recruitment_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('positions', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_recruitment_order_company_id_company')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recruitment_order'))
    )
    with op.batch_alter_table('recruitment_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recruitment_order_company_id'), ['company_id'], unique=False)

    op.create_table('benefit_spell',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('target_group', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('visited_to_jobcenter', sa.Boolean(), nullable=False),
    sa.Column('early_followup_requested_on', sa.Date(), nullable=True),
    sa.Column('exempt_75', sa.Boolean(), nullable=False),
    sa.Column('exempt_75_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('agreed_contact_days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_benefit_spell_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_spell'))
    )
    with op.batch_alter_table('benefit_spell', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_spell_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benefit_spell_target_group'), ['target_group'], unique=False)

    op.create_table('conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('scheduled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('held_by', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('with_a_kasse', sa.Boolean(), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['caseworker_id'], ['caseworker.id'], name=op.f('fk_conversation_caseworker_id_caseworker')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_conversation_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation'))
    )
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_caseworker_id'), ['caseworker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversation_scheduled_at'), ['scheduled_at'], unique=False)

    op.create_table('employment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('hours_per_week', sa.Float(), nullable=True),
    sa.Column('completed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_employment_citizen_id_citizen')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_employment_company_id_company')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employment'))
    )
    with op.batch_alter_table('employment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employment_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_employment_company_id'), ['company_id'], unique=False)

    op.create_table('journal_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('written_on', sa.Date(), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['caseworker_id'], ['caseworker.id'], name=op.f('fk_journal_note_caseworker_id_caseworker')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_journal_note_citizen_id_citizen')),
    sa.ForeignKeyConstraint(['corrects_id'], ['journal_note.id'], name=op.f('fk_journal_note_corrects_id_journal_note')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_note'))
    )
    with op.batch_alter_table('journal_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_note_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('drop_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_milestone_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('offered_on', sa.Date(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('actual_end', sa.Date(), nullable=True),
    sa.Column('hours_per_week', sa.Float(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_offer_citizen_id_citizen')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_offer_company_id_company')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer'))
    )
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_kind'), ['kind'], unique=False)

    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('job_goal', sa.Text(), nullable=True),
    sa.Column('education_goal', sa.Text(), nullable=True),
    sa.Column('own_words', sa.Text(), nullable=True),
    sa.Column('job_search', sa.Text(), nullable=True),
    sa.Column('stabilising', sa.Text(), nullable=True),
    sa.Column('other_efforts', sa.Text(), nullable=True),
    sa.Column('updated_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], name=op.f('fk_plan_citizen_id_citizen')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan')),
    sa.UniqueConstraint('citizen_id', name=op.f('uq_plan_citizen_id'))
    )


def downgrade() -> None:
    op.drop_table('plan')
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_kind'))
        batch_op.drop_index(batch_op.f('ix_offer_company_id'))
        batch_op.drop_index(batch_op.f('ix_offer_citizen_id'))

    op.drop_table('offer')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_citizen_id'))

    op.drop_table('milestone')
    with op.batch_alter_table('journal_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_note_citizen_id'))

    op.drop_table('journal_note')
    with op.batch_alter_table('employment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employment_company_id'))
        batch_op.drop_index(batch_op.f('ix_employment_citizen_id'))

    op.drop_table('employment')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_scheduled_at'))
        batch_op.drop_index(batch_op.f('ix_conversation_citizen_id'))
        batch_op.drop_index(batch_op.f('ix_conversation_caseworker_id'))

    op.drop_table('conversation')
    with op.batch_alter_table('benefit_spell', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_spell_target_group'))
        batch_op.drop_index(batch_op.f('ix_benefit_spell_citizen_id'))

    op.drop_table('benefit_spell')
    with op.batch_alter_table('recruitment_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recruitment_order_company_id'))

    op.drop_table('recruitment_order')
    with op.batch_alter_table('company_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_contact_company_id'))

    op.drop_table('company_contact')
    with op.batch_alter_table('citizen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_last_name'))
        batch_op.drop_index(batch_op.f('ix_citizen_cpr'))
        batch_op.drop_index(batch_op.f('ix_citizen_caseworker_id'))
        batch_op.drop_index(batch_op.f('ix_citizen_birth_date'))

    op.drop_table('citizen')
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_name'))
        batch_op.drop_index(batch_op.f('ix_company_cvr'))

    op.drop_table('company')
    with op.batch_alter_table('caseworker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caseworker_initials'))

    op.drop_table('caseworker')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_initials'))
        batch_op.drop_index(batch_op.f('ix_audit_event_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_citizen_id'))

    op.drop_table('audit_event')
