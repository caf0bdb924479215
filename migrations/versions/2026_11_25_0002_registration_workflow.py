"""registration workflow: custom questions, and the workflow's timestamps on registrations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 08:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import app.core.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_WORKFLOW_COLUMNS = ('email_confirmed_at', 'approved_at', 'expires_at', 'reminded_at')


def upgrade() -> None:
    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('help_text', sa.String(length=1000), nullable=True),
    sa.Column('kind', sa.Enum('text', 'single_choice', 'multiple_choice', 'yes_no', 'consent', name='question_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_question_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    sa.UniqueConstraint('event_id', 'key', name=op.f('uq_question_event_id_key'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('registration', schema=None) as batch_op:
        for name in _WORKFLOW_COLUMNS:
            batch_op.add_column(sa.Column(name, app.core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        for name in reversed(_WORKFLOW_COLUMNS):
            batch_op.drop_column(name)

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_event_id'))

    op.drop_table('question')
