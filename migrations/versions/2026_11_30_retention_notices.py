"""event: a contact address for organiser notices, when the retention notice was sent, the last approval digest

Revision ID: 2026_11_30_retention_notices
Revises: 2026_11_30_idempotency_keys
Create Date: 2026-11-30 22:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.core.types import UTCDateTime

revision = '2026_11_30_retention_notices'
down_revision = '2026_11_30_idempotency_keys'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('retention_notice_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('approval_digest_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('approval_digest_at')
        batch_op.drop_column('retention_notice_at')
        batch_op.drop_column('contact_email')
