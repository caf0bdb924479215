"""An event's custom questions in the console: add, edit, reorder, remove (the registration
domain's question services, as the API's)."""

from __future__ import annotations

import re
import unicodedata

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.console.access import ManagedEvent, OrganiserViewer, Viewer
from app.console.screen import FormDep, Screen, ScreenDep, text
from app.core.deps import SessionDep, TransactionRoute
from app.core.errors import AppError
from app.core.fields import Id
from app.events.models import Event
from app.registration import questions as service
from app.registration.forms import validation_errors
from app.registration.models import Question, QuestionKind
from app.registration.schemas import QuestionCreate, QuestionUpdate

router = APIRouter(route_class=TransactionRoute, include_in_schema=False)

KIND_LABELS = {
    QuestionKind.text: "Text",
    QuestionKind.single_choice: "One choice from a list",
    QuestionKind.multiple_choice: "Several choices from a list",
    QuestionKind.yes_no: "Yes or no",
    QuestionKind.consent: "A box to tick (consent)",
}
LABELS = {
    "label": "Question",
    "key": "Name in exports",
    "kind": "Kind of answer",
    "options": "Choices",
    "help_text": "Help text",
    "required": "Required",
}


def _base(event: Event) -> str:
    return f"/manage/events/{event.slug}/questions"


def key_from(label: str) -> str:
    """A key for the exports from the question's words: "Dietary needs?" -> "dietary_needs"."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:40].strip("_")
    return key if key and key[0].isalpha() else f"q_{key}"[:40]


def _values(form) -> dict:
    values = {name: text(form, name) for name in ("label", "key", "kind", "help_text")}
    values["options"] = str(form.get("options") or "")
    values["required"] = form.get("required") == "yes"
    return values


def _options(values: dict) -> list[str]:
    return [line.strip() for line in values["options"].splitlines() if line.strip()]


def _page(
    screen: Screen,
    session: Session,
    viewer: Viewer,
    event: Event,
    *,
    values: dict,
    errors: dict,
    editing: Question | None = None,
    status: int = 200,
) -> HTMLResponse:
    return screen.render(
        "console/questions.html",
        status=status,
        viewer=viewer,
        event=event,
        questions=service.event_questions(session, event),
        values=values,
        errors=errors,
        editing=editing,
        labels=LABELS,
        kinds=[(kind.value, label) for kind, label in KIND_LABELS.items()],
        kind_labels=KIND_LABELS,
        base=_base(event),
    )


@router.get("/manage/events/{event_ref}/questions", response_class=HTMLResponse)
def questions_page(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent):
    return _page(screen, session, viewer, event, values={"kind": "text"}, errors={})


@router.post("/manage/events/{event_ref}/questions", response_class=HTMLResponse)
def add_question(screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep):
    values = _values(form)
    errors: dict[str, str] = {}
    try:
        data = QuestionCreate(
            label=values["label"],
            key=values["key"] or key_from(values["label"]),
            kind=values["kind"],
            required=values["required"],
            help_text=values["help_text"] or None,
            options=_options(values),
        )
    except ValidationError as error:
        errors = validation_errors(error)
    else:
        try:
            with session.begin_nested():
                question = service.create_question(session, event, data)
        except AppError as error:
            errors[error.field or "label"] = error.detail
        else:
            return screen.redirect(_base(event), f"Added the question “{question.label}”.")
    return _page(screen, session, viewer, event, values=values, errors=errors, status=422)


@router.get("/manage/events/{event_ref}/questions/{question_id}", response_class=HTMLResponse)
def edit_question_page(
    question_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent
):
    question = service.get_question_of_event(session, event, question_id)
    values = {
        "label": question.label,
        "key": question.key,
        "kind": question.kind.value,
        "required": question.required,
        "help_text": question.help_text or "",
        "options": "\n".join(question.options),
    }
    return _page(screen, session, viewer, event, values=values, errors={}, editing=question)


@router.post("/manage/events/{event_ref}/questions/{question_id}", response_class=HTMLResponse)
def edit_question(
    question_id: Id, screen: ScreenDep, session: SessionDep, viewer: OrganiserViewer, event: ManagedEvent, form: FormDep
):
    question = service.get_question_of_event(session, event, question_id)
    values = _values(form) | {"key": question.key, "kind": question.kind.value}
    errors: dict[str, str] = {}
    try:
        data = QuestionUpdate(
            label=values["label"],
            required=values["required"],
            help_text=values["help_text"] or None,
            options=_options(values),
        )
    except ValidationError as error:
        errors = validation_errors(error)
    else:
        try:
            with session.begin_nested():
                service.update_question(session, question, data)
        except AppError as error:
            errors[error.field or "label"] = error.detail
        else:
            return screen.redirect(_base(event), f"Saved the question “{question.label}”.")
    return _page(screen, session, viewer, event, values=values, errors=errors, editing=question, status=422)


@router.post("/manage/events/{event_ref}/questions/{question_id}/{change}")
def move_or_remove(
    question_id: Id,
    change: str,
    screen: ScreenDep,
    session: SessionDep,
    viewer: OrganiserViewer,
    event: ManagedEvent,
    form: FormDep,
):
    question = service.get_question_of_event(session, event, question_id)
    if change in ("up", "down"):
        service.move_question(session, event, question, -1 if change == "up" else 1)
        return screen.redirect(_base(event), f"Moved “{question.label}” {change}.")
    if change == "delete":
        service.delete_question(session, question)
        return screen.redirect(
            _base(event), f"Removed the question “{question.label}” (answers already given are kept)."
        )
    return screen.redirect(_base(event), "choose up, down or delete", problem=True)
