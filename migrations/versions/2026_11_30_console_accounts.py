"""console accounts: people who sign in (Argon2 password, role, events), their sign-in sessions,
one-time password-reset links; API tokens gain their owner account and when they were last used

Revision ID: 2026_11_30_console_accounts
Revises: 2026_11_30_event_seat_counters
Create Date: 2026-11-30 21:47:45.996856
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types


revision = '2026_11_30_console_accounts'
down_revision = '2026_11_30_event_seat_counters'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'organiser', 'checkin', name='account_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_sign_in_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('disabled_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_sign_ins', sa.Integer(), nullable=False),
    sa.Column('locked_until', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('email', name=op.f('uq_account_email'))
    )
    op.create_table('account_event',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_event_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_account_event_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'event_id', name=op.f('pk_account_event'))
    )
    with op.batch_alter_table('account_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_event_event_id'), ['event_id'], unique=False)

    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_password_reset_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset'))
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_account_id'), ['account_id'], unique=False)

    op.create_table('sign_in_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_sign_in_session_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_session_token_hash'))
    )
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_session_account_id'), ['account_id'], unique=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', app.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_api_token_account_id'), ['account_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_api_token_account_id_account'), 'account', ['account_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_token_account_id_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_api_token_account_id'))
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('account_id')

    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_session_account_id'))

    op.drop_table('sign_in_session')
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_account_id'))

    op.drop_table('password_reset')
    with op.batch_alter_table('account_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_event_event_id'))

    op.drop_table('account_event')
    op.drop_table('account')
