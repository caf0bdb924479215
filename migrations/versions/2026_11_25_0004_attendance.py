"""attendance: check-ins of registrations to an event or one of its sessions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 08:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import app.core.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

EVENT_LEVEL = sa.text("session_id IS NULL")
SESSION_LEVEL = sa.text("session_id IS NOT NULL")


def upgrade() -> None:
    op.create_table('checkin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('checked_in_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checked_in_by_token_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['checked_in_by_token_id'], ['api_token.id'], name=op.f('fk_checkin_checked_in_by_token_id_api_token'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_checkin_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_checkin_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_session.id'], name=op.f('fk_checkin_session_id_agenda_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin'))
    )
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_event_session', ['event_id', 'session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_session_id'), ['session_id'], unique=False)
        batch_op.create_index('uq_checkin_event_level', ['registration_id'], unique=True, sqlite_where=EVENT_LEVEL, postgresql_where=EVENT_LEVEL)
        batch_op.create_index('uq_checkin_session_level', ['registration_id', 'session_id'], unique=True, sqlite_where=SESSION_LEVEL, postgresql_where=SESSION_LEVEL)


def downgrade() -> None:
    op.drop_table('checkin')
