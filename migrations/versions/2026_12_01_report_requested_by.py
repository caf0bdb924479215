"""report: who asked for it (an account or an API token), shown in the console's list of versions

Revision ID: 2026_12_01_report_requested_by
Revises: 2026_12_01_breakout_drafts
Create Date: 2026-12-01 01:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '2026_12_01_report_requested_by'
down_revision = '2026_12_01_breakout_drafts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_by', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('requested_by')
