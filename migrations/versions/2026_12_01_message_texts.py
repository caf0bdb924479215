"""message texts: an event's own subject and body for a message to its participants

Revision ID: 2026_12_01_message_texts
Revises: 2026_12_01_report_requested_by
Create Date: 2026-12-01 02:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types

revision = '2026_12_01_message_texts'
down_revision = '2026_12_01_report_requested_by'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'message_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=50), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_message_text_event_id_event'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_text')),
        sa.UniqueConstraint('event_id', 'message', name=op.f('uq_message_text_event_id_message')),
    )


def downgrade() -> None:
    op.drop_table('message_text')
