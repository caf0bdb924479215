"""owners: report templates, people, organisations and projects record the account (or CLI token)
that created them; existing rows have none and count as an admin's

Revision ID: 2026_12_01_owners
Revises: 2026_11_30_retention_notices
Create Date: 2026-12-01 01:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '2026_12_01_owners'
down_revision = '2026_11_30_retention_notices'
branch_labels = None
depends_on = None

TABLES = ('organisation', 'person', 'project', 'report_template')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('owner_account_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('owner_token_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_owner_account_id'), ['owner_account_id'], unique=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_owner_token_id'), ['owner_token_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_owner_account_id_account'), 'account',
                                        ['owner_account_id'], ['id'], ondelete='SET NULL')
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_owner_token_id_api_token'), 'api_token',
                                        ['owner_token_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_owner_token_id_api_token'), type_='foreignkey')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_owner_account_id_account'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_owner_token_id'))
            batch_op.drop_index(batch_op.f(f'ix_{table}_owner_account_id'))
            batch_op.drop_column('owner_token_id')
            batch_op.drop_column('owner_account_id')
