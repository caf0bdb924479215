"""A registration links a participant to an event; its status is the workflow's state."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, enum_column, utcnow
from app.directory.models import display_name


class RegistrationStatus(str, enum.Enum):
    pending_confirmation = "pending_confirmation"
    pending_approval = "pending_approval"
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    rejected = "rejected"
    cancelled = "cancelled"
    expired = "expired"


# Statuses that hold a seat: confirmation or approval can then never overbook.
SEAT_STATUSES = (
    RegistrationStatus.pending_confirmation,
    RegistrationStatus.pending_approval,
    RegistrationStatus.confirmed,
)
# Statuses that hold (or wait for) a seat; one email may have only one of these per event.
LIVE_STATUSES = (
    RegistrationStatus.pending_confirmation,
    RegistrationStatus.pending_approval,
    RegistrationStatus.confirmed,
    RegistrationStatus.waitlisted,
)
_LIVE_SQL = "status IN ('pending_confirmation', 'pending_approval', 'confirmed', 'waitlisted')"


class Publication(str, enum.Enum):
    """May the participant's name appear in lists: to everyone, to other participants, or to nobody."""

    everyone = "everyone"
    participants = "participants"
    nobody = "nobody"


class Registration(SQLModel, table=True):
    __tablename__ = "registration"
    __table_args__ = (
        Index(
            "uq_registration_live_email",
            "event_id",
            "email",
            unique=True,
            sqlite_where=text(_LIVE_SQL),
            postgresql_where=text(_LIVE_SQL),
        ),
        Index("ix_registration_event_status", "event_id", "status"),
        # The live-email index compares addresses as stored: code that forgot to lower-case one
        # would slip a second registration past it, so the database refuses such an address.
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False))
    person_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True, index=True)
    )
    first_name: str = Field(sa_column=Column(String(100), nullable=False))
    last_name: str = Field(sa_column=Column(String(100), nullable=False))
    # Stored lower-cased so the partial unique index catches the same address in another case.
    email: str = Field(sa_column=Column(String(254), nullable=False))
    organisation_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("organisation.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    country: str | None = Field(default=None, sa_column=Column(String(2), nullable=True))
    project_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    status: RegistrationStatus = Field(
        sa_column=Column(enum_column(RegistrationStatus, "registration_status"), nullable=False)
    )
    # Orders the waiting list: lower goes first. Positions (1, 2, ...) are derived from it.
    waitlist_rank: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    publication: Publication = Field(
        default=Publication.nobody, sa_column=Column(enum_column(Publication, "publication"), nullable=False)
    )
    privacy_consented_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    privacy_wording_version: str | None = Field(default=None, sa_column=Column(String(40), nullable=True))
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    # The unguessable code behind the participant's QR code; checked in by it at the door.
    checkin_code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # The workflow's memory: a step once passed is not asked again after a stay on the waiting list.
    email_confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    approved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # When a pending_confirmation registration lapses and frees its seat.
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    reminded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    anonymised_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # When the participant asked for no more optional messages (the organisers' mailings); None: they
    # receive them. Messages about their registration itself are sent whatever this says.
    unsubscribed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))

    @property
    def full_name(self) -> str:
        return display_name(self.first_name, self.last_name)


class QuestionKind(str, enum.Enum):
    text = "text"
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    yes_no = "yes_no"
    consent = "consent"


class Question(SQLModel, table=True):
    """A custom question of one event's registration form; answers are keyed by ``key``."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("event_id", "key"),)

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    key: str = Field(sa_column=Column(String(40), nullable=False))
    label: str = Field(sa_column=Column(String(300), nullable=False))
    help_text: str | None = Field(default=None, sa_column=Column(String(1000), nullable=True))
    kind: QuestionKind = Field(sa_column=Column(enum_column(QuestionKind, "question_kind"), nullable=False))
    required: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    # The allowed answers of a single or multiple choice question, in display order.
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    position: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
