"""breakouts: a proposed assignment kept between the console's requests until committed or discarded

Revision ID: 2026_12_01_breakout_drafts
Revises: 2026_12_01_owners
Create Date: 2026-12-01 01:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.core.types import UTCDateTime

revision = '2026_12_01_breakout_drafts'
down_revision = '2026_12_01_owners'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('breakout_draft',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('avoid_repeats_with_session_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', UTCDateTime(), nullable=False),
    sa.Column('proposed_by', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['avoid_repeats_with_session_id'], ['agenda_session.id'],
                            name=op.f('fk_breakout_draft_avoid_repeats_with_session_id_agenda_session'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_session.id'],
                            name=op.f('fk_breakout_draft_session_id_agenda_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_breakout_draft'))
    )
    op.create_index(op.f('ix_breakout_draft_avoid_repeats_with_session_id'), 'breakout_draft',
                    ['avoid_repeats_with_session_id'], unique=False)

    op.create_table('breakout_draft_place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('moved', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['group_id', 'session_id'], ['breakout_group.id', 'breakout_group.session_id'],
                            name=op.f('fk_breakout_draft_place_group_id_breakout_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'],
                            name=op.f('fk_breakout_draft_place_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['breakout_draft.session_id'],
                            name=op.f('fk_breakout_draft_place_session_id_breakout_draft'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breakout_draft_place')),
    sa.UniqueConstraint('registration_id', 'session_id', name=op.f('uq_breakout_draft_place_registration_id_session_id'))
    )
    op.create_index(op.f('ix_breakout_draft_place_group_id'), 'breakout_draft_place', ['group_id'], unique=False)
    op.create_index(op.f('ix_breakout_draft_place_session_id'), 'breakout_draft_place', ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_breakout_draft_place_session_id'), table_name='breakout_draft_place')
    op.drop_index(op.f('ix_breakout_draft_place_group_id'), table_name='breakout_draft_place')
    op.drop_table('breakout_draft_place')
    op.drop_index(op.f('ix_breakout_draft_avoid_repeats_with_session_id'), table_name='breakout_draft')
    op.drop_table('breakout_draft')
