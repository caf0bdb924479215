"""The outbox: every email is a row written in the same transaction as the change it reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.queue import QueueItem
from app.core.types import UTCDateTime, utcnow


class OutboxEmail(QueueItem, table=True):
    """A queue item (app.core.queue): ``done`` means sent, at ``finished_at``."""

    __tablename__ = "outbox_email"
    __table_args__ = (Index("ix_outbox_email_due", "status", "due_at"),)

    id: int = Field(default=None, primary_key=True)
    template: str = Field(sa_column=Column(String(100), nullable=False))
    to_address: str = Field(sa_column=Column(String(254), nullable=False))
    # Rendered at delivery, not here: rendering inside the request's transaction would hold locks longer.
    context: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    # The same key twice means the same message: it is queued only once.
    dedup_key: str | None = Field(default=None, sa_column=Column(String(200), nullable=True, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class MessageText(SQLModel, table=True):
    """An event's own text of one message to its participants (app.notifications.texts), in place
    of the default; deleting the row restores the default."""

    __tablename__ = "message_text"
    __table_args__ = (UniqueConstraint("event_id", "message"),)

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False))
    message: str = Field(sa_column=Column(String(50), nullable=False))
    subject: str = Field(sa_column=Column(String(300), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
