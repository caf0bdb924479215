"""one queue: the outbox and jobs share their columns and one status enum (queued, running, done, failed)

Emails: sending -> running, sent -> done; next_attempt_at -> due_at, sent_at -> finished_at.
Jobs: run_after -> due_at, error -> last_error.

Revision ID: 2026_11_30_one_queue
Revises: 2026_11_30_registration_history
Create Date: 2026-11-30 22:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2026_11_30_one_queue"
down_revision = "2026_11_30_registration_history"
branch_labels = None
depends_on = None

STATUSES = ("queued", "running", "done", "failed")
OLD_EMAIL_STATUSES = ("queued", "sending", "sent", "failed")
# table -> {old column: new column}
RENAMES = {
    "outbox_email": {"next_attempt_at": "due_at", "sent_at": "finished_at"},
    "job": {"run_after": "due_at", "error": "last_error"},
}
OLD_CHECKS = {"outbox_email": "email_status", "job": "job_status"}
EMAIL_STATUS_MAP = {"sending": "running", "sent": "done"}


def _status_type(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _move(table: str, renames: dict[str, str], old_check: str, new_check: str, new_values: tuple[str, ...],
          status_map: dict[str, str]) -> None:
    due_column = next(new for old, new in renames.items() if "due_at" in (old, new))
    with op.batch_alter_table(table) as batch:
        batch.drop_index(f"ix_{table}_due")
        batch.drop_constraint(op.f(f"ck_{table}_{old_check}"), type_="check")
        for old, new in renames.items():
            batch.alter_column(old, new_column_name=new)
    for old, new in status_map.items():
        op.execute(sa.text(f"UPDATE {table} SET status = :new WHERE status = :old").bindparams(old=old, new=new))
    with op.batch_alter_table(table) as batch:
        batch.create_check_constraint(op.f(f"ck_{table}_{new_check}"),
                                      sa.column("status").in_(new_values))
        batch.create_index(f"ix_{table}_due", ["status", due_column], unique=False)


def upgrade() -> None:
    for table, renames in RENAMES.items():
        _move(table, renames, OLD_CHECKS[table], "queue_status", STATUSES,
              EMAIL_STATUS_MAP if table == "outbox_email" else {})


def downgrade() -> None:
    for table, renames in RENAMES.items():
        back = {new: old for old, new in renames.items()}
        old_values = OLD_EMAIL_STATUSES if table == "outbox_email" else STATUSES
        status_map = {new: old for old, new in EMAIL_STATUS_MAP.items()} if table == "outbox_email" else {}
        _move(table, back, "queue_status", OLD_CHECKS[table], old_values, status_map)
