"""Scheduled rules: an event's message that ``convene worker`` sends once, a set number of days
before or after the event, to a chosen audience (the sending goes through a mailing)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import JSON, Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Text, Time
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, utcnow


class MessageRule(SQLModel, table=True):
    """Due on the event's start (or end) date in the event's time zone, plus ``offset_days``, at
    ``send_time`` on the venue's clock. It runs only if that moment comes after ``armed_at`` (when it
    was created, last edited or enabled): a rule set up too late is "missed", never sent late. The
    worker claims it by setting ``ran_at`` with an UPDATE guarded by ``ran_at IS NULL`` and the
    ``revision`` it read, so it runs once; a rule that ran is never changed again."""

    __tablename__ = "message_rule"
    __table_args__ = (
        CheckConstraint("anchor IN ('start', 'end')", name="anchor_start_or_end"),
        CheckConstraint("offset_days BETWEEN -365 AND 365", name="offset_days_in_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    template: str = Field(sa_column=Column(String(40), nullable=False))  # the template it was made from
    name: str = Field(sa_column=Column(String(120), nullable=False))
    subject: str = Field(sa_column=Column(String(300), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    audience: dict = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )  # a mailing's filters
    anchor: str = Field(sa_column=Column(String(5), nullable=False))  # "start" or "end" of the event
    offset_days: int = Field(sa_column=Column(Integer, nullable=False))  # negative: before
    send_time: time = Field(sa_column=Column(Time, nullable=False))  # on the event's clock
    enabled: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, default=True))
    revision: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))
    armed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    ran_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    mailing_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("mailing.id", ondelete="SET NULL"), nullable=True)
    )
    recipients: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    outcome: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))  # why nothing was sent
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
