"""The organisers' narrative, the generated reports and the organisers' own report templates."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from app.core.ownership import owner_account_field, owner_token_field
from app.core.types import UTCDateTime, enum_column, utcnow
from app.reports.formats import ReportFormat


class ReportStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class TemplateKind(str, enum.Enum):
    """What an uploaded template produces: HTML (for the html and pdf formats) or Markdown."""

    html = "html"
    md = "md"


class EventNarrative(SQLModel, table=True):
    """What the organisers write about the event; the lists are JSON (see schemas.NarrativeWrite)."""

    __tablename__ = "event_narrative"

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    introduction: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    participation_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    key_messages: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    conclusions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    next_steps: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    links: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    contacts: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class SessionNote(SQLModel, table=True):
    """Notes and key points about one agenda session, printed in its section of the report."""

    __tablename__ = "session_note"

    id: int = Field(default=None, primary_key=True)
    session_id: int = Field(
        sa_column=Column(Integer, ForeignKey("agenda_session.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    key_points: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ReportTemplate(SQLModel, table=True):
    """An organiser's own Jinja2 template, rendered in the sandbox."""

    __tablename__ = "report_template"

    id: int = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    kind: TemplateKind = Field(sa_column=Column(enum_column(TemplateKind, "report_template_kind"), nullable=False))
    source: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # Its creator (app.core.ownership): organisers see only their own; none = an admin's.
    owner_account_id: int | None = owner_account_field()
    owner_token_id: int | None = owner_token_field()


class Report(SQLModel, table=True):
    """One generated report; its bytes live in the database so every machine can serve them."""

    __tablename__ = "report"

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    format: ReportFormat = Field(sa_column=Column(enum_column(ReportFormat, "report_format"), nullable=False))
    template: str = Field(sa_column=Column(String(80), nullable=False))
    status: ReportStatus = Field(
        default=ReportStatus.queued, sa_column=Column(enum_column(ReportStatus, "report_status"), nullable=False)
    )
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    filename: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    checksum: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    size: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    options: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    # Who asked for it: the account's name and address, or the API token's name (None before this was kept).
    requested_by: str | None = Field(default=None, sa_column=Column(String(300), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    generated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ReportFile(SQLModel, table=True):
    """A report's bytes, apart from its row so that reading a status never pulls megabytes of PDF."""

    __tablename__ = "report_file"

    report_id: int = Field(sa_column=Column(Integer, ForeignKey("report.id", ondelete="CASCADE"), primary_key=True))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ReportPart(SQLModel, table=True):
    """A part of the day that groups consecutive agenda items into one section of the report
    ("Session one: presentations on cluster policy updates"), with its own introduction and key points."""

    __tablename__ = "report_part"

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int = Field(sa_column=Column(Integer, nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    introduction: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    key_points: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))


class ReportPartSession(SQLModel, table=True):
    """An agenda item's part; an item belongs to one part at most (the primary key says so)."""

    __tablename__ = "report_part_session"

    session_id: int = Field(
        sa_column=Column(Integer, ForeignKey("agenda_session.id", ondelete="CASCADE"), primary_key=True)
    )
    part_id: int = Field(
        sa_column=Column(Integer, ForeignKey("report_part.id", ondelete="CASCADE"), nullable=False, index=True)
    )


class EventBranding(SQLModel, table=True):
    """How the event's reports look: the organisation and programme named on the cover and in the
    running header, a primary colour for headings and rules, and a logo (PNG or SVG, checked)."""

    __tablename__ = "event_branding"
    __table_args__ = (CheckConstraint("primary_colour IS NULL OR length(primary_colour) = 7", name="colour_hex"),)

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    organisation_name: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    programme_name: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    primary_colour: str | None = Field(default=None, sa_column=Column(String(7), nullable=True))
    logo: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    logo_type: str | None = Field(default=None, sa_column=Column(String(40), nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ReportImage(SQLModel, table=True):
    """A photo an organiser uploaded for the introduction (no session) or for one agenda item;
    stored here, never fetched from anywhere."""

    __tablename__ = "report_image"

    id: int = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    session_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("agenda_session.id", ondelete="CASCADE"), nullable=True, index=True),
    )
    caption: str = Field(sa_column=Column(String(500), nullable=False))
    content_type: str = Field(sa_column=Column(String(20), nullable=False))
    width: int = Field(sa_column=Column(Integer, nullable=False))
    height: int = Field(sa_column=Column(Integer, nullable=False))
    size: int = Field(sa_column=Column(Integer, nullable=False))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
