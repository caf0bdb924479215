"""idempotency keys: the first answer to a POST sent with an Idempotency-Key, replayed on a retry

Revision ID: 2026_11_30_idempotency_keys
Revises: 2026_11_30_one_queue
Create Date: 2026-11-30 22:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.types

revision = "2026_11_30_idempotency_keys"
down_revision = "2026_11_30_one_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotent_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_hash", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_request")),
        sa.UniqueConstraint("scope_hash", name=op.f("uq_idempotent_request_scope_hash")),
    )


def downgrade() -> None:
    op.drop_table("idempotent_request")
