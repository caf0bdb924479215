"""Messages to a chosen audience: the mailing as written, and who received it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, utcnow


class Mailing(SQLModel, table=True):
    """``status`` is "scheduled" until ``send_at`` (the worker then claims it with an UPDATE guarded
    by the status, so it is sent once) and "sent" once its emails are queued."""

    __tablename__ = "mailing"
    __table_args__ = (Index("ix_mailing_due", "status", "send_at"),)

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    subject: str = Field(sa_column=Column(String(300), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    audience: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))  # the filters
    status: str = Field(sa_column=Column(String(20), nullable=False))
    send_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    recipients: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    # Participants the filters picked who had unsubscribed from optional messages: not sent.
    skipped: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class MailingRecipient(SQLModel, table=True):
    """One participant who was sent the mailing, with the address it went to."""

    __tablename__ = "mailing_recipient"

    id: int = Field(default=None, primary_key=True)
    mailing_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mailing.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    registration_id: int = Field(
        sa_column=Column(Integer, ForeignKey("registration.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    email: str = Field(sa_column=Column(String(254), nullable=False))
