"""message rules: an event's messages sent once, days before or after it, by the worker

Revision ID: 2026_12_01_message_rules
Revises: 2026_12_01_unsubscribe
Create Date: 2026-12-01 05:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types

revision = '2026_12_01_message_rules'
down_revision = '2026_12_01_unsubscribe'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'message_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('template', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('audience', sa.JSON(), nullable=False),
        sa.Column('anchor', sa.String(length=5), nullable=False),
        sa.Column('offset_days', sa.Integer(), nullable=False),
        sa.Column('send_time', sa.Time(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('armed_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ran_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('mailing_id', sa.Integer(), nullable=True),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=300), nullable=True),
        sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("anchor IN ('start', 'end')", name=op.f('ck_message_rule_anchor_start_or_end')),
        sa.CheckConstraint('offset_days BETWEEN -365 AND 365', name=op.f('ck_message_rule_offset_days_in_range')),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_message_rule_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'], name=op.f('fk_message_rule_mailing_id_mailing'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_rule')),
    )
    op.create_index(op.f('ix_message_rule_event_id'), 'message_rule', ['event_id'], unique=False)
    op.create_index(op.f('ix_message_rule_ran_at'), 'message_rule', ['ran_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_message_rule_ran_at'), table_name='message_rule')
    op.drop_index(op.f('ix_message_rule_event_id'), table_name='message_rule')
    op.drop_table('message_rule')
