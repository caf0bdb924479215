"""An event: one workshop with its dates, place, capacity and registration rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Column, Integer, String, Text, true
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, utcnow


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: int = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    subtitle: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    timezone: str = Field(sa_column=Column(String(64), nullable=False))
    venue: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    city: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    country: str | None = Field(default=None, sa_column=Column(String(2), nullable=True))
    capacity: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    registration_opens_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    registration_closes_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    requires_approval: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    email_confirmation: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    # Who organises the event: printed on certificates of attendance as their issuer.
    organised_by: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    # A draft (false) has no public pages and takes no registrations.
    published: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, default=True, server_default=true())
    )
    # Days after the event ends before its participants are anonymised; null: the default period.
    retention_days: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # Kept by app.registration.capacity in the transaction of every status change, so that deciding a
    # seat needs no count of the registrations: seats held (pending or confirmed), people waiting,
    # and the last waiting-list rank given out. ``convene check`` compares them with the counts.
    seats_held: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    waiting_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    last_waitlist_rank: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    # Where notices about the event go (retention, approvals waiting); null: CONVENE_ORGANISER_EMAIL.
    contact_email: str | None = Field(default=None, sa_column=Column(String(254), nullable=True))
    # When the organisers were told that the retention period had passed: the grace period runs from here.
    retention_notice_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # When the last daily digest of registrations awaiting approval was queued.
    approval_digest_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
