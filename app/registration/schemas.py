"""Request and response shapes for registrations and an event's custom questions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator, model_validator

from app.core.fields import CountryCode, ShortText
from app.core.patch import Patch, unchanged
from app.directory.models import OrganisationType
from app.registration.models import Publication, QuestionKind, RegistrationStatus

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Acronym = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
QuestionKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=40)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
HelpText = Annotated[str, StringConstraints(max_length=1000)]
Option = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Options = Annotated[list[Option], Field(max_length=50)]
Position = Annotated[int, Field(ge=0)]
# Answers are checked against the event's questions by the service; this only bounds their size.
Answers = Annotated[dict[Annotated[str, StringConstraints(max_length=40)], Any], Field(max_length=100)]


class Consents(BaseModel):
    """Privacy consent (required) and whether the name may be published, and to whom."""

    model_config = ConfigDict(extra="forbid")
    privacy: bool = Field(description="consent to the processing of the data given here (required)")
    publication: Publication = Field(
        default=Publication.nobody,
        description="may the name appear in the published participant list: everyone, participants, nobody",
    )

    @model_validator(mode="before")
    @classmethod
    def _publish_name(cls, value: Any) -> Any:
        # `"publish_name": true/false` is the older spelling of everyone/nobody, still accepted.
        if isinstance(value, dict) and "publish_name" in value:
            value = dict(value)
            publish = value.pop("publish_name")
            if not isinstance(publish, bool):
                raise ValueError("publish_name must be true or false")
            value.setdefault("publication", Publication.everyone if publish else Publication.nobody)
        return value

    @field_validator("privacy")
    @classmethod
    def _privacy_given(cls, value: bool) -> bool:
        if not value:
            raise ValueError("privacy consent is required to register")
        return value


class RegistrationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Ada",
                    "last_name": "Peeters",
                    "email": "ada.peeters@example.org",
                    "organisation": "Flanders Innovation & Entrepreneurship",
                    "organisation_type": "agency",
                    "country": "BE",
                    "project": "CLUSTERS3",
                    "answers": {"dietary": "vegetarian"},
                    "consents": {"privacy": True, "publication": "everyone"},
                }
            ]
        },
    )

    first_name: Name
    last_name: Name
    email: EmailStr
    organisation: ShortText | None = None
    organisation_type: OrganisationType | None = None
    country: CountryCode | None = None
    project: Acronym | None = Field(default=None, description="the acronym of a known project, or null")
    answers: Answers = {}
    consents: Consents
    override_capacity: bool = Field(default=False, description="organisers only: seat this person even when full")


class RegistrationUpdate(Patch):
    """What the participant (or an organiser) may change; the email address is not editable."""

    first_name: Name = unchanged()
    last_name: Name = unchanged()
    organisation: ShortText | None = None
    organisation_type: OrganisationType | None = None
    country: CountryCode | None = None
    project: Acronym | None = None
    answers: Answers | None = None
    publication: Publication = unchanged()


class RegistrationReceipt(BaseModel):
    """What an anonymous registrant gets back: their own outcome, nothing about anyone else."""

    id: int
    status: RegistrationStatus
    waitlist_position: int | None


class RegistrationRead(RegistrationReceipt):
    event_id: int
    first_name: str
    last_name: str
    email: str
    organisation: str | None
    organisation_type: OrganisationType | None
    country: str | None
    project: str | None
    answers: dict[str, Any]
    publication: Publication
    privacy_consented_at: datetime | None
    privacy_wording_version: str | None
    created_at: datetime
    confirmed_at: datetime | None
    email_confirmed_at: datetime | None
    approved_at: datetime | None
    cancelled_at: datetime | None
    expires_at: datetime | None


class RegistrationDecision(BaseModel):
    """The (optional) body of a promotion by hand."""

    model_config = ConfigDict(extra="forbid")
    override_capacity: bool = Field(default=False, description="promote: seat the person even when the event is full")


class RegistrationRejection(BaseModel):
    """The (optional) body of a rejection."""

    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(max_length=1000)] | None = Field(
        default=None, description="told to the person in the rejection email"
    )


class QuestionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "key": "dietary",
                    "label": "Dietary requirements",
                    "kind": "single_choice",
                    "required": True,
                    "options": ["none", "vegetarian", "vegan"],
                }
            ]
        },
    )
    key: QuestionKey = Field(description="the name of the answer in `answers` (lower case, digits, underscores)")
    label: Label
    help_text: HelpText | None = None
    kind: QuestionKind
    required: bool = False
    options: Options = []
    position: Position | None = Field(default=None, description="display order; appended at the end when omitted")


class QuestionUpdate(Patch):
    label: Label = unchanged()
    help_text: HelpText | None = None
    required: bool = unchanged()
    options: Options = unchanged()
    position: Position = unchanged()


class QuestionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    event_id: int
    key: str
    label: str
    help_text: str | None
    kind: QuestionKind
    required: bool
    options: list[str]
    position: int
