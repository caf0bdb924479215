"""Breakout groups of a session, participants' ranked preferences, and who sits where.

A group belongs to one breakout session; preferences and assignments carry the session too, and a
composite foreign key (group_id, session_id) makes the database refuse a group of another session.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime, enum_column, utcnow

DEFAULT_MAX_PREFERENCES = 3


def _session_column() -> Column:
    return Column(Integer, ForeignKey("agenda_session.id", ondelete="CASCADE"), nullable=False, index=True)


def _registration_column() -> Column:
    # No index of its own: the unique constraints below start with registration_id.
    return Column(Integer, ForeignKey("registration.id", ondelete="CASCADE"), nullable=False)


def _group_of_session() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["group_id", "session_id"], ["breakout_group.id", "breakout_group.session_id"], ondelete="CASCADE"
    )


class BreakoutGroup(SQLModel, table=True):
    """A working group: a title, a theme, a room, a capacity, a facilitator and a rapporteur."""

    __tablename__ = "breakout_group"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        # The target of the composite foreign keys below.
        UniqueConstraint("id", "session_id"),
    )

    id: int = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_session_column())
    title: str = Field(sa_column=Column(String(300), nullable=False))
    theme: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    room: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    capacity: int = Field(sa_column=Column(Integer, nullable=False))
    facilitator_person_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True, index=True)
    )
    rapporteur_person_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True, index=True)
    )
    report_notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    position: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    # When an organiser last changed it (its room, title...); None: not since it was added. Its
    # members' calendar feeds derive their breakout entry's SEQUENCE from it.
    updated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class BreakoutSettings(SQLModel, table=True):
    """Per breakout session: how many groups a participant may rank, whether choices are open, the caps."""

    __tablename__ = "breakout_settings"
    __table_args__ = (
        CheckConstraint("max_preferences >= 1 AND max_preferences <= 10", name="max_preferences_range"),
        CheckConstraint("max_per_country IS NULL OR max_per_country >= 1", name="max_per_country_positive"),
        CheckConstraint(
            "max_per_organisation IS NULL OR max_per_organisation >= 1", name="max_per_organisation_positive"
        ),
    )

    session_id: int = Field(
        sa_column=Column(Integer, ForeignKey("agenda_session.id", ondelete="CASCADE"), primary_key=True)
    )
    max_preferences: int = Field(
        default=DEFAULT_MAX_PREFERENCES, sa_column=Column(Integer, nullable=False, default=DEFAULT_MAX_PREFERENCES)
    )
    preferences_open: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, default=True))
    max_per_country: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    max_per_organisation: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # Set by the last committed assignment: from then on participants see their group.
    committed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class BreakoutPreference(SQLModel, table=True):
    """One ranked choice: rank 1 is the participant's first choice."""

    __tablename__ = "breakout_preference"
    __table_args__ = (
        CheckConstraint("rank >= 1", name="rank_positive"),
        UniqueConstraint("registration_id", "session_id", "rank"),
        UniqueConstraint("registration_id", "group_id"),
        _group_of_session(),
    )

    id: int = Field(default=None, primary_key=True)
    registration_id: int = Field(sa_column=_registration_column())
    session_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    group_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    rank: int = Field(sa_column=Column(Integer, nullable=False))


class AssignmentSource(str, enum.Enum):
    solver = "solver"
    manual = "manual"


class BreakoutAssignment(SQLModel, table=True):
    """The group a confirmed participant sits in for one breakout session; locked ones survive a re-solve."""

    __tablename__ = "breakout_assignment"
    __table_args__ = (
        UniqueConstraint("registration_id", "session_id"),
        _group_of_session(),
    )

    id: int = Field(default=None, primary_key=True)
    registration_id: int = Field(sa_column=_registration_column())
    session_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    group_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    locked: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    source: AssignmentSource = Field(
        sa_column=Column(enum_column(AssignmentSource, "assignment_source"), nullable=False)
    )
    assigned_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # When the participant was emailed this group; cleared when the group changes.
    notified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class BreakoutDraft(SQLModel, table=True):
    """An organiser's proposed assignment for one session, kept between requests until it is committed
    (written to :class:`BreakoutAssignment` and emailed) or discarded. Participants never see it."""

    __tablename__ = "breakout_draft"

    session_id: int = Field(
        sa_column=Column(Integer, ForeignKey("agenda_session.id", ondelete="CASCADE"), primary_key=True)
    )
    # A second round: the other breakout session whose group mates the proposal keeps apart.
    avoid_repeats_with_session_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("agenda_session.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    proposed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    proposed_by: str = Field(sa_column=Column(String(300), nullable=False))


class BreakoutDraftPlace(SQLModel, table=True):
    """One person's place in a draft; locked places stay put when the proposal is solved again."""

    __tablename__ = "breakout_draft_place"
    __table_args__ = (
        UniqueConstraint("registration_id", "session_id"),
        _group_of_session(),
    )

    id: int = Field(default=None, primary_key=True)
    registration_id: int = Field(sa_column=_registration_column())
    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("breakout_draft.session_id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    group_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    locked: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    # Placed by the organiser's hand rather than the solver (saved as a manual assignment on commit).
    moved: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
