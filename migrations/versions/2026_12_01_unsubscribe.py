"""unsubscribe: a participant's opt-out from optional messages, and how many a mailing skipped

Revision ID: 2026_12_01_unsubscribe
Revises: 2026_12_01_mailings
Create Date: 2026-12-01 04:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types

revision = '2026_12_01_unsubscribe'
down_revision = '2026_12_01_mailings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribed_at', app.core.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skipped', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('mailing', schema=None) as batch_op:
        batch_op.drop_column('skipped')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('unsubscribed_at')
