"""organisation and project: indexes on the lowered name and acronym, by which every registration looks them up

Revision ID: 2026_12_01_organisation_name
Revises: 2026_12_01_changed_at
Create Date: 2026-12-01 18:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '2026_12_01_organisation_name'
down_revision = '2026_12_01_changed_at'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_organisation_lower_name', 'organisation', [sa.text('lower(name)')], unique=False)
    op.create_index('ix_project_lower_acronym', 'project', [sa.text('lower(acronym)')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_project_lower_acronym', table_name='project')
    op.drop_index('ix_organisation_lower_name', table_name='organisation')
