"""The outbox: every email is a row written in the same transaction as the change it reports."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, enum_column, utcnow


class EmailStatus(str, enum.Enum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class OutboxEmail(SQLModel, table=True):
    __tablename__ = "outbox_email"
    __table_args__ = (Index("ix_outbox_email_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    template: str = Field(sa_column=Column(String(100), nullable=False))
    to_address: str = Field(sa_column=Column(String(254), nullable=False))
    # Rendered at delivery, not here: rendering inside the request's transaction would hold locks longer.
    context: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    # The same key twice means the same message: it is queued only once.
    dedup_key: str | None = Field(default=None, sa_column=Column(String(200), nullable=True, unique=True))
    status: EmailStatus = Field(default=EmailStatus.queued, sa_column=Column(enum_column(EmailStatus, "email_status"), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
