"""seat and waiting-list counters on the event row, filled from the registrations

Revision ID: 2026_11_30_event_seat_counters
Revises: 0006
Create Date: 2026-11-30 22:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '2026_11_30_event_seat_counters'
down_revision = '0006'
branch_labels = None
depends_on = None

_COLUMNS = ('seats_held', 'waiting_count', 'last_waitlist_rank')
_SEAT = "('pending_confirmation', 'pending_approval', 'confirmed')"


def upgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
    op.execute(
        "UPDATE event SET"
        f" seats_held = (SELECT count(*) FROM registration r WHERE r.event_id = event.id AND r.status IN {_SEAT}),"
        " waiting_count = (SELECT count(*) FROM registration r WHERE r.event_id = event.id AND r.status = 'waitlisted'),"
        " last_waitlist_rank = (SELECT coalesce(max(r.waitlist_rank), 0) FROM registration r WHERE r.event_id = event.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.drop_column(name)
