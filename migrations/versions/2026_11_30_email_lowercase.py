"""registrations' email addresses stored lower-cased, checked by the database

Revision ID: 2026_11_30_email_lowercase
Revises: 2026_11_30_report_parts_branding
Create Date: 2026-11-30 23:00:00
"""
from __future__ import annotations

from alembic import op

revision = '2026_11_30_email_lowercase'
down_revision = '2026_11_30_report_parts_branding'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every path lower-cases already; an address stored otherwise by older code is lowered first.
    op.execute("UPDATE registration SET email = lower(email) WHERE email != lower(email)")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_registration_email_lowercase'), 'email = lower(email)')


def downgrade() -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_email_lowercase'), type_='check')
