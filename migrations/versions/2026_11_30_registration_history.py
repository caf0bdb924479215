"""registration history: who changed what in a registration, and when (one row per change)

Revision ID: 2026_11_30_registration_history
Revises: 2026_11_30_email_lowercase
Create Date: 2026-11-30 22:27:05.185445
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types


revision = '2026_11_30_registration_history'
down_revision = '2026_11_30_email_lowercase'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registration_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.Enum('registered', 'email_confirmed', 'approved', 'rejected', 'cancelled', 'expired', 'promoted', 'seat_came_free', 'edited', 'link_resent', 'erased', name='registration_change_action', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('by', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_registration_change_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_change'))
    )
    with op.batch_alter_table('registration_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_change_registration_id'), ['registration_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('registration_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_change_registration_id'))

    op.drop_table('registration_change')
