"""webhooks: hooks and their deliveries (a queue)

Revision ID: 2026_12_01_webhooks
Revises: 2026_12_01_message_texts
Create Date: 2026-12-01 03:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types

revision = '2026_12_01_webhooks'
down_revision = '2026_12_01_message_texts'
branch_labels = None
depends_on = None

STATUSES = ('queued', 'running', 'done', 'failed')


def upgrade() -> None:
    op.create_table(
        'webhook',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('secret', sa.String(length=100), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('consecutive_failures', sa.Integer(), nullable=False),
        sa.Column('disabled_reason', sa.Text(), nullable=True),
        sa.Column('created_by', sa.String(length=300), nullable=True),
        sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_webhook_event_id_event'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook')),
    )
    op.create_index(op.f('ix_webhook_event_id'), 'webhook', ['event_id'], unique=False)
    op.create_table(
        'webhook_delivery',
        sa.Column('status', sa.Enum(*STATUSES, name='queue_status', native_enum=False, create_constraint=True,
                                    length=32), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('due_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('finished_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('webhook_id', sa.Integer(), nullable=False),
        sa.Column('event_type', sa.String(length=50), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('response_status', sa.Integer(), nullable=True),
        sa.Column('response_ms', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(['webhook_id'], ['webhook.id'], name=op.f('fk_webhook_delivery_webhook_id_webhook'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery')),
    )
    op.create_index('ix_webhook_delivery_due', 'webhook_delivery', ['status', 'due_at'], unique=False)
    op.create_index(op.f('ix_webhook_delivery_webhook_id'), 'webhook_delivery', ['webhook_id'], unique=False)


def downgrade() -> None:
    op.drop_table('webhook_delivery')
    op.drop_table('webhook')
