"""The HTML registration form: posted fields -> ``RegistrationCreate`` / ``RegistrationUpdate``.

Every problem is collected at once as ``{field name: message}`` so the page can show each
message next to its field; the values the person typed are kept to fill the form again.
Field names are the schema's (``first_name``, ``country``...), ``privacy`` and ``publication``
for the consents, and ``answers.<key>`` for the event's custom questions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col
from starlette.datastructures import FormData

from app.core.collation import alphabetical_key
from app.core.countries import country_names
from app.core.errors import AppError
from app.directory.models import Organisation, OrganisationType, Project
from app.registration.models import Publication, Question, QuestionKind, Registration
from app.registration.questions import validate_answers
from app.registration.schemas import RegistrationCreate, RegistrationUpdate

# Hidden from people (CSS and aria-hidden), irresistible to form-filling bots.
HONEYPOT_FIELD = "website"
ANSWER_PREFIX = "answers."
_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "organisation",
    "organisation_type",
    "country",
    "project",
    "publication",
)
# The labels of the fields a message does not name by itself: the form shows them, and the error
# summary, far from the field, puts them before the message ("First name: this field is required").
FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email address",
    "organisation": "Organisation",
    "organisation_type": "Type of organisation",
    "country": "Country",
    "project": "Project you represent",
}
_YES = {"yes", "true", "on", "1"}
_NO = {"no", "false", "off", "0"}


M = TypeVar("M", bound=BaseModel)


@dataclass
class ParsedForm(Generic[M]):
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    data: M | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.data is not None


def is_bot(form: FormData) -> bool:
    return bool(str(form.get(HONEYPOT_FIELD) or "").strip())


def answer_field(question: Question) -> str:
    return ANSWER_PREFIX + question.key


def form_values(form: FormData, questions: list[Question]) -> dict[str, Any]:
    """What was typed, as the template shows it again (text; a list for multiple choice)."""
    values: dict[str, Any] = {name: str(form.get(name) or "") for name in _TEXT_FIELDS}
    values["privacy"] = str(form.get("privacy") or "") in _YES
    for question in questions:
        name = answer_field(question)
        values[name] = (
            [str(item) for item in form.getlist(name)]
            if question.kind is QuestionKind.multiple_choice
            else str(form.get(name) or "")
        )
    return values


def _answer(question: Question, raw: Any) -> Any:
    """The form's text as the JSON value ``validate_answers`` expects; None when left blank."""
    if question.kind is QuestionKind.multiple_choice:
        return [item for item in raw if item] or None
    text = raw.strip()
    if question.kind is QuestionKind.consent:
        return text.lower() in _YES
    if question.kind is QuestionKind.yes_no:
        lowered = text.lower()
        return True if lowered in _YES else False if lowered in _NO else (text or None)
    return text or None


def _answers(values: dict[str, Any], questions: list[Question]) -> dict[str, Any]:
    answers = {q.key: _answer(q, values[answer_field(q)]) for q in questions}
    return {key: value for key, value in answers.items() if value is not None}


def answer_errors(questions: list[Question], answers: dict[str, Any]) -> dict[str, str]:
    """Each question checked on its own, so every wrong answer gets its message."""
    errors = {}
    for question in questions:
        try:
            validate_answers([question], {k: v for k, v in answers.items() if k == question.key})
        except AppError as error:
            errors[error.field or answer_field(question)] = error.detail
    return errors


def validation_errors(error: ValidationError, *, depth: int = 2) -> dict[str, str]:
    """Pydantic's errors keyed by the form's field names (the first ``depth`` parts of each error's
    location: ``answers.diet``, or ``next_steps.0.date`` with a depth of 3), in words a person can act on.

    The page shows each next to its field, so a message need not name the field; the templates
    capitalise it.
    """
    errors: dict[str, str] = {}
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        if location[:1] == ["consents"]:
            location = location[1:]
        errors.setdefault(".".join(location[:depth]) or "form", _plain(item))
    return errors


def _plain(item: ErrorDetails) -> str:
    """One pydantic error without its jargon ("String should have...", "Input should be 'sme', ...")."""
    kind, context = item["type"], item.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and context.get("min_length") == 1):
        return "this field is required"
    if kind == "string_too_long":
        return f"use at most {context['max_length']} characters"
    if kind in {"enum", "literal_error"}:
        # Only a tampered form gets here: the page offers nothing else.
        return "choose one of the options in the list"
    if "reason" in context:  # the email address: the reason alone says what is wrong ("... must have an @-sign.")
        return context["reason"][:1].lower() + context["reason"][1:]
    return item["msg"].removeprefix("Value error, ")


def _parse(form: FormData, questions: list[Question], build: Callable[[dict, dict], M]) -> ParsedForm[M]:
    values = form_values(form, questions)
    answers = _answers(values, questions)
    parsed: ParsedForm[M] = ParsedForm(values=values, errors=answer_errors(questions, answers))
    try:
        data = build(values, answers)
    except ValidationError as error:
        parsed.errors = {**validation_errors(error), **parsed.errors}
        return parsed
    if not parsed.errors:
        parsed.data = data
    return parsed


def _details(values: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The fields both forms share; a blank optional field means "none"."""
    payload = {
        name: values[name].strip() or None for name in ("organisation", "organisation_type", "country", "project")
    }
    payload.update(first_name=values["first_name"], last_name=values["last_name"], answers=answers)
    return payload


def parse_registration(form: FormData, questions: list[Question]) -> ParsedForm[RegistrationCreate]:
    def build(values: dict, answers: dict) -> RegistrationCreate:
        return RegistrationCreate.model_validate(
            {
                **_details(values, answers),
                "email": values["email"].strip(),
                "consents": {"privacy": values["privacy"], "publication": values["publication"] or "nobody"},
            }
        )

    return _parse(form, questions, build)


def parse_update(form: FormData, questions: list[Question]) -> ParsedForm[RegistrationUpdate]:
    def build(values: dict, answers: dict) -> RegistrationUpdate:
        return RegistrationUpdate.model_validate(
            {**_details(values, answers), "publication": values["publication"] or "nobody"}
        )

    return _parse(form, questions, build)


@dataclass(frozen=True)
class Choices:
    """The options of the form's selects."""

    countries: list[tuple[str, str]]  # (code, name), in alphabetical order
    organisation_types: list[tuple[str, str]]  # (value, label)
    projects: list[tuple[str, str]]  # (acronym, "ACRONYM: title"), by acronym
    publication: list[tuple[str, str]]


PUBLICATION_LABELS = {
    Publication.nobody: "Nobody: do not list my name",
    Publication.participants: "Other participants of this event",
    Publication.everyone: "Everyone: my name may appear in public lists and the event report",
}


def _project_label(acronym: str, title: str) -> str:
    # People know their project by its acronym; the title alone hides it.
    return title if title.startswith(acronym) else f"{acronym}: {title}"


def form_choices(session: Session) -> Choices:
    projects = session.execute(select(col(Project.acronym), col(Project.title)).order_by(Project.acronym)).all()
    return Choices(
        countries=sorted(country_names().items(), key=lambda item: alphabetical_key(item[1])),
        organisation_types=[(kind.value, kind.label) for kind in OrganisationType],
        projects=[(acronym, _project_label(acronym, title)) for acronym, title in projects],
        publication=[(level.value, label) for level, label in PUBLICATION_LABELS.items()],
    )


def _shown(question: Question, value: Any) -> Any:
    if question.kind is QuestionKind.multiple_choice:
        return list(value or [])
    if isinstance(value, bool):
        return "yes" if value else ("no" if question.kind is QuestionKind.yes_no else "")
    return "" if value is None else str(value)


def registration_values(
    registration: Registration, organisation: Organisation | None, project: Project | None, questions: list[Question]
) -> dict[str, Any]:
    """A stored registration in the shape of ``form_values``, to fill the edit form."""
    values: dict[str, Any] = {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": registration.email,
        "organisation": organisation.name if organisation else "",
        "organisation_type": organisation.type.value if organisation else "",
        "country": registration.country or "",
        "project": project.acronym if project else "",
        "publication": registration.publication.value,
        "privacy": registration.privacy_consented_at is not None,
    }
    for question in questions:
        values[answer_field(question)] = _shown(question, registration.answers.get(question.key))
    return values
