"""report parts (agenda items grouped into one section), branding per event, images for the narrative,
and the options a report was generated with

Revision ID: 2026_11_30_report_parts_branding
Revises: 2026_11_30_event_drafts
Create Date: 2026-11-30 21:48:43.132851
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types


revision = '2026_11_30_report_parts_branding'
down_revision = '2026_11_30_event_drafts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_branding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=True),
    sa.Column('programme_name', sa.String(length=200), nullable=True),
    sa.Column('primary_colour', sa.String(length=7), nullable=True),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_type', sa.String(length=40), nullable=True),
    sa.Column('updated_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('primary_colour IS NULL OR length(primary_colour) = 7', name=op.f('ck_event_branding_colour_hex')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_branding_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_branding')),
    sa.UniqueConstraint('event_id', name=op.f('uq_event_branding_event_id'))
    )
    op.create_table('report_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=True),
    sa.Column('key_points', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_report_part_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_part'))
    )
    with op.batch_alter_table('report_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_part_event_id'), ['event_id'], unique=False)

    op.create_table('report_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('caption', sa.String(length=500), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_report_image_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_session.id'], name=op.f('fk_report_image_session_id_agenda_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_image'))
    )
    with op.batch_alter_table('report_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_image_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_image_session_id'), ['session_id'], unique=False)

    op.create_table('report_part_session',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['part_id'], ['report_part.id'], name=op.f('fk_report_part_session_part_id_report_part'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['agenda_session.id'], name=op.f('fk_report_part_session_session_id_agenda_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_report_part_session'))
    )
    with op.batch_alter_table('report_part_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_part_session_part_id'), ['part_id'], unique=False)

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('options', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))



def downgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('options')

    with op.batch_alter_table('report_part_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_part_session_part_id'))

    op.drop_table('report_part_session')
    with op.batch_alter_table('report_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_image_session_id'))
        batch_op.drop_index(batch_op.f('ix_report_image_event_id'))

    op.drop_table('report_image')
    with op.batch_alter_table('report_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_part_event_id'))

    op.drop_table('report_part')
    op.drop_table('event_branding')
