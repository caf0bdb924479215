"""event drafts (published) and who organises an event (organised_by, printed on certificates)

Existing events were public, so they stay published.

Revision ID: 2026_11_30_event_drafts
Revises: 2026_11_30_console_accounts
Create Date: 2026-11-30 22:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '2026_11_30_event_drafts'
down_revision = '2026_11_30_console_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organised_by', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('published')
        batch_op.drop_column('organised_by')
