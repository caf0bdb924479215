"""breakouts: groups of a breakout session, ranked preferences, assignments, per-session settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 08:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import app.core.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _group_of_session(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ['group_id', 'session_id'], ['breakout_group.id', 'breakout_group.session_id'],
        name=op.f(f'fk_{table}_group_id_breakout_group'), ondelete='CASCADE',
    )


def upgrade() -> None:
    op.create_table('breakout_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('theme', sa.Text(), nullable=True),
    sa.Column('room', sa.String(length=200), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('facilitator_person_id', sa.Integer(), nullable=True),
    sa.Column('rapporteur_person_id', sa.Integer(), nullable=True),
    sa.Column('report_notes', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_breakout_group_capacity_not_negative')),
    sa.ForeignKeyConstraint(['facilitator_person_id'], ['person.id'], name=op.f('fk_breakout_group_facilitator_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rapporteur_person_id'], ['person.id'], name=op.f('fk_breakout_group_rapporteur_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_session.id'], name=op.f('fk_breakout_group_session_id_agenda_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breakout_group')),
    sa.UniqueConstraint('id', 'session_id', name=op.f('uq_breakout_group_id_session_id'))
    )
    op.create_index(op.f('ix_breakout_group_facilitator_person_id'), 'breakout_group', ['facilitator_person_id'], unique=False)
    op.create_index(op.f('ix_breakout_group_rapporteur_person_id'), 'breakout_group', ['rapporteur_person_id'], unique=False)
    op.create_index(op.f('ix_breakout_group_session_id'), 'breakout_group', ['session_id'], unique=False)

    op.create_table('breakout_settings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('max_preferences', sa.Integer(), nullable=False),
    sa.Column('preferences_open', sa.Boolean(), nullable=False),
    sa.Column('max_per_country', sa.Integer(), nullable=True),
    sa.Column('max_per_organisation', sa.Integer(), nullable=True),
    sa.Column('committed_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('max_per_country IS NULL OR max_per_country >= 1', name=op.f('ck_breakout_settings_max_per_country_positive')),
    sa.CheckConstraint('max_per_organisation IS NULL OR max_per_organisation >= 1', name=op.f('ck_breakout_settings_max_per_organisation_positive')),
    sa.CheckConstraint('max_preferences >= 1 AND max_preferences <= 10', name=op.f('ck_breakout_settings_max_preferences_range')),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_session.id'], name=op.f('fk_breakout_settings_session_id_agenda_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_breakout_settings'))
    )

    op.create_table('breakout_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_breakout_preference_rank_positive')),
    _group_of_session('breakout_preference'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_breakout_preference_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breakout_preference')),
    sa.UniqueConstraint('registration_id', 'group_id', name=op.f('uq_breakout_preference_registration_id_group_id')),
    sa.UniqueConstraint('registration_id', 'session_id', 'rank', name=op.f('uq_breakout_preference_registration_id_session_id_rank'))
    )
    op.create_index(op.f('ix_breakout_preference_group_id'), 'breakout_preference', ['group_id'], unique=False)
    op.create_index(op.f('ix_breakout_preference_session_id'), 'breakout_preference', ['session_id'], unique=False)

    op.create_table('breakout_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('source', sa.Enum('solver', 'manual', name='assignment_source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('assigned_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('notified_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    _group_of_session('breakout_assignment'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_breakout_assignment_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breakout_assignment')),
    sa.UniqueConstraint('registration_id', 'session_id', name=op.f('uq_breakout_assignment_registration_id_session_id'))
    )
    op.create_index(op.f('ix_breakout_assignment_group_id'), 'breakout_assignment', ['group_id'], unique=False)
    op.create_index(op.f('ix_breakout_assignment_session_id'), 'breakout_assignment', ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_table('breakout_assignment')
    op.drop_table('breakout_preference')
    op.drop_table('breakout_settings')
    op.drop_table('breakout_group')
