"""A hook (a URL, the change types it wants, its secret) and its deliveries, a queue (app.core.queue)
written in the same transaction as the change each one reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from app.core.queue import QueueItem
from app.core.types import UTCDateTime, utcnow


class Webhook(SQLModel, table=True):
    __tablename__ = "webhook"

    id: int = Field(default=None, primary_key=True)
    # None: every event (only an organiser of all events may create such a hook).
    event_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=True, index=True)
    )
    url: str = Field(sa_column=Column(String(2000), nullable=False))
    events: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    # Shown once when created; kept because each delivery is signed with it.
    secret: str = Field(sa_column=Column(String(100), nullable=False))
    enabled: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, default=True))
    consecutive_failures: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    disabled_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_by: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class WebhookDelivery(QueueItem, table=True):
    """One change for one hook; ``done`` means the receiver answered 2xx."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "due_at"),)

    id: int = Field(default=None, primary_key=True)
    webhook_id: int = Field(
        sa_column=Column(Integer, ForeignKey("webhook.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    event_type: str = Field(sa_column=Column(String(50), nullable=False))
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # The last attempt's answer: its HTTP status (None when there was none) and how long it took.
    response_status: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    response_ms: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
