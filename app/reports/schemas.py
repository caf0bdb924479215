"""Request and response shapes: the narrative, session notes, templates, reports and statistics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator, model_validator

from app.core.fields import Id, LongText, Slug, Url
from app.reports.models import ReportFormat, ReportStatus, TemplateKind

Day = date  # the type, for the classes whose field named "date" hides it

Line = Annotated[str, Field(min_length=1, max_length=2000)]
Heading = Annotated[str, Field(min_length=1, max_length=300)]
KeyPoints = Annotated[list[Line], Field(max_length=50)]


class ConclusionTheme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    theme: Heading
    points: KeyPoints = []


class NextStep(BaseModel):
    """A dated follow-up event: one day (`date`) or several (`date` to `end_date`)."""

    model_config = ConfigDict(extra="forbid")
    date: Day
    end_date: Day | None = None
    title: Heading
    description: LongText | None = None
    url: Url | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> NextStep:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError("end_date must not be before date")
        return self


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Heading
    url: Url


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Heading
    email: EmailStr | None = None
    role: Annotated[str, Field(max_length=300)] | None = None


Conclusions = Annotated[list[ConclusionTheme], Field(max_length=20)]
NextSteps = Annotated[list[NextStep], Field(max_length=20)]
Links = Annotated[list[Link], Field(max_length=50)]
Contacts = Annotated[list[Contact], Field(max_length=20)]


class NarrativeBase(BaseModel):
    """The narrative's texts, the same in a PUT and a PATCH."""

    model_config = ConfigDict(extra="forbid")
    summary: LongText | None = None
    introduction: LongText | None = None
    participation_note: LongText | None = Field(default=None, description="printed beside the charts")


class NarrativeWrite(NarrativeBase):
    """The organisers' text, in Markdown (CommonMark with GitHub's tables): bold, italics, lists, links,
    quotes and tables print as such in every format. Raw HTML is shown as text, never run; links are
    http, https or mailto only; images are uploaded (report-images), never fetched from a URL."""

    key_messages: KeyPoints = []
    conclusions: Conclusions = []
    next_steps: NextSteps = []
    links: Links = []
    contacts: Contacts = []


def _refuse_null(value: object) -> object:
    if value is None:
        raise ValueError("cannot be null; send [] to empty it")
    return value


class NarrativeUpdate(NarrativeBase):
    """PATCH: only the parts named change; a text part sent as null is emptied."""

    key_messages: KeyPoints | None = None
    conclusions: Conclusions | None = None
    next_steps: NextSteps | None = None
    links: Links | None = None
    contacts: Contacts | None = None

    _lists_not_null = field_validator("key_messages", "conclusions", "next_steps", "links", "contacts", mode="before")(
        _refuse_null
    )


class NarrativeRead(NarrativeWrite):
    event_id: int
    updated_at: datetime | None


class SessionNoteWrite(BaseModel):
    """A session's notes (Markdown, as the narrative) and key points (one line of Markdown each)."""

    model_config = ConfigDict(extra="forbid")
    notes: LongText | None = None
    key_points: KeyPoints = []


class SessionNoteUpdate(BaseModel):
    """PATCH: only the parts named change."""

    model_config = ConfigDict(extra="forbid")
    notes: LongText | None = None
    key_points: KeyPoints | None = None

    _list_not_null = field_validator("key_points", mode="before")(_refuse_null)


class SessionNoteRead(SessionNoteWrite):
    session_id: int
    updated_at: datetime | None


class TemplateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Slug = Field(description='how reports ask for it: POST .../reports {"template": name}')
    kind: TemplateKind = Field(description="html (for the html and pdf formats) or md")
    source: Annotated[str, Field(min_length=1, max_length=200_000)] = Field(
        description="a Jinja2 template; the context is documented in docs/report-context.md"
    )


class TemplateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    kind: TemplateKind
    source: str
    created_at: datetime
    updated_at: datetime


class ReportOptions(BaseModel):
    """What the built-in template prints besides the content."""

    model_config = ConfigDict(extra="forbid")
    generated_on: bool = Field(default=True, description="the date of generation under the title")
    credit: bool = Field(default=False, description="a last line saying the report was made with Convene")


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: ReportFormat
    template: Annotated[str, Field(min_length=1, max_length=80)] | None = Field(
        default=None, description="a built-in template (thematic-workshop) or an uploaded one's name"
    )
    options: ReportOptions = ReportOptions()


class PartWrite(BaseModel):
    """A part of the day: consecutive agenda items printed as one section of the report."""

    model_config = ConfigDict(extra="forbid")
    title: Heading
    introduction: LongText | None = Field(default=None, description="Markdown, printed before the items")
    key_points: KeyPoints = []
    session_ids: Annotated[list[Id], Field(min_length=1, max_length=100)] = Field(
        description="the agenda items of the part, consecutive in the agenda (breaks between them allowed)"
    )


class PartsWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parts: Annotated[list[PartWrite], Field(max_length=30)]


class PartRead(PartWrite):
    id: int


class PartsRead(BaseModel):
    parts: list[PartRead]


Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]


class BrandingWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_name: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="on the cover, in the running header and as the DOCX author"
    )
    programme_name: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="the programme or platform, above the title on the cover"
    )
    primary_colour: Colour | None = Field(default=None, description="#RRGGBB, for headings and rules")


class BrandingUpdate(BrandingWrite):
    """PATCH: only the fields named change; a field sent as null is cleared."""


class BrandingRead(BrandingWrite):
    event_id: int
    logo_url: str | None = Field(description="the uploaded logo, or null")
    logo_type: str | None


class ImageRead(BaseModel):
    id: int
    session_id: int | None = Field(description="the agenda item it illustrates; null for the introduction")
    caption: str
    content_type: str
    width: int
    height: int
    size: int
    url: str
    created_at: datetime


class ReportRead(BaseModel):
    id: int
    event_id: int
    status: ReportStatus
    format: ReportFormat
    template: str
    download_url: str | None
    error: str | None
    filename: str | None
    size: int | None
    checksum: str | None = Field(description="SHA-256 of the file")
    requested_by: str | None = Field(default=None, description="who asked for it: an account or an API token")
    created_at: datetime
    generated_at: datetime | None


class SessionAttendanceRead(BaseModel):
    id: int
    title: str
    attendance: int


class StatisticsRead(BaseModel):
    registrations: dict[str, int] = Field(description="count of registrations by status")
    participants: int
    participants_basis: str = Field(description="attended (someone was checked in) or confirmed")
    project_representatives: int
    projects_represented: int
    countries: dict[str, int]
    organisation_types: dict[str, int]
    sessions: list[SessionAttendanceRead]
