"""mailings: messages to a chosen audience, and who received each

Revision ID: 2026_12_01_mailings
Revises: 2026_12_01_webhooks
Create Date: 2026-12-01 03:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types

revision = '2026_12_01_mailings'
down_revision = '2026_12_01_webhooks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mailing',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('audience', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('send_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sent_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_mailing_event_id_event'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mailing')),
    )
    op.create_index('ix_mailing_due', 'mailing', ['status', 'send_at'], unique=False)
    op.create_index(op.f('ix_mailing_event_id'), 'mailing', ['event_id'], unique=False)
    op.create_table(
        'mailing_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mailing_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id'], name=op.f('fk_mailing_recipient_mailing_id_mailing'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'],
                                name=op.f('fk_mailing_recipient_registration_id_registration'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mailing_recipient')),
    )
    op.create_index(op.f('ix_mailing_recipient_mailing_id'), 'mailing_recipient', ['mailing_id'], unique=False)
    op.create_index(op.f('ix_mailing_recipient_registration_id'), 'mailing_recipient', ['registration_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_mailing_recipient_registration_id'), table_name='mailing_recipient')
    op.drop_index(op.f('ix_mailing_recipient_mailing_id'), table_name='mailing_recipient')
    op.drop_table('mailing_recipient')
    op.drop_index(op.f('ix_mailing_event_id'), table_name='mailing')
    op.drop_index('ix_mailing_due', table_name='mailing')
    op.drop_table('mailing')
