"""agenda_session and breakout_group: when each last changed, the SEQUENCE of the calendar entries showing it

Revision ID: 2026_12_01_changed_at
Revises: 2026_12_01_message_rules
Create Date: 2026-12-01 04:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types

revision = '2026_12_01_changed_at'
down_revision = '2026_12_01_message_rules'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('agenda_session', 'breakout_group'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('updated_at', app.core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in ('breakout_group', 'agenda_session'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
